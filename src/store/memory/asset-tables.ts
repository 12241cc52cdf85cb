import type {
  AssetEventFilter,
  NewAssetEvent,
  RunInput,
  StaleInput,
  StoredAssetEvent,
  StoredPartitionKey,
  StoredRunInput,
} from '../assets.js';
import type { ChangeKind } from '../feed.js';
import type { PeriodRun } from '../run-store.js';

/** A feed append (the scheduler tables' `record`). */
export type RecordChange = (
  kind: ChangeKind,
  subject: string,
  at: number,
  fields?: { dagId?: string; periodKey?: string },
) => void;

const keyOf = (...parts: string[]): string => JSON.stringify(parts);

/**
 * Asset events, run inputs and dynamic partition keys of a `MemoryStore`. The callers check
 * arguments first, so every write here succeeds whole. Invariants: `#events` is in id order
 * (id = index + 1); `#latest` maps each (asset, partition) to its greatest event;
 * `#consumed` maps (DAG, asset, partition) to the greatest event id among the DAG's run inputs.
 */
export class MemoryAssetTables {
  readonly #events: StoredAssetEvent[] = [];
  readonly #latest = new Map<string, StoredAssetEvent>();
  readonly #inputs = new Map<string, StoredRunInput[]>();
  readonly #consumed = new Map<string, number>();
  readonly #sets = new Map<string, StoredPartitionKey[]>();
  readonly #record: RecordChange;

  constructor(record: RecordChange) {
    this.#record = record;
  }

