import { invalidArgument } from '../errors/index.js';
import type { DagCore } from './core.js';
import { costVector } from './costs.js';
import type { Costs } from './types.js';

/** A path with its total cost. */
export interface WeightedPath {
  readonly path: string[];
  readonly cost: number;
}

/**
 * Bottom level of every node by id: the cost of the longest path from it to a leaf, its own
 * cost included. O(V + E), one pass in reverse topological order.
 *
 * @example
 * ```ts
 * const bl = bottomLevelVector(core, costVector(core, {}));
 * ```
 */
export function bottomLevelVector(core: DagCore, cost: Float64Array): Float64Array {
  const level = new Float64Array(core.names.length);
  for (let i = core.topo.length - 1; i >= 0; i--) {
    const v = core.topo[i]!;
    let best = 0;
    for (let k = core.outStart[v]!; k < core.outStart[v + 1]!; k++) {
      const below = level[core.outTo[k]!]!;
      if (below > best) best = below;
    }
    level[v] = cost[v]! + best;
  }
  return level;
}

/**
 * The longest path by node cost (a missing cost counts 1); `{ path: [], cost: 0 }` for an empty
 * DAG. O(V + E). Ties go to the node earliest in topological order, then to the first edge.
 *
 * @example
 * ```ts
 * criticalPath(coreOf(dag), { transform: 5 }); // { path: ['extract', 'transform', 'load'], cost: 7 }
 * ```
 */
export function criticalPath(core: DagCore, costs: Costs): WeightedPath {
  const cost = costVector(core, costs);
  if (core.names.length === 0) return { path: [], cost: 0 };
  const level = bottomLevelVector(core, cost);
  let v = core.topo[0]!;
  for (const u of core.topo) if (level[u]! > level[v]!) v = u;
  const total = level[v]!;
  // Invariant: level[v] = cost[v] + max over children, so following the best child stays on a
  // path whose remaining cost is level[v].
  const path = [core.names[v]!];
  for (;;) {
    let next = -1;
    for (let k = core.outStart[v]!; k < core.outStart[v + 1]!; k++) {
      const w = core.outTo[k]!;
      if (next === -1 || level[w]! > level[next]!) next = w;
    }
    if (next === -1) break;
    v = next;
    path.push(core.names[v]!);
  }
  return { path, cost: total };
}

/**
 * For each node name, its bottom level (see {@link bottomLevelVector}). O(V + E).
 *
 * @example
 * ```ts
 * bottomLevels(coreOf(dag), { load: 2 }).get('extract'); // 4 for extract -> transform -> load
 * ```
 */
export function bottomLevels(core: DagCore, costs: Costs): Map<string, number> {
  const level = bottomLevelVector(core, costVector(core, costs));
  const out = new Map<string, number>();
  for (let v = 0; v < core.names.length; v++) out.set(core.names[v]!, level[v]!);
  return out;
}

/**
 * The path with the fewest edges from `from` to `to`, or undefined when `to` is unreachable;
 * `[from]` when they are equal. Breadth-first, O(V + E) worst case, stops at `to`.
 *
 * @example
 * ```ts
 * shortestPath(core, ids.get('a')!, ids.get('d')!); // ['a', 'c', 'd']
 * ```
 */
export function shortestPath(core: DagCore, from: number, to: number): string[] | undefined {
  if (from === to) return [core.names[from]!];
  const parent = new Int32Array(core.names.length).fill(-1);
  parent[from] = from;
  const queue = new Int32Array(core.names.length);
  queue[0] = from;
  for (let head = 0, tail = 1; head < tail; head++) {
    const v = queue[head]!;
    for (let k = core.outStart[v]!; k < core.outStart[v + 1]!; k++) {
      const w = core.outTo[k]!;
      if (parent[w] !== -1) continue;
      parent[w] = v;
      if (w === to) return unwind(core, parent, from, to);
      queue[tail++] = w;
    }
  }
  return undefined;
}

/**
 * The path with the most edges from `from` to `to`, or undefined when `to` is unreachable;
 * `[from]` when they are equal. Dynamic programming over the topological order between the
 * two nodes: O(V + E).
 *
 * @example
 * ```ts
 * longestPath(core, ids.get('a')!, ids.get('d')!); // ['a', 'b', 'c', 'd']
 * ```
 */
export function longestPath(core: DagCore, from: number, to: number): string[] | undefined {
  if (from === to) return [core.names[from]!];
  const topo = core.topo;
  let first = -1;
  let last = -1;
  for (let i = 0; i < topo.length && (first === -1 || last === -1); i++) {
    if (topo[i] === from) first = i;
    if (topo[i] === to) last = i;
  }
  if (last < first) return undefined;
  const length = new Int32Array(core.names.length).fill(-1);
  const parent = new Int32Array(core.names.length).fill(-1);
  length[from] = 0;
  parent[from] = from;
  for (let i = first; i < last; i++) {
    const v = topo[i]!;
    if (length[v] === -1) continue;
    for (let k = core.outStart[v]!; k < core.outStart[v + 1]!; k++) {
      const w = core.outTo[k]!;
      if (length[v]! + 1 > length[w]!) {
        length[w] = length[v]! + 1;
        parent[w] = v;
      }
    }
  }
  return length[to] === -1 ? undefined : unwind(core, parent, from, to);
}

/**
 * Up to `limit` paths from `from` to `to`, depth first with children in edge insertion order.
 * Only nodes that reach `to` are entered, so every branch explored yields a path:
 * O(V + E + total length of the paths returned).
 *
 * @example
 * ```ts
 * allPaths(core, ids.get('a')!, ids.get('d')!, 10); // [['a', 'b', 'd'], ['a', 'c', 'd']]
 * ```
 */
export function allPaths(core: DagCore, from: number, to: number, limit: number): string[][] {
  if (!(limit === Infinity || (Number.isInteger(limit) && limit >= 0))) {
    invalidArgument('`limit`', 'an integer >= 0', limit);
  }
  const out: string[][] = [];
  if (limit === 0) return out;
  if (from === to) return [[core.names[from]!]];
  const useful = nodesReaching(core, to);
  if (useful[from] === 0) return out;
  const path = [from];
  const cursor = [core.outStart[from]!];
  while (path.length > 0) {
    const depth = path.length - 1;
    const v = path[depth]!;
    const k = cursor[depth]!;
    if (k === core.outStart[v + 1]) {
      path.pop();
      cursor.pop();
      continue;
    }
    cursor[depth] = k + 1;
    const w = core.outTo[k]!;
    if (w === to) {
      out.push([...path.map((u) => core.names[u]!), core.names[to]!]);
      if (out.length >= limit) break;
    } else if (useful[w] === 1) {
      path.push(w);
      cursor.push(core.outStart[w]!);
    }
  }
  return out;
}

/** Marks `to` and every ancestor of it: O(ancestors + their in-edges). */
function nodesReaching(core: DagCore, to: number): Uint8Array {
  const mark = new Uint8Array(core.names.length);
  mark[to] = 1;
  const stack = [to];
  while (stack.length > 0) {
    const v = stack.pop()!;
    for (let k = core.inStart[v]!; k < core.inStart[v + 1]!; k++) {
      const u = core.inFrom[k]!;
      if (mark[u] === 1) continue;
      mark[u] = 1;
      stack.push(u);
    }
  }
  return mark;
}

function unwind(core: DagCore, parent: Int32Array, from: number, to: number): string[] {
  const path: string[] = [];
  for (let v = to; v !== from; v = parent[v]!) path.push(core.names[v]!);
  path.push(core.names[from]!);
  return path.reverse();
}
