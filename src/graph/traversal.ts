import type { DagCore } from './core.js';

/**
 * Ids reachable from `start` (excluded) following out-edges. O(reached nodes + their edges).
 * With `target`, stops as soon as it is reached.
 */
export function descendantIds(core: DagCore, start: number, target = -1): Set<number> {
  return reach(core.outStart, core.outTo, start, target);
}

/** Ids that reach `start` (excluded), following in-edges. */
export function ancestorIds(core: DagCore, start: number): Set<number> {
  return reach(core.inStart, core.inFrom, start, -1);
}

function reach(start: Int32Array, adj: Int32Array, from: number, target: number): Set<number> {
  const seen = new Set<number>();
  const stack = [from];
  while (stack.length > 0) {
    const v = stack.pop()!;
    for (let i = start[v]!; i < start[v + 1]!; i++) {
      const w = adj[i]!;
      if (seen.has(w)) continue;
      seen.add(w);
      if (w === target) return seen;
      stack.push(w);
    }
  }
  return seen;
}
