import { TributaryError } from '../errors/index.js';
import { checkMaterialization, dataVersionOf } from '../durable/index.js';
import { checkAssetUri, type RunStore, type StoredAssetEvent } from '../store/index.js';
import { assetIndex } from './asset-index.js';
import type { DagRegistry } from './registry.js';

/** An asset update made outside Tributary (see {@link emitAssetEvent}). */
export interface AssetEmit {
  readonly asset: string;
  /** The partition written; `''` (default) for an unpartitioned asset. */
  readonly partition?: string;
  /** Its data version. Default: a hash of `metadata`, else the event's id. */
  readonly dataVersion?: string;
  /** JSON metadata (row counts, paths, ...). */
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** Who says so: `cli:<user>`, `api:<user>`. Default `lib`. */
  readonly by?: string;
  /** Epoch ms; default `Date.now()`. */
  readonly at?: number;
}

/**
 * Record that an asset was updated outside Tributary (a file landed, another system loaded a
 * table): an asset event with its partition, data version and metadata, which the scheduler
 * hands to the DAGs that run on the asset. With a project's registry, the asset must be one
 * it knows (`UNKNOWN_ASSET` otherwise) and the partition one of the asset's partitions
 * (`INVALID_PERIOD_KEY` quoting it): nothing is recorded on bad input.
 *
 * @example
 * ```ts
 * await emitAssetEvent(project.dags, store, { asset: 'file://landing/orders.csv', metadata: { rows: 120 } });
 * ```
 */
export async function emitAssetEvent(
  registry: DagRegistry | undefined,
  store: RunStore,
  emit: AssetEmit,
): Promise<StoredAssetEvent> {
  checkAssetUri(emit.asset);
  const partition = emit.partition ?? '';
  if (registry !== undefined) {
    const info = assetIndex(registry).get(emit.asset);
    if (info === undefined)
      throw new TributaryError(
        'UNKNOWN_ASSET',
        `No DAG of the project produces or runs on asset \`${emit.asset}\`, and the project does not declare it external`,
        { context: { received: emit.asset } },
      );
    checkMaterialization(
      `the update of asset \`${emit.asset}\``,
      { ...emit, partition },
      info.partitions,
    );
  }
  const metadata = emit.metadata === undefined ? undefined : JSON.stringify(emit.metadata);
  const dataVersion =
    emit.dataVersion ?? (emit.metadata === undefined ? undefined : dataVersionOf(emit.metadata));
  const [event] = await store.addAssetEvents([
    {
      asset: emit.asset,
      partitionKey: partition,
      ...(dataVersion === undefined ? {} : { dataVersion }),
      ...(metadata === undefined ? {} : { metadata }),
      source: emit.by ?? 'lib',
      at: emit.at ?? Date.now(),
    },
  ]);
  return event!;
}
