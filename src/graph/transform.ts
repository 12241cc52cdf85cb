import { invalidArgument } from '../errors/index.js';
import { buildCore, type DagCore } from './core.js';
import { Reachability } from './reachability.js';
import { inducedCore, selectEdges } from './rebuild.js';

export { collapse, compose, merge, type Connection } from './combine.js';

/**
 * The induced subgraph on `ids` (duplicates ignored): nodes keep their original relative order,
 * edges their attributes. O(V + E).
 *
 * @example
 * ```ts
 * subgraph(core, [ids.get('a')!, ids.get('b')!]);
 * ```
 */
export function subgraph(core: DagCore, ids: readonly number[]): DagCore {
  const keep = new Uint8Array(core.names.length);
  for (const v of ids) keep[v] = 1;
  return inducedCore(core, keep);
}

/**
 * The induced subgraph on the nodes within `depth` edges of `start`: breadth first along
 * out-edges (`down`), in-edges (`up`), or the union of both searches (`both`: ancestors and
 * descendants, not siblings). `depth` is an integer >= 0 or `Infinity`. O(V + E).
 *
 * @example
 * ```ts
 * subgraphByDepth(core, ids.get('b')!, 1, 'both'); // b, its parents and its children
 * ```
 */
export function subgraphByDepth(
  core: DagCore,
  start: number,
  depth: number,
  direction: 'down' | 'up' | 'both',
): DagCore {
  if (!(depth === Infinity || (Number.isInteger(depth) && depth >= 0))) {
    invalidArgument('`depth`', 'an integer >= 0 or Infinity', depth);
  }
  if (direction !== 'down' && direction !== 'up' && direction !== 'both') {
    invalidArgument('`direction`', "'down', 'up' or 'both'", direction);
  }
  const keep = new Uint8Array(core.names.length);
  keep[start] = 1;
  if (direction !== 'up') bfs(keep, start, depth, core.outStart, core.outTo);
  if (direction !== 'down') bfs(keep, start, depth, core.inStart, core.inFrom);
  return inducedCore(core, keep);
}

/** Marks (in `keep`) the nodes within `depth` steps of `start`; a search-local distance array. */
function bfs(
  keep: Uint8Array,
  start: number,
  depth: number,
  index: Int32Array,
  adj: Int32Array,
): void {
  const distance = new Int32Array(keep.length).fill(-1);
  distance[start] = 0;
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head]!;
    if (distance[v]! >= depth) continue;
    for (let k = index[v]!; k < index[v + 1]!; k++) {
      const w = adj[k]!;
      if (distance[w] !== -1) continue;
      distance[w] = distance[v]! + 1;
      keep[w] = 1;
      queue.push(w);
    }
  }
}

/**
 * The same nodes (payload and metadata kept) with the fewest edges giving the same
 * reachability: an edge is dropped when a longer path implies it. Unique for a DAG.
 * Uses the bitset pass of {@link Reachability}: O(V + E·log(deg) + E′·V/32) time, V²/8 bytes,
 * so `LIMIT_EXCEEDED` above 100,000 nodes.
 *
 * @example
 * ```ts
 * transitiveReduction(core); // a->b, b->c, a->c  becomes  a->b, b->c
 * ```
 */
export function transitiveReduction(core: DagCore): DagCore {
  const index = new Reachability(core);
  return buildCore({ ...nodeLists(core), ...selectEdges(core, (e) => !index.isRedundant(e)) });
}

/**
 * An edge from every node to each of its descendants. Existing edges come first with their
 * attributes, then the implied ones by source id and target id. O(V²/32 + closure size);
 * `LIMIT_EXCEEDED` above 100,000 nodes (see {@link Reachability}).
 *
 * @example
 * ```ts
 * transitiveClosure(core); // a->b, b->c  becomes  a->b, b->c, a->c
 * ```
 */
export function transitiveClosure(core: DagCore): DagCore {
  const index = new Reachability(core);
  const lists = selectEdges(core, () => true);
  const child = new Int32Array(core.names.length).fill(-1); // stamp: child[w] === u
  for (let u = 0; u < core.names.length; u++) {
    for (let k = core.outStart[u]!; k < core.outStart[u + 1]!; k++) child[core.outTo[k]!] = u;
    for (const w of index.descendants(u)) {
      if (child[w] === u) continue;
      lists.edgeFrom.push(u);
      lists.edgeTo.push(w);
      lists.edgeWeight.push(undefined);
      lists.edgeLabel.push(undefined);
    }
  }
  return buildCore({ ...nodeLists(core), ...lists });
}

/**
 * Every edge reversed, attributes and node order kept. O(V + E).
 *
 * @example
 * ```ts
 * reverse(core); // a->b becomes b->a
 * ```
 */
export function reverse(core: DagCore): DagCore {
  const lists = selectEdges(core, () => true);
  return buildCore({
    ...nodeLists(core),
    ...lists,
    edgeFrom: lists.edgeTo,
    edgeTo: lists.edgeFrom,
  });
}

/**
 * The induced subgraph on the ids for which `keep` holds (called once per node, in id order).
 * O(V + E).
 *
 * @example
 * ```ts
 * filterDag(core, (v) => core.payloads[v] !== undefined);
 * ```
 */
export function filterDag(core: DagCore, keep: (id: number) => boolean): DagCore {
  const mark = new Uint8Array(core.names.length);
  for (let v = 0; v < mark.length; v++) if (keep(v)) mark[v] = 1;
  return inducedCore(core, mark);
}

function nodeLists(core: DagCore): Pick<DagCore, 'names' | 'payloads' | 'metadata'> {
  return { names: core.names, payloads: core.payloads, metadata: core.metadata };
}
