import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
import { toError, TributaryError } from '../../errors/index.js';
import type { RunStatus } from '../../engine/run-engine.js';
import type {
  Commit,
  Durability,
  RunFilter,
  RunRecord,
  RunStore,
  RunSummary,
  StoredEvent,
} from '../run-store.js';
import { checkAppend, runExists, runNotFound } from '../errors.js';
import { checkVersion, migrate } from './schema.js';

/** Options of {@link SqliteStore}. */
export interface SqliteStoreOptions {
  /**
   * `normal` (default): WAL with `synchronous=NORMAL`, a commit survives a process crash; the
   * last commits may be lost on power loss. `full`: `synchronous=FULL`, every commit is synced
   * to disk before it returns.
   */
  readonly durability?: Durability;
}

interface RunRow {
  run_id: string;
  dag_id: string;
  status: string;
  params: string;
  partition_key: string | null;
  graph: string;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
  cancel_requested_at: number | null;
  owner: string | null;
  module: string | null;
}

/**
 * The embedded default {@link RunStore}: one SQLite file (better-sqlite3, WAL). A commit is one
 * transaction; the events of a commit are one journal row (see the schema).
 *
 * @example
 * ```ts
 * const store = SqliteStore.open('.tributary/tributary.db');
 * ```
 */
export class SqliteStore implements RunStore {
  readonly kind = 'sqlite';
  readonly path: string;
  readonly #db: Database;
  readonly #insertRun: Statement;
  readonly #selectRun: Statement;
  readonly #insertEvent: Statement;
  readonly #lastSeq: Statement;
  readonly #selectEvents: Statement;
  readonly #putArtifact: Statement;
  readonly #getArtifact: Statement;
  readonly #requestCancel: Statement;
  readonly #cancelRequested: Statement;
  readonly #putSnapshot: Statement;
  readonly #getSnapshot: Statement;
  readonly #commit: (runId: string, commit: Commit) => void;
  /** Prepared run updates, one per combination of fields (at most 16). */
  readonly #updates = new Map<string, Statement>();