  /** Store events, each with its `asset.materialized` change; `dagOf` gives a producer's DAG. */
  addEvents(
    events: readonly NewAssetEvent[],
    dagOf: (runId: string) => string | undefined,
  ): StoredAssetEvent[] {
    return events.map((e) => {
      const id = this.#events.length + 1;
      const stored: StoredAssetEvent = { ...e, id, dataVersion: e.dataVersion ?? `event:${id}` };
      this.#events.push(stored);
      this.#latest.set(keyOf(e.asset, e.partitionKey), stored);
      const dagId = e.runId === undefined ? undefined : dagOf(e.runId);
      this.#record('asset.materialized', e.asset, e.at, {
        ...(dagId === undefined ? {} : { dagId }),
        periodKey: e.partitionKey,
      });
      return { ...stored };
    });
  }

  events(filter: AssetEventFilter = {}): StoredAssetEvent[] {
    const matching = this.#events.filter(
      (e) =>
        (filter.asset === undefined || e.asset === filter.asset) &&
        (filter.partitionKey === undefined || e.partitionKey === filter.partitionKey) &&
        (filter.runId === undefined || e.runId === filter.runId) &&
        (filter.afterId === undefined || e.id > filter.afterId),
    );
    if (filter.order !== 'asc') matching.reverse();
    return matching.slice(0, filter.limit ?? 100);
  }

  event(id: number): StoredAssetEvent | undefined {
    return Number.isSafeInteger(id) ? this.#events[id - 1] : undefined;
  }

  latest(asset: string, partitionKeys?: readonly string[]): StoredAssetEvent[] {
    const wanted = partitionKeys === undefined ? undefined : new Set(partitionKeys);
    return [...this.#latest.values()]
      .filter((e) => e.asset === asset && (wanted === undefined || wanted.has(e.partitionKey)))
      .sort((a, b) => compare(a.partitionKey, b.partitionKey));
  }

  assets(): { asset: string; partitions: number; latest: StoredAssetEvent }[] {
    const byAsset = new Map<
      string,
      { asset: string; partitions: number; latest: StoredAssetEvent }
    >();
    for (const e of this.#latest.values()) {
      const entry = byAsset.get(e.asset);
      if (entry === undefined) byAsset.set(e.asset, { asset: e.asset, partitions: 1, latest: e });
      else {
        entry.partitions++;
        if (e.id > entry.latest.id) entry.latest = e;
      }
    }
    return [...byAsset.values()].sort((a, b) => compare(a.asset, b.asset));
  }

  unconsumed(
    dagId: string,
    assets: readonly string[],
    partitionKeys?: readonly string[],
  ): StoredAssetEvent[] {
    const wantedAssets = new Set(assets);
    const wantedKeys = partitionKeys === undefined ? undefined : new Set(partitionKeys);
    return this.#events.filter(
      (e) =>
        wantedAssets.has(e.asset) &&
        (wantedKeys === undefined || wantedKeys.has(e.partitionKey)) &&
        e.id > (this.#consumed.get(keyOf(dagId, e.asset, e.partitionKey)) ?? 0),
    );
  }

  /** Add inputs of a run of `dagId` for `periodKey`; ones already there are skipped. */
  addInputs(runId: string, dagId: string, periodKey: string, inputs: readonly RunInput[]): void {
    let list = this.#inputs.get(runId);
    if (list === undefined) this.#inputs.set(runId, (list = []));
    for (const i of inputs) {
      if (list.some((known) => known.eventId === i.eventId)) continue;
      list.push({
        runId,
        dagId,
        periodKey,
        eventId: i.eventId,
        asset: i.asset,
        partitionKey: i.partitionKey,
        dataVersion: i.dataVersion,
      });
      const consumed = keyOf(dagId, i.asset, i.partitionKey);
      this.#consumed.set(consumed, Math.max(this.#consumed.get(consumed) ?? 0, i.eventId));
    }
    list.sort((a, b) => a.eventId - b.eventId);
  }

  inputs(runId: string): StoredRunInput[] {
    return (this.#inputs.get(runId) ?? []).map((i) => ({ ...i }));
  }

  /** The newest input of each (asset, partition) of each latest run, where a newer version exists. */
  stale(latestRuns: readonly PeriodRun[]): StaleInput[] {
    const stale: StaleInput[] = [];
    for (const run of latestRuns) {
      const newest = new Map<string, StoredRunInput>();
      for (const i of this.#inputs.get(run.runId) ?? [])
        newest.set(keyOf(i.asset, i.partitionKey), i); // in event id order: the last wins
      const rows: StaleInput[] = [];
      for (const [key, i] of newest) {
        const latest = this.#latest.get(key);
        if (latest === undefined || latest.dataVersion === i.dataVersion) continue;
        rows.push({
          periodKey: run.periodKey,
          runId: run.runId,
          asset: i.asset,
          partitionKey: i.partitionKey,
          readVersion: i.dataVersion,
          latestEventId: latest.id,
          latestVersion: latest.dataVersion,
        });
      }
      rows.sort((a, b) => compare(a.asset, b.asset) || compare(a.partitionKey, b.partitionKey));
      stale.push(...rows);
    }
    return stale;
  }

  /** Add the keys not in the set yet, in order; one change if any was new. */
  addPartitionKeys(set: string, keys: readonly string[], by: string, at: number): string[] {
    let list = this.#sets.get(set);
    if (list === undefined) this.#sets.set(set, (list = []));
    const known = new Set(list.map((k) => k.key));
    const added: string[] = [];
    for (const key of keys) {
      if (known.has(key)) continue;
      known.add(key);
      list.push({ set, key, addedBy: by, addedAt: at });
      added.push(key);
    }
    if (added.length > 0) this.#record('partitions.added', set, at);
    return added;
  }

  partitionKeys(set: string): StoredPartitionKey[] {
    return (this.#sets.get(set) ?? []).map((k) => ({ ...k }));
  }
}

/**
 * Order strings as SQLite's default BINARY collation does (UTF-8 bytes), so both backends sort
 * alike: UTF-16 code unit order differs for characters beyond the BMP.
 */
export function compare(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** Surrogates (code points above U+FFFF) rank after U+E000..U+FFFF, as in UTF-8. */
function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit < 0xe000 ? unit + 0x2000 : unit - 0x800;
}
