import { TributaryError } from '../errors/index.js';
import { conditionLeaves, type DagDefinition } from '../durable/index.js';
import { checkMapping, type PartitionMapping, type PeriodSpace } from '../time/index.js';
import { assetIndex, leafMapping } from './asset-index.js';
import type { DagRegistry } from './registry.js';

/**
 * Check every partition mapping of a project against the partitions it maps between: each
 * dependency, trigger and run sensor (upstream DAG -> downstream DAG), and each leaf of an asset
 * condition (the asset's partitions -> the consumer's). A mapping that cannot map them (a daily
 * DAG on an hourly one through the same-window default, static keys onto hours) is
 * `MAPPING_INCOMPATIBLE`, naming the DAG, the edge and both partition sets: one error when the
 * project loads rather than one per run. O(edges).
 *
 * @example
 * ```ts
 * checkMappings(project.dags); // throws MAPPING_INCOMPATIBLE for report's dependsOn[0]
 * ```
 */
export function checkMappings(registry: DagRegistry): void {
  const periodsOf = (id: string) => registry.get(id)?.definition.scheduling.periods;
  for (const { definition: def } of registry) {
    const own = def.scheduling.periods;
    def.scheduling.dependsOn.forEach((d, i) =>
      check(def, `dependsOn[${i}] (DAG "${d.dag}")`, d.mapping, periodsOf(d.dag), own),
    );
    def.scheduling.triggers.forEach((t, i) =>
      check(def, `triggers[${i}] (DAG "${t.dag}")`, t.mapping, own, periodsOf(t.dag)),
    );
    for (const s of def.sensors.values())
      if (s.kind === 'run' && s.mapping !== undefined)
        check(def, `sensor "${s.node}" (DAG "${s.dag}")`, s.mapping, periodsOf(s.dag), own);
    const condition = def.scheduling.onAssets;
    if (condition === undefined) continue;
    const assets = assetIndex(registry);
    for (const leaf of conditionLeaves(condition)) {
      const info = assets.get(leaf.asset);
      if (
        info === undefined ||
        info.partitions.kind === 'unpartitioned' ||
        own.kind === 'unpartitioned'
      )
        continue; // recency: no mapping is used
      check(
        def,
        `onAssets (asset \`${leaf.asset}\`)`,
        leafMapping(leaf, info.partitions, own),
        info.partitions,
        own,
      );
    }
  }
}

function check(
  def: DagDefinition,
  where: string,
  mapping: PartitionMapping,
  upstream: PeriodSpace | undefined,
  downstream: PeriodSpace | undefined,
): void {
  if (upstream === undefined || downstream === undefined) return; // checkReferences reports it
  try {
    checkMapping(mapping, { upstream, downstream });
  } catch (error) {
    if (!(error instanceof TributaryError)) throw error;
    throw new TributaryError(error.code, `DAG "${def.id}", ${where}: ${error.message}`, {
      context: { ...error.context, dagId: def.id },
      cause: error,
    });
  }
}
