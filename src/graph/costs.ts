import { invalidArgument } from '../errors/index.js';
import { unknownNode, type DagCore } from './core.js';
import type { Costs } from './types.js';

/**
 * Resolve user-supplied costs into a vector indexed by node id: O(V + entries). A missing
 * entry costs 1. Throws `UNKNOWN_NODE` for a name that is not in the graph and
 * `INVALID_ARGUMENT` for a cost that is not a finite number >= 0 (quoting it).
 *
 * @example
 * ```ts
 * const cost = costVector(coreOf(dag), { extract: 3 });
 * cost[coreOf(dag).ids.get('extract')!]; // 3
 * ```
 */
export function costVector(core: DagCore, costs: Costs): Float64Array {
  const out = new Float64Array(core.names.length).fill(1);
  for (const [name, value] of costEntries(costs)) {
    const v = core.ids.get(name);
    if (v === undefined) throw unknownNode(name);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      invalidArgument(`the cost of "${name}"`, 'a finite number >= 0', value);
    }
    out[v] = value;
  }
  return out;
}

function costEntries(costs: Costs): Iterable<readonly [string, unknown]> {
  if (typeof costs !== 'object' || costs === null) {
    invalidArgument('`costs`', 'a Map or a record from node name to number', costs);
  }
  if (isMapLike(costs)) return costs.entries();
  return Object.entries(costs);
}

function isMapLike(costs: Costs): costs is ReadonlyMap<string, number> {
  // A record's values are numbers, so a callable `entries`/`get` pair means a Map.
  const candidate = costs as { entries?: unknown; get?: unknown };
  return typeof candidate.entries === 'function' && typeof candidate.get === 'function';
}
