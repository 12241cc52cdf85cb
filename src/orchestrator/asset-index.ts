import { TributaryError } from '../errors/index.js';
import {
  conditionLeaves,
  type AssetCondition,
  type DagDefinition,
  type ProducedAsset,
} from '../durable/index.js';
import {
  identityMapping,
  sameWindowMapping,
  UNPARTITIONED_SPACE,
  type PartitionMapping,
  type PeriodSpace,
} from '../time/index.js';
import type { DagRegistry } from './registry.js';

/** A leaf of a consumer's asset condition. */
export type AssetLeaf = Extract<AssetCondition, { kind: 'asset' }>;

/** What a project knows of one asset: who produces it, who runs on it, how it is partitioned. */
export interface AssetInfo {
  readonly asset: string;
  /** The DAGs and nodes that produce it (empty for an external asset). */
  readonly producers: readonly (ProducedAsset & { readonly dagId: string })[];
  /** The DAGs whose `onAssets` names it, with the leaves that do. */
  readonly consumers: readonly {
    readonly def: DagDefinition;
    readonly leaves: readonly AssetLeaf[];
  }[];
  /** Its partitions: its producers' (they must agree), or the external declaration's. */
  readonly partitions: PeriodSpace;
  /** Declared by the project as written outside Tributary. */
  readonly external: boolean;
}

const indexes = new WeakMap<DagRegistry, Map<string, AssetInfo>>();

/**
 * The assets of a project by URI: every asset a DAG produces, a condition names, or the project
 * declares external. Built once per registry, O(declarations).
 *
 * @example
 * ```ts
 * assetIndex(project.dags).get('warehouse://sales')?.producers[0]?.dagId; // 'sales'
 * ```
 */
export function assetIndex(registry: DagRegistry): ReadonlyMap<string, AssetInfo> {
  let index = indexes.get(registry);
  if (index !== undefined) return index;
  const producers = new Map<string, (ProducedAsset & { dagId: string })[]>();
  const consumers = new Map<string, { def: DagDefinition; leaves: AssetLeaf[] }[]>();
  for (const { definition: def } of registry) {
    for (const produced of def.assets.produces)
      listIn(producers, produced.asset).push({ ...produced, dagId: def.id });
    const condition = def.scheduling.onAssets;
    if (condition === undefined) continue;
    for (const leaf of conditionLeaves(condition)) {
      const list = listIn(consumers, leaf.asset);
      const entry = list.find((c) => c.def === def);
      if (entry === undefined) list.push({ def, leaves: [leaf] });
      else entry.leaves.push(leaf);
    }
  }
  index = new Map();
  const external = registry.externalAssets;
  const uris = new Set([...producers.keys(), ...consumers.keys(), ...external.keys()]);
  for (const asset of uris) {
    const made = producers.get(asset) ?? [];
    const first = made[0];
    const partitions =
      first !== undefined
        ? registry.get(first.dagId)!.definition.scheduling.periods
        : (external.get(asset) ?? UNPARTITIONED_SPACE);
    index.set(asset, {
      asset,
      producers: made,
      consumers: consumers.get(asset) ?? [],
      partitions,
      external: external.has(asset),
    });
  }
  indexes.set(registry, index);
  return index;
}

/**
 * The mapping of a condition leaf: its own, else the same window between two time partition
 * sets, else the same key.
 *
 * @example
 * ```ts
 * leafMapping(leaf, info.partitions).name; // 'sameWindow'
 * ```
 */
export function leafMapping(
  leaf: AssetLeaf,
  assetPartitions: PeriodSpace,
  consumer: PeriodSpace,
): PartitionMapping {
  if (leaf.mapping !== undefined) return leaf.mapping;
  return assetPartitions.kind === 'time' && consumer.kind === 'time'
    ? sameWindowMapping
    : identityMapping;
}

/**
 * Check a project's assets: every asset a condition names is produced by a DAG or declared
 * external (`UNKNOWN_ASSET`, with the closest known URI when one is close); the producers of an
 * asset agree on its partitions; a partitioned DAG runs only on partitioned assets (an
 * unpartitioned asset has no partition to map to one of its periods). O(declarations).
 *
 * @example
 * ```ts
 * checkAssets(project.dags); // throws UNKNOWN_ASSET for `warehouse://slaes`
 * ```
 */
export function checkAssets(registry: DagRegistry): void {
  const index = assetIndex(registry);
  for (const info of index.values()) {
    if (info.producers.length === 0 && !info.external) {
      const consumer = info.consumers[0]!.def;
      const known = [...index.values()]
        .filter((i) => i.producers.length > 0 || i.external)
        .map((i) => i.asset);
      const near = closest(info.asset, known);
      throw new TributaryError(
        'UNKNOWN_ASSET',
        `DAG "${consumer.id}" (${registry.displayPath(registry.get(consumer.id)!.module)}) runs on asset \`${info.asset}\`, which no DAG of the project produces and the project does not declare external` +
          (near === undefined ? '' : ` (did you mean \`${near}\`?)`) +
          '; an asset written outside Tributary goes in `defineProject({ assets: [...] })`',
        {
          context: {
            dagId: consumer.id,
            received: info.asset,
            ...(near === undefined ? {} : { suggestion: near }),
          },
        },
      );
    }
    for (const producer of info.producers) {
      const periods = registry.get(producer.dagId)!.definition.scheduling.periods;
      if (periods.description !== info.partitions.description)
        throw new TributaryError(
          'MAPPING_INCOMPATIBLE',
          `Asset \`${info.asset}\` is produced by DAG "${info.producers[0]!.dagId}" (${info.partitions.description}) and DAG "${producer.dagId}" (${periods.description}): the producers of an asset must share its partitions`,
          { context: { received: info.asset, dags: info.producers.map((p) => p.dagId) } },
        );
    }
    for (const { def } of info.consumers) {
      const consumer = def.scheduling.periods;
      if (consumer.kind !== 'unpartitioned' && info.partitions.kind === 'unpartitioned')
        throw new TributaryError(
          'MAPPING_INCOMPATIBLE',
          `DAG "${def.id}" is partitioned (${consumer.description}) but runs on asset \`${info.asset}\`, which is not: no partition of it maps to one of the DAG's periods. Partition the asset (its producer, or its external declaration) or drop the DAG's partitions`,
          { context: { dagId: def.id, received: info.asset } },
        );
    }
  }
}

function listIn<T>(map: Map<string, T[]>, key: string): T[] {
  let list = map.get(key);
  if (list === undefined) map.set(key, (list = []));
  return list;
}

/** The known URI closest to `uri` by edit distance, when it is close (a typo). */
function closest(uri: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(uri.length / 5)) + 1;
  for (const candidate of known) {
    const d = editDistance(uri, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(
        previous[j]! + 1,
        row[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = row;
  }
  return previous[b.length]!;
}
