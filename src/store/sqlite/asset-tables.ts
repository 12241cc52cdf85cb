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

/**
 * The latest run of each period of a DAG: the last row of each period in runs_latest's order
 * (created_at, then run_id, so of two runs made in the same millisecond the greater id is the
 * latest). One scan of the covering index; the window sorts nothing, the index gives its order.
 */
const LATEST_PER_PERIOD = `SELECT period_key, run_id, status, created_at FROM (
    SELECT ifnull(partition_key, '') AS period_key, run_id, status, created_at,
      lead(run_id) OVER (PARTITION BY ifnull(partition_key, '') ORDER BY created_at, run_id) AS next
    FROM runs INDEXED BY runs_latest WHERE dag_id = ?
  ) WHERE next IS NULL`;

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
    const rows = this.#s.latest.all(
      asset,
      partitionKeys === undefined ? null : JSON.stringify(partitionKeys),
    ) as EventRow[];
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

  /**
   * One query: the latest run per period, its newest input of each (asset, partition), and
   * asset_latest by primary key. O(periods + their inputs).
   */
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

  latestRunPerPeriod(dagId: string): PeriodRun[] {
    const rows = this.#s.latestPerPeriod.raw().all(dagId) as [string, string, string, number][];
    return rows.map(([periodKey, runId, status, createdAt]) => ({
      periodKey,
      runId,
      status: status as StoredRunStatus,
      createdAt,
    }));
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
       WHERE l.asset = ?1 AND (?2 IS NULL OR l.partition_key IN (SELECT value FROM json_each(?2)))
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
    stale: db.prepare(
      `WITH latest AS MATERIALIZED (${LATEST_PER_PERIOD})
       SELECT latest.period_key, i.run_id, i.asset, i.partition_key, i.data_version,
         l.event_id, l.data_version
       FROM latest
       JOIN run_inputs i ON i.run_id = latest.run_id
       JOIN asset_latest l ON l.asset = i.asset AND l.partition_key = i.partition_key
       WHERE l.data_version <> i.data_version
         AND NOT EXISTS (SELECT 1 FROM run_inputs n WHERE n.run_id = i.run_id AND n.asset = i.asset
                         AND n.partition_key = i.partition_key AND n.event_id > i.event_id)
       ORDER BY latest.period_key, i.asset, i.partition_key`,
    ),
    latestPerPeriod: db.prepare(`${LATEST_PER_PERIOD} ORDER BY period_key`),
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
