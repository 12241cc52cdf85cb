import { buildCore, type DagCore } from './core.js';

/**
 * The induced subgraph on the ids marked in `keep`: nodes keep their relative order, payload
 * and metadata; edges keep their relative order, weight and label. O(V + E).
 *
 * @example
 * ```ts
 * const keep = new Uint8Array(core.names.length).fill(1);
 * keep[core.ids.get('x')!] = 0;
 * inducedCore(core, keep); // everything but x
 * ```
 */
export function inducedCore(core: DagCore, keep: Uint8Array): DagCore {
  const n = core.names.length;
  const map = new Int32Array(n).fill(-1);
  const names: string[] = [];
  const payloads: unknown[] = [];
  const metadata: (Readonly<Record<string, unknown>> | undefined)[] = [];
  for (let v = 0; v < n; v++) {
    if (keep[v] !== 1) continue;
    map[v] = names.length;
    names.push(core.names[v]!);
    payloads.push(core.payloads[v]);
    metadata.push(core.metadata[v]);
  }
  return buildCore({
    names,
    payloads,
    metadata,
    ...selectEdges(
      core,
      (e) => map[core.edgeFrom[e]!]! !== -1 && map[core.edgeTo[e]!]! !== -1,
      map,
    ),
  });
}

/**
 * The edge lists of {@link selectEdges}, ready to spread into a `CoreInput`.
 *
 * @example
 * ```ts
 * const lists: EdgeLists = selectEdges(core, () => true);
 * buildCore({ ...nodes, ...lists });
 * ```
 */
export interface EdgeLists {
  edgeFrom: number[];
  edgeTo: number[];
  edgeWeight: (number | undefined)[];
  edgeLabel: (string | undefined)[];
}

/**
 * The edges `e` (in id order) for which `keep(e)` holds, endpoints renumbered through `map`
 * (identity when omitted), attributes kept. O(E).
 *
 * @example
 * ```ts
 * const lists = selectEdges(core, (e) => core.edgeWeight[e] !== undefined);
 * ```
 */
export function selectEdges(
  core: DagCore,
  keep: (edge: number) => boolean,
  map?: Int32Array,
): EdgeLists {
  const lists: EdgeLists = { edgeFrom: [], edgeTo: [], edgeWeight: [], edgeLabel: [] };
  for (let e = 0; e < core.edgeFrom.length; e++) {
    if (!keep(e)) continue;
    const u = core.edgeFrom[e]!;
    const v = core.edgeTo[e]!;
    lists.edgeFrom.push(map === undefined ? u : map[u]!);
    lists.edgeTo.push(map === undefined ? v : map[v]!);
    lists.edgeWeight.push(core.edgeWeight[e]);
    lists.edgeLabel.push(core.edgeLabel[e]);
  }
  return lists;
}
