import type { Database } from 'better-sqlite3';
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
import type { PeriodRun, StoredRunStatus } from '../run-store.js';

interface EventRow {
  id: number;
  asset: string;
  partition_key: string;
  data_version: string;
  metadata: string | null;
  run_id: string | null;
  node: string | null;
  source: string;
  at: number;
}

/** A feed append, made inside the caller's transaction (the scheduler tables' `record`). */
export type RecordChange = (
  kind: ChangeKind,
  subject: string,
  at: number,
  fields?: { dagId?: string | null; periodKey?: string | null },
) => void;

/** Event columns of table alias `e`; a NULL version is the default `event:<id>` (known once the row has its id). */
const EVENT_COLUMNS = `e.id, e.asset, e.partition_key, ifnull(e.data_version, 'event:' || e.id) AS data_version,
  e.metadata, e.run_id, e.node, e.source, e.at`;

/** A run's period key as its identity (and runs_latest) have it. */
const PERIOD = `ifnull(partition_key, '')`;

/**
 * Asset events, run inputs, dynamic partition keys and the latest run per period of a
 * `SqliteStore`, on its connection. Writes run inside the caller's transaction, with their feed
 * changes. Invariant: `asset_latest` holds, for each (asset, partition) with an event, the
 * greatest event id and its version; every insert into `asset_events` updates it.
 */
export class SqliteAssetTables {
  readonly #db: Database;
  readonly #s: ReturnType<typeof prepare>;
  readonly #record: RecordChange;

  constructor(db: Database, record: RecordChange) {
    this.#db = db;
    this.#s = prepare(db);
    this.#record = record;
  }

