import type { DagDefinition } from './define.js';

/** How a DAG refers to another: the edges of the graph of DAGs. */
export type ReferenceKind = 'dependsOn' | 'trigger' | 'sensor';

/** One reference from a DAG to another DAG. */
export interface DagReference {
  /** The DAG referred to. */
  readonly dag: string;
  readonly kind: ReferenceKind;
  /** The sensor node, for a sensor. */
  readonly node?: string;
  /** The upstream task a sensor waits for, when it waits for one task rather than the run. */
  readonly task?: string;
}

/**
 * The DAGs a DAG refers to: its declared dependencies, its triggers and its run sensors, in
 * that order. O(references).
 *
 * @example
 * ```ts
 * referencedDags(report).map((r) => `${r.kind} ${r.dag}`); // ['dependsOn sales', 'sensor stock']
 * ```
 */
export function referencedDags(def: DagDefinition): DagReference[] {
  const out: DagReference[] = [];
  for (const d of def.scheduling.dependsOn) out.push({ dag: d.dag, kind: 'dependsOn' });
  for (const t of def.scheduling.triggers) out.push({ dag: t.dag, kind: 'trigger' });
  for (const s of def.sensors.values()) {
    if (s.kind !== 'run') continue;
    out.push({
      dag: s.dag,
      kind: 'sensor',
      node: s.node,
      ...(s.task === undefined ? {} : { task: s.task }),
    });
  }
  return out;
}
