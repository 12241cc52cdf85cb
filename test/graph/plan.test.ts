import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAG } from '../../src/graph/dag.js';
import type { PlanStep } from '../../src/graph/plan.js';
import { expectError, randomDagWithCosts } from './random-dag.js';

const independent = (names: string[]) => {
  const builder = DAG.builder();
  for (const name of names) builder.addNode(name);
  return builder.build();
};

/** Naive peak: at each start instant, count the steps with start <= t < finish (at least 1). */
const naivePeak = (steps: readonly PlanStep[]): number => {
  let peak = steps.length > 0 ? 1 : 0;
  for (const { start: t } of steps) {
    peak = Math.max(peak, steps.filter((s) => s.start <= t && t < s.finish).length);
  }
  return peak;
};

describe('executionPlan', () => {
  it('runs a chain one node after the other', () => {
    const dag = DAG.builder().addEdge('a', 'b').addEdge('b', 'c').build();
    expect(dag.executionPlan({ a: 2, b: 3 }, 4)).toEqual({
      steps: [
        { node: 'a', worker: 0, start: 0, finish: 2 },
        { node: 'b', worker: 0, start: 2, finish: 5 },
        { node: 'c', worker: 0, start: 5, finish: 6 },
      ],
      maxParallelism: 1,
      makespan: 6,
    });
  });

  it('honours the worker limit and is unbounded without one', () => {
    const dag = independent(['p', 'q', 'r', 's']);
    const two = dag.executionPlan({}, 2);
    expect(two.steps).toEqual([
      { node: 'p', worker: 0, start: 0, finish: 1 },
      { node: 'q', worker: 1, start: 0, finish: 1 },
      { node: 'r', worker: 0, start: 1, finish: 2 },
      { node: 's', worker: 1, start: 1, finish: 2 },
    ]);
    expect([two.maxParallelism, two.makespan]).toEqual([2, 2]);
    const unbounded = dag.executionPlan();
    expect(unbounded.steps.map((s) => [s.worker, s.start])).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
      [3, 0],
    ]);
    expect([unbounded.maxParallelism, unbounded.makespan]).toEqual([4, 1]);
  });

  it('schedules the highest bottom level first', () => {
    // `short` is inserted first, but `long` heads a path of cost 6.
    const dag = DAG.builder().addNode('short').addEdge('long', 'tail').build();
    const serial = dag.executionPlan({ tail: 5 }, 1);
    expect(serial.steps.map((s) => [s.node, s.start])).toEqual([
      ['long', 0],
      ['tail', 1],
      ['short', 6],
    ]);
    const parallel = dag.executionPlan({ tail: 5 }, 2);
    expect(parallel.steps).toEqual([
      { node: 'short', worker: 1, start: 0, finish: 1 },
      { node: 'long', worker: 0, start: 0, finish: 1 },
      { node: 'tail', worker: 0, start: 1, finish: 6 },
    ]);
    expect(parallel.makespan).toBe(6);
  });

  it('gives zero-cost steps no duration and handles an empty DAG', () => {
    const zero = independent(['a', 'b', 'c']).executionPlan({ a: 0, b: 0, c: 0 });
    expect(zero.steps.map((s) => [s.worker, s.start, s.finish])).toEqual([
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect([zero.maxParallelism, zero.makespan]).toEqual([1, 0]);
    const mixed = independent(['a', 'b', 'c']).executionPlan({ a: 0 }, 2);
    expect(mixed.maxParallelism).toBe(2);
    expect(DAG.builder().build().executionPlan({}, 3)).toEqual({
      steps: [],
      maxParallelism: 0,
      makespan: 0,
    });
  });

  it('rejects a bad maxWorkers quoting it, and bad costs', () => {
    const dag = independent(['a']);
    const error = expectError(() => dag.executionPlan({}, 0), 'INVALID_ARGUMENT');
    expect(error.message).toBe('Expected `maxWorkers` to be an integer >= 1, got `0` (number)');
    for (const bad of [1.5, -2, Number.NaN, Infinity, '2']) {
      expectError(() => dag.executionPlan({}, bad as number), 'INVALID_ARGUMENT');
    }
    expectError(() => dag.executionPlan({ nope: 1 }), 'UNKNOWN_NODE');
    expectError(() => dag.executionPlan({ a: -1 }), 'INVALID_ARGUMENT');
  });

  it('respects dependencies, costs and the worker limit (property)', () => {
    const workers = fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined });
    fc.assert(
      fc.property(randomDagWithCosts({ maxNodes: 12, maxCost: 5 }), workers, ([rd, costs], w) => {
        const cost = (v: string) => costs[v] ?? 1;
        const plan = rd.dag.executionPlan(costs, w);
        const byNode = new Map(plan.steps.map((s) => [s.node, s]));
        expect([...byNode.keys()].sort()).toEqual([...rd.names].sort());
        expect(plan.steps.length).toBe(rd.names.length);
        plan.steps.forEach((s, i) => {
          expect(s.finish - s.start).toBe(cost(s.node));
          if (i > 0) expect(s.start).toBeGreaterThanOrEqual(plan.steps[i - 1]!.start);
          if (w !== undefined) expect(s.worker).toBeLessThan(w);
        });
        for (const [u, v] of rd.edges) {
          expect(byNode.get(v)!.start).toBeGreaterThanOrEqual(byNode.get(u)!.finish);
        }
        const perWorker = new Map<number, PlanStep[]>();
        for (const s of plan.steps)
          perWorker.set(s.worker, [...(perWorker.get(s.worker) ?? []), s]);
        for (const steps of perWorker.values()) {
          steps.sort((a, b) => a.start - b.start || a.finish - b.finish);
          for (let i = 1; i < steps.length; i++) {
            expect(steps[i]!.start).toBeGreaterThanOrEqual(steps[i - 1]!.finish);
          }
        }
        expect(plan.maxParallelism).toBe(naivePeak(plan.steps));
        if (w !== undefined) expect(plan.maxParallelism).toBeLessThanOrEqual(w);
        const finishes = plan.steps.map((s) => s.finish);
        expect(plan.makespan).toBe(Math.max(0, ...finishes));
        const critical = rd.dag.criticalPath(costs).cost;
        const total = rd.names.reduce((sum, v) => sum + cost(v), 0);
        expect(plan.makespan).toBeGreaterThanOrEqual(critical);
        expect(plan.makespan).toBeLessThanOrEqual(total);
        if (w === undefined) expect(plan.makespan).toBe(critical);
        if (w === 1) expect(plan.makespan).toBe(total);
      }),
      { numRuns: 200 },
    );
  });
});