  /**
   * Insert events (checked by the caller), each with its `asset.materialized` change; `dagOf`
   * gives the producing run's DAG. O(events) index writes.
   */
  addEvents(
    events: readonly NewAssetEvent[],
    dagOf: (runId: string) => string | undefined,
  ): StoredAssetEvent[] {
    const stored: StoredAssetEvent[] = [];
    for (const e of events) {
      const id = Number(
        this.#s.insertEvent.run(
          e.asset,
          e.partitionKey,
          e.dataVersion ?? null,
          e.metadata ?? null,
          e.runId ?? null,
          e.node ?? null,
          e.source,
          e.at,
        ).lastInsertRowid,
      );
      const dataVersion = e.dataVersion ?? `event:${id}`;
      this.#s.putLatest.run(e.asset, e.partitionKey, id, dataVersion);
      const dagId = e.runId === undefined ? undefined : dagOf(e.runId);
      this.#record('asset.materialized', e.asset, e.at, {
        dagId: dagId ?? null,
        periodKey: e.partitionKey,
      });
      stored.push(toEvent({ ...toRow(e), id, data_version: dataVersion }));
    }
    return stored;
  }

  events(filter: AssetEventFilter = {}): StoredAssetEvent[] {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (sql: string, value: unknown): void => {
      where.push(sql);
      args.push(value);
    };
    if (filter.asset !== undefined) add('asset = ?', filter.asset);
    if (filter.partitionKey !== undefined) add('partition_key = ?', filter.partitionKey);
    if (filter.runId !== undefined) add('run_id = ?', filter.runId);
    if (filter.afterId !== undefined) add('id > ?', filter.afterId);
    const order = filter.order === 'asc' ? 'ASC' : 'DESC';
    const sql = `SELECT ${EVENT_COLUMNS} FROM asset_events e ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id ${order} LIMIT ?`;
    return (this.#db.prepare(sql).all(...args, filter.limit ?? 100) as EventRow[]).map(toEvent);
  }

  event(id: number): StoredAssetEvent | undefined {
    const row = this.#s.event.get(id) as EventRow | undefined;
    return row === undefined ? undefined : toEvent(row);
  }

  /** O(partitions): asset_latest's rows of the asset, each joined to its event by id. */
  latest(asset: string, partitionKeys?: readonly string[]): StoredAssetEvent[] {
    const rows = this.#s.latest.all({
      asset,
      keys: partitionKeys === undefined ? null : JSON.stringify(partitionKeys),
    }) as EventRow[];
    return rows.map(toEvent);
  }

  assets(): { asset: string; partitions: number; latest: StoredAssetEvent }[] {
    const rows = this.#s.assets.all() as (EventRow & { partitions: number })[];
    return rows.map((row) => ({
      asset: row.asset,
      partitions: row.partitions,
      latest: toEvent(row),
    }));
  }

  /**
   * Per (asset, partition) with events: the highest event id among the DAG's run inputs (one
   * probe of run_inputs_consumed), then the events above it (a range of asset_events_by_key).
   */
  unconsumed(
    dagId: string,
    assets: readonly string[],
    partitionKeys?: readonly string[],
  ): StoredAssetEvent[] {
    const rows = this.#s.unconsumed.all({
      dag: dagId,
      assets: JSON.stringify(assets),
      keys: partitionKeys === undefined ? null : JSON.stringify(partitionKeys),
    }) as EventRow[];
    return rows.map(toEvent);
  }

  /** Insert inputs of a run of `dagId` for `periodKey`; ones already there are skipped. */
  addInputs(runId: string, dagId: string, periodKey: string, inputs: readonly RunInput[]): void {
    for (const i of inputs)
      this.#s.insertInput.run(
        runId,
        dagId,
        periodKey,
        i.eventId,
        i.asset,
        i.partitionKey,
        i.dataVersion,
      );
  }

  inputs(runId: string): StoredRunInput[] {
    const rows = this.#s.inputs.all(runId) as {
      run_id: string;
      dag_id: string;
      period_key: string;
      event_id: number;
      asset: string;
      partition_key: string;
      data_version: string;
    }[];
    return rows.map((r) => ({
      runId: r.run_id,
      dagId: r.dag_id,
      periodKey: r.period_key,
      eventId: r.event_id,
      asset: r.asset,
      partitionKey: r.partition_key,
      dataVersion: r.data_version,
    }));
  }

  /** One query (see `stale` below): O(inputs of the DAG), index reads only for most. */
  stale(dagId: string): StaleInput[] {
    const rows = this.#s.stale.raw().all(dagId) as [
      string,
      string,
      string,
      string,
      string,
      number,
      string,
    ][];
    return rows.map(
      ([periodKey, runId, asset, partitionKey, readVersion, latestEventId, latestVersion]) => ({
        periodKey,
        runId,
        asset,
        partitionKey,
        readVersion,
        latestEventId,
        latestVersion,
      }),
    );
  }

  /**
   * The last run of each period in runs_latest's order. Reading the DAG's runs and keeping the
   * last of each period in JS is faster than any grouping in SQL here: the cost is turning
   * rows into JS values, and a GROUP BY cannot skip the index entries either. O(runs of the DAG).
   */
  latestRunPerPeriod(dagId: string): PeriodRun[] {
    const rows = this.#s.runsByPeriod.all(dagId) as [string, string, StoredRunStatus, number][];
    const latest: PeriodRun[] = [];
    for (let i = 0; i < rows.length; i++) {
      const [periodKey, runId, status, createdAt] = rows[i]!;
      if (rows[i + 1]?.[0] !== periodKey) latest.push({ periodKey, runId, status, createdAt });
    }
    return latest;
  }

  /** Add the keys not in the set yet, in order, after its last; one change if any was new. */
  addPartitionKeys(set: string, keys: readonly string[], by: string, at: number): string[] {
    let ord = (this.#s.lastOrd.get(set) as number | null) ?? -1;
    const added: string[] = [];
    for (const key of keys) {
      if (this.#s.insertKey.run(set, key, by, at, ord + 1).changes === 0) continue;
      ord++;
      added.push(key);
    }
    if (added.length > 0) this.#record('partitions.added', set, at);
    return added;
  }

  partitionKeys(set: string): StoredPartitionKey[] {
    const rows = this.#s.keys.all(set) as { key: string; added_by: string; added_at: number }[];
    return rows.map((r) => ({ set, key: r.key, addedBy: r.added_by, addedAt: r.added_at }));
  }
}

function prepare(db: Database) {
  return {
    insertEvent: db.prepare(
      `INSERT INTO asset_events (asset, partition_key, data_version, metadata, run_id, node, source, at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    putLatest: db.prepare(
      `INSERT INTO asset_latest (asset, partition_key, event_id, data_version) VALUES (?, ?, ?, ?)
       ON CONFLICT (asset, partition_key) DO UPDATE SET event_id = excluded.event_id, data_version = excluded.data_version`,
    ),
    event: db.prepare(`SELECT ${EVENT_COLUMNS} FROM asset_events e WHERE id = ?`),
    latest: db.prepare(
      `SELECT ${EVENT_COLUMNS}
       FROM asset_latest l JOIN asset_events e ON e.id = l.event_id
       WHERE l.asset = @asset AND (@keys IS NULL OR l.partition_key IN (SELECT value FROM json_each(@keys)))
       ORDER BY l.partition_key`,
    ),
    assets: db.prepare(
      `SELECT a.partitions, ${EVENT_COLUMNS} FROM (
         SELECT asset AS a_asset, count(*) AS partitions, max(event_id) AS latest
         FROM asset_latest GROUP BY asset
       ) a JOIN asset_events e ON e.id = a.latest ORDER BY a.a_asset`,
    ),
    unconsumed: db.prepare(
      `WITH pending AS MATERIALIZED (
         SELECT l.asset, l.partition_key, l.event_id AS latest,
           ifnull((SELECT max(r.event_id) FROM run_inputs r
                   WHERE r.dag_id = @dag AND r.asset = l.asset AND r.partition_key = l.partition_key), 0) AS done
         FROM asset_latest l
         WHERE l.asset IN (SELECT value FROM json_each(@assets))
           AND (@keys IS NULL OR l.partition_key IN (SELECT value FROM json_each(@keys)))
       )
       SELECT ${EVENT_COLUMNS} FROM pending p JOIN asset_events e
         ON e.asset = p.asset AND e.partition_key = p.partition_key AND e.id > p.done
       WHERE p.latest > p.done ORDER BY e.id`,
    ),
    insertInput: db.prepare(
      `INSERT INTO run_inputs (run_id, dag_id, period_key, event_id, asset, partition_key, data_version)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, event_id) DO NOTHING`,
    ),
    inputs: db.prepare(`SELECT * FROM run_inputs WHERE run_id = ? ORDER BY event_id`),
    // From the DAG's inputs (run_inputs_consumed), keeping those whose partition has a later
    // event (asset_latest's key: no row read beyond the index) and another version; then only
    // for those: is it its run's newest input of the partition, and is the run its period's
    // latest (one runs_latest probe; `+` drops the column's affinity so the expression index
    // applies). Ties of createdAt go to the greater run id, as in latestRunPerPeriod.
    stale: db.prepare(
      `SELECT i.period_key, i.run_id, i.asset, i.partition_key, i.data_version, l.event_id, l.data_version
       FROM run_inputs i JOIN asset_latest l ON l.asset = i.asset AND l.partition_key = i.partition_key
       WHERE i.dag_id = ? AND l.event_id > i.event_id AND l.data_version <> i.data_version
         AND NOT EXISTS (SELECT 1 FROM run_inputs n WHERE n.run_id = i.run_id AND n.event_id > i.event_id
                         AND n.asset = i.asset AND n.partition_key = i.partition_key)
         AND i.run_id = (SELECT r.run_id FROM runs r INDEXED BY runs_latest
                         WHERE r.dag_id = i.dag_id AND ifnull(r.partition_key, '') = +i.period_key
                         ORDER BY r.created_at DESC, r.run_id DESC LIMIT 1)
       ORDER BY i.period_key, i.asset, i.partition_key`,
    ),
    // Every run of the DAG in (period, createdAt, runId) order, from the covering index.
    runsByPeriod: db
      .prepare(
        `SELECT ${PERIOD}, run_id, status, created_at FROM runs INDEXED BY runs_latest
         WHERE dag_id = ? ORDER BY ${PERIOD}, created_at, run_id`,
      )
      .raw(),
    lastOrd: db.prepare(`SELECT max(ord) FROM partition_keys WHERE set_name = ?`).pluck(),
    insertKey: db.prepare(
      `INSERT INTO partition_keys (set_name, key, added_by, added_at, ord) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (set_name, key) DO NOTHING`,
    ),
    keys: db.prepare(
      `SELECT key, added_by, added_at FROM partition_keys WHERE set_name = ? ORDER BY ord`,
    ),
  };
}

function toRow(e: NewAssetEvent): Omit<EventRow, 'id' | 'data_version'> {
  return {
    asset: e.asset,
    partition_key: e.partitionKey,
    metadata: e.metadata ?? null,
    run_id: e.runId ?? null,
    node: e.node ?? null,
    source: e.source,
    at: e.at,
  };
}

function toEvent(row: EventRow): StoredAssetEvent {
  return {
    id: row.id,
    asset: row.asset,
    partitionKey: row.partition_key,
    dataVersion: row.data_version,
    ...(row.metadata === null ? {} : { metadata: row.metadata }),
    ...(row.run_id === null ? {} : { runId: row.run_id }),
    ...(row.node === null ? {} : { node: row.node }),
    source: row.source,
    at: row.at,
  };
}
