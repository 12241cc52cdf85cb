import { describeValue, TributaryError } from '../errors/index.js';

/**
 * Asset events, what runs read of them, and dynamic partition keys.
 *
 * An asset is named by a URI (`warehouse://sales/daily`). Each time it is materialized (a
 * producing task succeeded, or something outside Tributary wrote it and said so) the store
 * keeps an {@link StoredAssetEvent} with a **data version**: staleness compares versions,
 * never timestamps. Events are append-only; ids rise per store, so "newer" means "greater id".
 *
 * A run's **inputs** are the asset events it read: the events an asset-driven run consumed,
 * and the versions of upstream assets a run depended on when it started. A DAG has consumed an
 * event of (asset, partition) once one of its runs has that event, or a later event of the same
 * asset and partition, among its inputs: that is what makes a consumer never consume an event
 * twice, across scheduler restarts included (a run and its inputs are written in one
 * transaction, see `RunStore.createRun`).
 */

/** An asset materialization to record. */
export interface NewAssetEvent {
  /** The asset's URI: a scheme, `://`, then any non-blank text (see `checkAssetUri`). */
  readonly asset: string;
  /** The partition materialized: a period key of the asset's partitions; `''` for none. */
  readonly partitionKey: string;
  /**
   * The data version the producer gives. Absent: the caller may give a hash of the metadata;
   * else the store writes `event:<id>`, so two events never share a version by accident.
   */
  readonly dataVersion?: string;
  /** JSON text of metadata (row counts, paths, ...), if any. */
  readonly metadata?: string;
  /** The producing run and node; absent for an event emitted from outside a run. */
  readonly runId?: string;
  readonly node?: string;
  /** Who recorded it: `run:<id>/<node>`, `cli:<user>`, `api:<user>`, `task:<run>/<node>`. */
  readonly source: string;
  /** Epoch milliseconds. */
  readonly at: number;
}

/** An asset event as stored. */
export interface StoredAssetEvent extends NewAssetEvent {
  /** Rises with every asset event of the store. */
  readonly id: number;
  readonly dataVersion: string;
}

/** Which events {@link AssetStore.assetEvents} returns. */
export interface AssetEventFilter {
  readonly asset?: string;
  readonly partitionKey?: string;
  /** Events produced by this run. */
  readonly runId?: string;
  /** Events with `id > afterId`. */
  readonly afterId?: number;
  /** Default `'desc'` (newest first). */
  readonly order?: 'asc' | 'desc';
  /** Default 100. */
  readonly limit?: number;
}

/** An asset event a run read (an input), as given to `createRun` or {@link AssetStore.addRunInputs}. */
export interface RunInput {
  readonly eventId: number;
  readonly asset: string;
  readonly partitionKey: string;
  readonly dataVersion: string;
}

/** A run's input as stored: with the run's DAG and period, for the consumption queries. */
export interface StoredRunInput extends RunInput {
  readonly runId: string;
  readonly dagId: string;
  /** The reading run's period key (`''` unpartitioned). */
  readonly periodKey: string;
}

/**
 * An input of a period's latest run whose asset partition has a newer version now: the period
 * is stale (computed from data that has changed since).
 */
export interface StaleInput {
  readonly periodKey: string;
  readonly runId: string;
  readonly asset: string;
  readonly partitionKey: string;
  /** The version the run read. */
  readonly readVersion: string;
  /** The asset partition's latest event and version. */
  readonly latestEventId: number;
  readonly latestVersion: string;
}

/** A key of a dynamic partition set, with when and by whom it was added. */
export interface StoredPartitionKey {
  readonly set: string;
  readonly key: string;
  readonly addedBy: string;
  readonly addedAt: number;
}

/**
 * Asset events, run inputs and dynamic partition keys. Every write is one transaction with
 * the feed changes it makes: `asset.materialized` per event (subject the asset URI, period key
 * its partition), `partitions.added` per set that gained keys (subject the set's name).
 */
export interface AssetStore {
  /**
   * Record events emitted outside a run (`tributary asset emit`, the API, the library). A run's
   * events go in with the commit that holds its task's success (`Commit.assets`).
   */
  addAssetEvents(events: readonly NewAssetEvent[]): Promise<StoredAssetEvent[]>;
  /** Asset history, filtered. */
  assetEvents(filter?: AssetEventFilter): Promise<StoredAssetEvent[]>;
  /** One event by id. */
  getAssetEvent(id: number): Promise<StoredAssetEvent | undefined>;
  /**
   * The latest event of each partition of `asset` (or of the partitions listed), by partition
   * key order. O(partitions) with an index, whatever the history's length.
   */
  latestAssetEvents(asset: string, partitionKeys?: readonly string[]): Promise<StoredAssetEvent[]>;
  /** Assets with at least one event: URI, partitions materialized, latest event. */
  listAssets(): Promise<
    { readonly asset: string; readonly partitions: number; readonly latest: StoredAssetEvent }[]
  >;
  /**
   * Events of `assets` that DAG `dagId` has not consumed (see the module comment), oldest
   * first, optionally for the listed partitions only.
   */
  unconsumedAssetEvents(
    dagId: string,
    assets: readonly string[],
    partitionKeys?: readonly string[],
  ): Promise<StoredAssetEvent[]>;
  /**
   * Add inputs to a run (`RUN_NOT_FOUND` for an unknown run); an input already there is
   * skipped, so a repeated call is harmless.
   */
  addRunInputs(runId: string, inputs: readonly RunInput[]): Promise<void>;
  /** A run's inputs, by event id. */
  runInputs(runId: string): Promise<StoredRunInput[]>;
  /** The inputs of each period's latest run of `dagId` that have a newer version now. */
  staleInputs(dagId: string): Promise<StaleInput[]>;
  /** Add keys to dynamic partition set `set`; returns the keys that were new (in order). */
  addPartitionKeys(set: string, keys: readonly string[], by: string, at: number): Promise<string[]>;
  /** The keys of a dynamic partition set, in the order they were added. */
  partitionKeys(set: string): Promise<StoredPartitionKey[]>;
}

/**
 * Check an asset URI at the public boundary: a scheme (letters, digits, `+ . -`, starting with
 * a letter), `://`, then at least one character, none of them blank or control characters;
 * at most 500 characters.
 *
 * @throws `INVALID_ASSET` quoting the value.
 * @example
 * ```ts
 * checkAssetUri('warehouse://sales/daily'); // fine
 * checkAssetUri('sales daily'); // throws INVALID_ASSET
 * ```
 */
export function checkAssetUri(uri: unknown, where = 'an asset URI'): asserts uri is string {
  if (typeof uri !== 'string' || uri.length > 500 || !ASSET_URI.test(uri)) {
    throw new TributaryError(
      'INVALID_ASSET',
      `Expected ${where} such as \`warehouse://sales/daily\` (a scheme, \`://\`, then a path without spaces), got ${describeValue(uri)}`,
      { context: { received: uri } },
    );
  }
}

const ASSET_URI = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s\p{Cc}]+$/u;
