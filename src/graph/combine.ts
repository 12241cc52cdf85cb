import { invalidArgument, TributaryError } from '../errors/index.js';
import { checkName } from './builder.js';
import { buildCore, unknownNode, type DagCore } from './core.js';
import { selectEdges, type EdgeLists } from './rebuild.js';

/** A connection for `DAG.compose`: `[from, to]` with namespaced names (`ns.node`). */
export type Connection = readonly [from: string, to: string];

/**
 * The union of two DAGs. `a`'s nodes come first, then `b`'s new ones; a shared name is one
 * node and `a`'s payload and metadata win. Edges are `a`'s, then `b`'s not already present
 * (`a`'s attributes win). O(V + E). Throws `CYCLE_DETECTED` when the union has a cycle.
 *
 * @example
 * ```ts
 * merge(coreOf(etl), coreOf(report));
 * ```
 */
export function merge(a: DagCore, b: DagCore): DagCore {
  const names = [...a.names];
  const payloads = [...a.payloads];
  const metadata = [...a.metadata];
  const map = new Int32Array(b.names.length);
  for (let v = 0; v < b.names.length; v++) {
    const name = b.names[v]!;
    const shared = a.ids.get(name);
    if (shared !== undefined) {
      map[v] = shared;
      continue;
    }
    map[v] = names.length;
    names.push(name);
    payloads.push(b.payloads[v]);
    metadata.push(b.metadata[v]);
  }
  const edges = selectEdges(a, () => true);
  const seen = new EdgeSet(names.length);
  for (let e = 0; e < edges.edgeFrom.length; e++) seen.add(edges.edgeFrom[e]!, edges.edgeTo[e]!);
  appendNew(
    edges,
    selectEdges(b, () => true, map),
    seen,
  );
  return buildCore({ names, payloads, metadata, ...edges });
}

/**
 * Replace the nodes `ids` by one node named `into`, placed where the group's first node (by
 * id) was. Edges between the group and the rest are redirected to `into` and deduplicated
 * (the first keeps its attributes); edges inside the group are dropped. `into` may reuse the
 * name of a group member, whose payload it then keeps; its metadata is that member's plus
 * `collapsed`: the group's names in node order. O(V + E).
 *
 * Throws `DUPLICATE_NODE` when `into` names a node outside the group and `CYCLE_DETECTED`
 * when a path leaves the group and comes back.
 *
 * @example
 * ```ts
 * collapse(core, [ids.get('b')!, ids.get('c')!], 'bc');
 * ```
 */
export function collapse(core: DagCore, ids: readonly number[], into: string): DagCore {
  checkName(into);
  if (ids.length === 0) invalidArgument('the nodes to collapse', 'a non-empty list', ids);
  const n = core.names.length;
  const inGroup = new Uint8Array(n);
  for (const v of ids) inGroup[v] = 1;
  const existing = core.ids.get(into);
  if (existing !== undefined && inGroup[existing] !== 1) {
    throw new TributaryError(
      'DUPLICATE_NODE',
      `Cannot collapse into "${into}": a node outside the group already has that name`,
      { context: { node: into } },
    );
  }
  const names: string[] = [];
  const payloads: unknown[] = [];
  const metadata: (Readonly<Record<string, unknown>> | undefined)[] = [];
  const collapsed: string[] = [];
  const map = new Int32Array(n);
  let target = -1;
  for (let v = 0; v < n; v++) {
    if (inGroup[v] === 1) {
      collapsed.push(core.names[v]!);
      if (target !== -1) {
        map[v] = target;
        continue;
      }
      target = names.length;
      names.push(into);
      payloads.push(existing === undefined ? undefined : core.payloads[existing]);
      metadata.push(undefined); // set below, once the group is known
    } else {
      names.push(core.names[v]!);
      payloads.push(core.payloads[v]);
      metadata.push(core.metadata[v]);
    }
    map[v] = names.length - 1;
  }
  const own = existing === undefined ? undefined : core.metadata[existing];
  metadata[target] = { ...own, collapsed };
  const edges: EdgeLists = { edgeFrom: [], edgeTo: [], edgeWeight: [], edgeLabel: [] };
  const outside = selectEdges(
    core,
    (e) => inGroup[core.edgeFrom[e]!] !== 1 || inGroup[core.edgeTo[e]!] !== 1,
    map,
  );
  appendNew(edges, outside, new EdgeSet(names.length));
  return buildCore({ names, payloads, metadata, ...edges });
}

