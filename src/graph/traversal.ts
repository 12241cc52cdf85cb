import type { DagCore } from './core.js';

/** Per-core scratch space: visit stamps, so a traversal allocates no Set. */
interface Scratch {
  readonly stamp: Int32Array;
  generation: number;
}

const scratches = new WeakMap<DagCore, Scratch>();

/** A fresh visit generation for `core` (traversals are synchronous, so one buffer suffices). */
function visit(core: DagCore): { stamp: Int32Array; mark: number } {
  let s = scratches.get(core);
  if (s === undefined || s.generation === 0x7fffffff) {
    s = { stamp: new Int32Array(core.names.length), generation: 0 };
    scratches.set(core, s);
  }
  return { stamp: s.stamp, mark: ++s.generation };
}

/**
 * Ids reachable from the `starts` (excluded unless reached again, which a DAG never does),
 * following out-edges. O(reached nodes + their edges). With `target`, stops once it is reached.
 */
export function descendantIds(
  core: DagCore,
  starts: number | readonly number[],
  target = -1,
): number[] {
  return reach(
    core,
    core.outStart,
    core.outTo,
    typeof starts === 'number' ? [starts] : starts,
    target,
  );
}

/** Ids that reach `start` (excluded), following in-edges. */
export function ancestorIds(core: DagCore, start: number): number[] {
  return reach(core, core.inStart, core.inFrom, [start], -1);
}

function reach(
  core: DagCore,
  start: Int32Array,
  adj: Int32Array,
  from: readonly number[],
  target: number,
): number[] {
  const { stamp, mark } = visit(core);
  const found: number[] = [];
  const stack = [...from];
  for (const v of from) stamp[v] = mark;
  while (stack.length > 0) {
    const v = stack.pop()!;
    for (let i = start[v]!; i < start[v + 1]!; i++) {
      const w = adj[i]!;
      if (stamp[w] === mark) continue;
      stamp[w] = mark;
      found.push(w);
      if (w === target) return found;
      stack.push(w);
    }
  }
  return found;
}

/**
 * Sort ids into topological order: by position when few (O(k log k)), else by one pass over
 * the order with stamps (O(V)).
 */
export function inTopoOrder(core: DagCore, ids: readonly number[]): number[] {
  const n = core.names.length;
  if (ids.length * 8 < n) {
    const pos = core.topoPos;
    return [...ids].sort((a, b) => pos[a]! - pos[b]!);
  }
  const { stamp, mark } = visit(core);
  for (const v of ids) stamp[v] = mark;
  const out: number[] = [];
  for (const v of core.topo) if (stamp[v] === mark) out.push(v);
  return out;
}