  private constructor(path: string, db: Database) {
    this.path = path;
    this.#db = db;
    this.#insertRun = db.prepare(
      `INSERT INTO runs (run_id, dag_id, status, params, partition_key, graph, created_at, updated_at, finished_at, cancel_requested_at, owner, module)
       VALUES (@run_id, @dag_id, @status, @params, @partition_key, @graph, @created_at, @updated_at, @finished_at, @cancel_requested_at, @owner, @module)`,
    );
    this.#selectRun = db.prepare(`SELECT * FROM runs WHERE run_id = ?`);
    this.#insertEvent = db.prepare(
      `INSERT INTO journal (run_id, first_seq, last_seq, entries) VALUES (?, ?, ?, ?)`,
    );
    this.#lastSeq = db
      .prepare(`SELECT last_seq FROM journal WHERE run_id = ? ORDER BY first_seq DESC LIMIT 1`)
      .pluck();
    this.#selectEvents = db
      .prepare(`SELECT entries FROM journal WHERE run_id = ? AND last_seq > ? ORDER BY first_seq`)
      .pluck();
    this.#putArtifact = db.prepare(
      `INSERT OR REPLACE INTO artifacts (run_id, key, body) VALUES (?, ?, ?)`,
    );
    this.#getArtifact = db
      .prepare(`SELECT body FROM artifacts WHERE run_id = ? AND key = ?`)
      .pluck();
    this.#cancelRequested = db
      .prepare(`SELECT 1 FROM runs WHERE run_id = ? AND cancel_requested_at IS NOT NULL`)
      .pluck();
    this.#requestCancel = db.prepare(
      `UPDATE runs SET cancel_requested_at = ?, updated_at = ? WHERE run_id = ?`,
    );
    this.#putSnapshot = db.prepare(
      `INSERT INTO snapshots (run_id, seq, body) VALUES (?, ?, ?)
       ON CONFLICT (run_id) DO UPDATE SET seq = excluded.seq, body = excluded.body WHERE excluded.seq > snapshots.seq`,
    );
    this.#getSnapshot = db.prepare(`SELECT seq, body FROM snapshots WHERE run_id = ?`);
    this.#commit = db.transaction((runId: string, commit: Commit) =>
      this.#commitNow(runId, commit),
    );
  }

  /**
   * Open (creating if needed) a database file and bring its schema up to date. A file that is
   * not a SQLite database, or is truncated, fails with `STORE_CORRUPT` naming the path.
   */
  static open(path: string, options: SqliteStoreOptions = {}): SqliteStore {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    let db: Database | undefined;
    try {
      db = new BetterSqlite3(path);
      db.pragma('busy_timeout = 5000');
      // Refuse a database that is not ours before changing it: the journal mode is persistent.
      checkVersion(db, path);
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.durability === 'full' ? 'FULL' : 'NORMAL'}`);
      migrate(db, path);
      db.prepare('SELECT count(*) FROM runs').get();
      return new SqliteStore(path, db);
    } catch (caught) {
      db?.close();
      if (caught instanceof TributaryError) throw caught;
      const error = toError(caught);
      throw new TributaryError('STORE_CORRUPT', `Cannot open database ${path}: ${error.message}`, {
        context: { path },
        cause: error,
      });
    }
  }

  async createRun(record: RunRecord): Promise<void> {
    if (this.#selectRun.get(record.runId) !== undefined) throw runExists(record.runId);
    this.#insertRun.run({
      run_id: record.runId,
      dag_id: record.dagId,
      status: record.status,
      params: JSON.stringify(record.params),
      partition_key: record.partitionKey ?? null,
      graph: record.graph,
      created_at: record.createdAt,
      updated_at: record.updatedAt,
      finished_at: record.finishedAt ?? null,
      cancel_requested_at: record.cancelRequestedAt ?? null,
      owner: record.owner ?? null,
      module: record.module ?? null,
    });
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const row = this.#selectRun.get(runId) as RunRow | undefined;
    return row === undefined ? undefined : toRecord(row);
  }

  async listRuns(filter: RunFilter = {}): Promise<RunSummary[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.dagId !== undefined) {
      where.push('dag_id = ?');
      args.push(filter.dagId);
    }
    if (filter.status !== undefined) {
      where.push('status = ?');
      args.push(filter.status);
    }
    const sql = `SELECT ${SUMMARY_COLUMNS} FROM runs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, run_id DESC LIMIT ?`;
    const rows = this.#db.prepare(sql).all(...args, filter.limit ?? 50) as Omit<RunRow, 'graph'>[];
    return rows.map(toSummary);
  }

  async commit(runId: string, commit: Commit): Promise<void> {
    this.#commit(runId, commit);
  }

  /** Inside the transaction: a throw rolls back everything, so the order of writes is free. */
  #commitNow(runId: string, commit: Commit): void {
    const sets: string[] = ['updated_at = ?'];
    const args: unknown[] = [Date.now()];
    const run = commit.run ?? {};
    if (run.status !== undefined) {
      sets.push('status = ?');
      args.push(run.status);
    }
    if (run.finishedAt !== undefined) {
      sets.push('finished_at = ?');
      args.push(run.finishedAt);
    }
    if (run.owner !== undefined) {
      sets.push('owner = ?');
      args.push(run.owner === '' ? null : run.owner);
    }
    if (run.cancelRequestedAt !== undefined) {
      sets.push('cancel_requested_at = ?');
      args.push(run.cancelRequestedAt);
    }
    const sql = `UPDATE runs SET ${sets.join(', ')} WHERE run_id = ?`;
    let update = this.#updates.get(sql);
    if (update === undefined) this.#updates.set(sql, (update = this.#db.prepare(sql)));
    const changed = update.run(...args, runId).changes;
    if (changed === 0) throw runNotFound(runId);
    if (commit.events.length > 0) {
      const last = (this.#lastSeq.get(runId) as number | null) ?? 0;
      checkAppend(runId, last + 1, commit.events);
      const entries = JSON.stringify(
        commit.events.map((e) => [e.seq, e.type, e.node ?? null, e.at, e.body]),
      );
      this.#insertEvent.run(runId, commit.events[0]!.seq, commit.events.at(-1)!.seq, entries);
    }
  }

  async loadEvents(runId: string, afterSeq = 0): Promise<StoredEvent[]> {
    const rows = this.#selectEvents.all(runId, afterSeq) as string[];
    if (rows.length === 0 && this.#selectRun.get(runId) === undefined) throw runNotFound(runId);
    const events: StoredEvent[] = [];
    for (const row of rows) {
      for (const [seq, type, node, at, body] of JSON.parse(row) as [
        number,
        string,
        string | null,
        number,
        string,
      ][]) {
        if (seq > afterSeq)
          events.push(node === null ? { seq, type, at, body } : { seq, type, node, at, body });
      }
    }
    return events;
  }

  async isCancelRequested(runId: string): Promise<boolean> {
    return this.#cancelRequested.get(runId) !== undefined;
  }

  async requestCancel(runId: string, at: number): Promise<void> {
    if (this.#requestCancel.run(at, Date.now(), runId).changes === 0) throw runNotFound(runId);
  }

  async putSnapshot(runId: string, seq: number, body: string): Promise<void> {
    if (this.#selectRun.get(runId) === undefined) throw runNotFound(runId);
    // Never replace a newer snapshot with an older one.
    this.#putSnapshot.run(runId, seq, body);
  }

  async getSnapshot(runId: string): Promise<{ seq: number; body: string } | undefined> {
    return this.#getSnapshot.get(runId) as { seq: number; body: string } | undefined;
  }

  async putArtifact(runId: string, key: string, body: string): Promise<void> {
    this.#putArtifact.run(runId, key, body);
  }

  async getArtifact(runId: string, key: string): Promise<string | undefined> {
    return (this.#getArtifact.get(runId, key) as string | undefined) ?? undefined;
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}

function toSummary(row: Omit<RunRow, 'graph'>): RunSummary {
  return {
    runId: row.run_id,
    dagId: row.dag_id,
    status: row.status as RunStatus,
    params: JSON.parse(row.params) as Record<string, unknown>,
    ...(row.partition_key === null ? {} : { partitionKey: row.partition_key }),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...(row.finished_at === null ? {} : { finishedAt: row.finished_at }),
    ...(row.cancel_requested_at === null ? {} : { cancelRequestedAt: row.cancel_requested_at }),
    ...(row.owner === null ? {} : { owner: row.owner }),
    ...(row.module === null ? {} : { module: row.module }),
  };
}

function toRecord(row: RunRow): RunRecord {
  return { ...toSummary(row), graph: row.graph };
}

/** Every column but the graph, which can be megabytes. */
const SUMMARY_COLUMNS =
  'run_id, dag_id, status, params, partition_key, created_at, updated_at, finished_at, cancel_requested_at, owner, module';