/**
 * Combine DAGs under namespaces: node `x` of part `ns` becomes `ns.x`. Parts come in order,
 * each with its nodes and edges; then one edge per connection (`[from, to]`, namespaced
 * names). O(V + E). Throws `UNKNOWN_NODE` for a connection endpoint that does not exist,
 * `DUPLICATE_NODE` when two namespaced names clash (`a` + `b.c` and `a.b` + `c`),
 * `DUPLICATE_EDGE` for a repeated connection and `CYCLE_DETECTED` for a cycle.
 *
 * @example
 * ```ts
 * compose([['etl', coreOf(etl)], ['report', coreOf(report)]], [['etl.load', 'report.render']]);
 * ```
 */
export function compose(
  parts: readonly (readonly [string, DagCore])[],
  connections: readonly Connection[],
): DagCore {
  const names: string[] = [];
  const payloads: unknown[] = [];
  const metadata: (Readonly<Record<string, unknown>> | undefined)[] = [];
  const ids = new Map<string, number>();
  const edges: EdgeLists = { edgeFrom: [], edgeTo: [], edgeWeight: [], edgeLabel: [] };
  for (const [ns, core] of parts) {
    if (typeof ns !== 'string' || ns.length === 0) {
      invalidArgument('a namespace', 'a non-empty string', ns);
    }
    const offset = names.length;
    for (let v = 0; v < core.names.length; v++) {
      const name = `${ns}.${core.names[v]!}`;
      if (!ids.has(name)) ids.set(name, names.length);
      names.push(name);
      payloads.push(core.payloads[v]);
      metadata.push(core.metadata[v]);
    }
    for (let e = 0; e < core.edgeFrom.length; e++) {
      edges.edgeFrom.push(core.edgeFrom[e]! + offset);
      edges.edgeTo.push(core.edgeTo[e]! + offset);
      edges.edgeWeight.push(core.edgeWeight[e]);
      edges.edgeLabel.push(core.edgeLabel[e]);
    }
  }
  for (const connection of connections) {
    if (!Array.isArray(connection) || connection.length !== 2) {
      invalidArgument('a connection', 'a [from, to] pair', connection);
    }
    const [from, to] = connection;
    const u = ids.get(from);
    if (u === undefined) throw unknownNode(from);
    const v = ids.get(to);
    if (v === undefined) throw unknownNode(to);
    edges.edgeFrom.push(u);
    edges.edgeTo.push(v);
    edges.edgeWeight.push(undefined);
    edges.edgeLabel.push(undefined);
  }
  return buildCore({ names, payloads, metadata, ...edges });
}

/** Append the edges of `extra` not yet in `seen` to `into`, recording them. O(extra). */
function appendNew(into: EdgeLists, extra: EdgeLists, seen: EdgeSet): void {
  for (let e = 0; e < extra.edgeFrom.length; e++) {
    const u = extra.edgeFrom[e]!;
    const v = extra.edgeTo[e]!;
    if (!seen.add(u, v)) continue;
    into.edgeFrom.push(u);
    into.edgeTo.push(v);
    into.edgeWeight.push(extra.edgeWeight[e]);
    into.edgeLabel.push(extra.edgeLabel[e]);
  }
}

/** A set of (from, to) id pairs, keyed `from·V + to` (exact below 2^53, i.e. V < ~9.4e7). */
class EdgeSet {
  readonly #n: number;
  readonly #keys = new Set<number>();

  constructor(nodeCount: number) {
    this.#n = nodeCount;
  }

  /** Add the pair; false when it was already there. */
  add(from: number, to: number): boolean {
    const key = from * this.#n + to;
    if (this.#keys.has(key)) return false;
    this.#keys.add(key);
    return true;
  }
}
