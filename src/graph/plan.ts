import { invalidArgument } from '../errors/index.js';
import type { DagCore } from './core.js';
import { costVector } from './costs.js';
import { bottomLevelVector } from './paths.js';
import type { Costs } from './types.js';
import { WorkerPool } from './worker-pool.js';

/** One scheduled node in an {@link ExecutionPlan}. */
export interface PlanStep {
  readonly node: string;
  /** 0-based worker index; workers are opened in order, only when needed. */
  readonly worker: number;
  readonly start: number;
  readonly finish: number;
}

/** A list schedule: steps in start order, the peak parallelism and the makespan. */
export interface ExecutionPlan {
  readonly steps: PlanStep[];
  readonly maxParallelism: number;
  readonly makespan: number;
}

/**
 * A static list schedule (HLFET). Nodes are taken by highest bottom level first, ties by
 * topological position; this is a topological order, since a parent's bottom level is at least
 * its child's. Each node starts at max(latest finish of its parents, the time the earliest free
 * worker frees up) on that worker. Unbounded when `maxWorkers` is omitted.
 *
 * Steps are sorted by start, then topological position. `maxParallelism` is the peak number of
 * steps running at one instant, steps occupying [start, finish) (at least 1 when there is a
 * step, even if every cost is 0).
 *
 * O(V log V + E + V log W). Throws `INVALID_ARGUMENT` unless `maxWorkers` is an integer >= 1.
 *
 * @example
 * ```ts
 * const plan = executionPlan(coreOf(dag), { transform: 5 }, 2);
 * plan.makespan; // 7 for extract -> transform -> load
 * ```
 */
export function executionPlan(core: DagCore, costs: Costs, maxWorkers?: number): ExecutionPlan {
  if (maxWorkers !== undefined && !(Number.isInteger(maxWorkers) && maxWorkers >= 1)) {
    invalidArgument('`maxWorkers`', 'an integer >= 1', maxWorkers);
  }
  const n = core.names.length;
  const cost = costVector(core, costs);
  const level = bottomLevelVector(core, cost);
  const position = new Int32Array(n);
  for (let i = 0; i < n; i++) position[core.topo[i]!] = i;
  const order = Array.from(core.topo).sort(
    (a, b) => level[b]! - level[a]! || position[a]! - position[b]!,
  );
  const pool = new WorkerPool(maxWorkers ?? Math.max(n, 1));
  const start = new Float64Array(n);
  const finish = new Float64Array(n);
  const worker = new Int32Array(n);
  for (const v of order) {
    let ready = 0;
    for (let k = core.inStart[v]!; k < core.inStart[v + 1]!; k++) {
      const f = finish[core.inFrom[k]!]!;
      if (f > ready) ready = f;
    }
    const slot = pool.acquire(ready);
    const begin = slot.freeAt > ready ? slot.freeAt : ready;
    const end = begin + cost[v]!;
    start[v] = begin;
    finish[v] = end;
    worker[v] = slot.worker;
    pool.release(slot.worker, end);
  }
  const byStart = Array.from(core.topo).sort(
    (a, b) => start[a]! - start[b]! || position[a]! - position[b]!,
  );
  let makespan = 0;
  const steps = byStart.map((v): PlanStep => {
    if (finish[v]! > makespan) makespan = finish[v]!;
    return { node: core.names[v]!, worker: worker[v]!, start: start[v]!, finish: finish[v]! };
  });
  return { steps, maxParallelism: peakParallelism(steps), makespan };
}

/**
 * Peak number of steps running at once, by a sweep over start/finish events: O(S log S).
 * Steps occupy [start, finish), so at equal times finishes come before starts; a zero-cost step
 * occupies no time, and only makes the peak 1 when nothing ever runs in parallel.
 */
function peakParallelism(steps: readonly PlanStep[]): number {
  const events: [time: number, delta: number][] = [];
  for (const step of steps) {
    if (step.finish === step.start) continue;
    events.push([step.start, 1], [step.finish, -1]);
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let running = 0;
  let peak = steps.length > 0 ? 1 : 0;
  for (const [, delta] of events) {
    running += delta;
    if (running > peak) peak = running;
  }
  return peak;
}
