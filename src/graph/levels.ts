import type { DagCore } from './core.js';

/**
 * Node levels: level 0 holds the roots, level k the nodes whose longest path from a root has
 * k edges (the grouping of `DAG.topologicalLevels`). O(V + E), one pass in topological order.
 *
 * @example
 * ```ts
 * const { level, groups }: Levels = nodeLevels(core);
 * ```
 */
export interface Levels {
  /** `level[v]` for each node id. */
  readonly level: Int32Array;
  /** Node ids per level, each level in topological order. */
  readonly groups: readonly (readonly number[])[];
}

/**
 * Compute the {@link Levels} of a core.
 *
 * @example
 * ```ts
 * const { groups } = nodeLevels(coreOf(dag));
 * groups.length; // the depth of the DAG, in nodes
 * ```
 */
export function nodeLevels(core: DagCore): Levels {
  const level = new Int32Array(core.names.length);
  const groups: number[][] = [];
  for (const v of core.topo) {
    const d = level[v]!;
    (groups[d] ??= []).push(v);
    for (let i = core.outStart[v]!; i < core.outStart[v + 1]!; i++) {
      const w = core.outTo[i]!;
      if (level[w]! < d + 1) level[w] = d + 1;
    }
  }
  return { level, groups };
}
