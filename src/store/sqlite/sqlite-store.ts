import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Database, Statement } from 'better-sqlite3';
import { toError, TributaryError } from '../../errors/index.js';
import type { RunStatus } from '../../engine/index.js';
import { runLeaseKey, type Lease, type LeaseAttempt } from '../lease.js';
import { nextHolder, renewed } from '../lease-rules.js';
import type { LogFilter, LogLevel, LogSource, StoredLogLine } from '../logs.js';
import type { NewRunRequest, RunRequest } from '../requests.js';
import type {
  Commit,
  CreateRunOptions,
  Durability,
  PeriodRun,
  RunFilter,
  RunRecord,
  RunStore,
  RunSummary,
  StoredEvent,
} from '../run-store.js';
import {
  checkAppend,
  checkFence,
  identityTaken,
  runExists,
  runNotFound,
  runPruned,
  unknownRequest,
} from '../errors.js';
import {
  checkPruneOptions,
  type PruneOptions,
  type PruneResult,
  type ReclaimOptions,
  type SpaceReclaimed,
} from '../retention.js';
import { pruneSqlite, reclaimSqlite } from './prune.js';
import { isBusy, isCorruption, loadDriver, nativeModuleError } from './driver.js';
import { decodeJournalRow, encodeJournalRow } from './journal-rows.js';
import { checkVersion, migrate } from './schema.js';
import { SqliteSchedulerTables } from './scheduler-tables.js';
import type { Change, WaitOptions } from '../feed.js';
import type { SignalFilter, SignalInput, StoredSignal } from '../signals.js';
import { SqliteNotificationTable } from './notification-table.js';
import { SqliteAssetTables } from './asset-tables.js';
import {
  FROM_RUNS,
  prepareRunStatements,
  SUMMARY_COLUMNS,
  toLease,
  toRequest,
  toStoredLease,
  type LeaseRow,
  type LogRow,
  type RequestRow,
  type RunRow,
  type RunStatements,
} from './run-statements.js';
import { SqliteBackfillTables } from './backfill-tables.js';
import {
  checkAssetEvents,
  checkBackfill,
  checkPartitionKeys,
  checkRunInputs,
  checkSetName,
} from '../asset-checks.js';
import { checkAssetUri } from '../assets.js';
import type {
  AssetEventFilter,
  NewAssetEvent,
  RunInput,
  StaleInput,
  StoredAssetEvent,
  StoredPartitionKey,
  StoredRunInput,
} from '../assets.js';
import type {
  BackfillFilter,
  BackfillPartitionPlan,
  BackfillState,
  NewBackfill,
  StoredBackfill,
  StoredBackfillPartition,
} from '../backfills.js';
import type {
  DeliveryOutcome,
  NewNotification,
  NotificationFilter,
  StoredNotification,
} from '../notifications.js';
import type {
  Fenced,
  NewTrigger,
  PausedDag,
  StoredTrigger,
  TriggerFilter,
  TriggerOutcome,
} from '../scheduler-state.js';

/** Options of {@link SqliteStore.open}. */
export interface SqliteStoreOptions {
  /**
   * `normal` (default): WAL with `synchronous=NORMAL`, a commit survives a process crash; the
   * last commits may be lost on power loss. `full`: `synchronous=FULL` for every commit. A
   * commit can also ask for `full` itself (a run started with `durability: 'full'`).
   */
  readonly durability?: Durability;
  /** False: fail with `STORE_NOT_FOUND` instead of creating a missing file. Default true. */
  readonly create?: boolean;
}

/**
 * The embedded default {@link RunStore}: one SQLite file (better-sqlite3, WAL). A commit is one
 * transaction; the events of a commit are one journal row (see `journal-rows.ts`). A file damaged
 * under it surfaces as `STORE_CORRUPT` naming the path and what was read.
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
  readonly #base: Durability;
  #synchronous: Durability;
  readonly #s: RunStatements;
  readonly #commit: (runId: string, commit: Commit) => void;
  readonly #createRun: (record: RunRecord, options: CreateRunOptions) => void;
  readonly #lease: (fn: () => Lease | LeaseAttempt) => Lease | LeaseAttempt;
  /** Prepared run updates, one per combination of fields. */
  readonly #updates = new Map<string, Statement>();
  readonly #tables: SqliteSchedulerTables;
  readonly #notifications: SqliteNotificationTable;
  readonly #assets: SqliteAssetTables;
  readonly #backfills: SqliteBackfillTables;
  readonly #write: <T>(fn: () => T) => T;

  private constructor(path: string, db: Database, durability: Durability) {
    this.path = path;
    this.#db = db;
    this.#base = durability;
    this.#synchronous = durability;
    this.#s = prepareRunStatements(db);
    // Every write transaction is IMMEDIATE: it takes the write lock before it reads, so two
    // processes never both read, then race to write (SQLite would fail the second at once with
    // SQLITE_BUSY instead of waiting). Two owners asking for a lease are served one by one.
    const commit = db.transaction((runId: string, c: Commit) => this.#commitNow(runId, c));
    this.#commit = (runId, c) => commit.immediate(runId, c);
    const createRun = db.transaction((record: RunRecord, options: CreateRunOptions) =>
      this.#insertRun(record, options),
    );
    this.#createRun = (record, options) => createRun.immediate(record, options);
    const tx = db.transaction((fn: () => Lease | LeaseAttempt) => fn());
    this.#lease = (fn) => tx.immediate(fn);
    const write = db.transaction((fn: () => unknown) => fn());
    this.#write = <T>(fn: () => T) => write.immediate(fn) as T;
    const fence = (fenced: Fenced): void =>
      checkFence(
        fenced.key,
        fenced.fence,
        toLease(this.#s.getLease.get(fenced.key) as LeaseRow | undefined),
      );
    this.#tables = new SqliteSchedulerTables(db, fence);
    this.#notifications = new SqliteNotificationTable(db, fence);
    const record = this.#tables.record.bind(this.#tables);
    this.#assets = new SqliteAssetTables(db, record);
    this.#backfills = new SqliteBackfillTables(db, record, fence);
  }

  /**
   * Open (creating if needed) a database file and bring its schema up to date. A file that is
   * not a SQLite database, or is truncated, fails with `STORE_CORRUPT` naming the path; a
   * missing file with `create: false` fails with `STORE_NOT_FOUND`.
   */
  static open(path: string, options: SqliteStoreOptions = {}): SqliteStore {
    const memory = path === ':memory:';
    if (!memory && options.create === false && !existsSync(path)) {
      throw new TributaryError('STORE_NOT_FOUND', `No database at ${path}`, {
        context: { path },
      });
    }
    const Driver = loadDriver();
    if (!memory) mkdirSync(dirname(path), { recursive: true });
    for (let attempt = 0; ; attempt++) {
      let db: Database | undefined;
      try {
        db = new Driver(path);
        db.pragma('busy_timeout = 5000');
        // Refuse a database that is not ours before changing it: the journal mode is persistent.
        // A new one gets incremental vacuum, which can only be chosen before its first table
        // (a no-op if another process creates the tables first): space that retention frees can
        // then be returned without rewriting the file.
        if (checkVersion(db, path) === 0 && !memory) db.pragma('auto_vacuum = INCREMENTAL');
        db.pragma('journal_mode = WAL');
        const durability = options.durability ?? 'normal';
        db.pragma(`synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`);
        migrate(db, path);
        db.prepare('SELECT count(*) FROM runs').get();
        return new SqliteStore(path, db, durability);
      } catch (caught) {
        db?.close();
        // Busy is not damage: another process holds the file (recovering it after a crash,
        // migrating it). Try again, as every operation does.
        if (isBusy(caught) && attempt < BUSY_RETRIES) {
          pause(Math.min(100, 2 ** attempt));
          continue;
        }
        if (caught instanceof TributaryError) throw caught;
        const native = nativeModuleError(caught);
        if (native !== undefined) throw native;
        const error = toError(caught);
        throw new TributaryError(
          'STORE_CORRUPT',
          `Cannot open database ${path}: ${error.message}`,
          { context: { path }, cause: error },
        );
      }
    }
  }

  /**
   * Run one store operation. SQLite's corruption errors become `STORE_CORRUPT` with the path.
   * `SQLITE_BUSY` that the busy timeout did not absorb (SQLite returns some at once, e.g. while
   * another process recovers the WAL after a crash) is retried with a growing pause, for about
   * five seconds: an operation that failed busy wrote nothing, so it can run again.
   */
  #read<T>(what: string, runId: string | undefined, fn: () => T): T {
    for (let attempt = 0; ; attempt++) {
      try {
        return fn();
      } catch (caught) {
        if (isBusy(caught) && attempt < BUSY_RETRIES) {
          pause(Math.min(100, 2 ** attempt));
          continue;
        }
        if (caught instanceof TributaryError || !isCorruption(caught)) throw caught;
        throw this.#corrupt(what, runId, toError(caught));
      }
    }
  }

  #corrupt(what: string, runId: string | undefined, cause: Error): TributaryError {
    return new TributaryError(
      'STORE_CORRUPT',
      `Database ${this.path} is damaged: cannot read ${what}${runId === undefined ? '' : ` of run "${runId}"`} (${cause.message})`,
      { context: { path: this.path, ...(runId === undefined ? {} : { runId }), what }, cause },
    );
  }

  /** `JSON.parse` of stored text; damage is `STORE_CORRUPT` naming what it was. */
  #parse<T>(text: string, what: string, runId: string): T {
    try {
      return JSON.parse(text) as T;
    } catch (caught) {
      throw this.#corrupt(what, runId, toError(caught));
    }
  }

  async createRun(record: RunRecord, options: CreateRunOptions = {}): Promise<void> {
    if (options.inputs !== undefined) checkRunInputs(options.inputs);
    this.#read('the runs table', record.runId, () => this.#createRun(record, options));
    this.#tables.committed();
  }

  /** In one transaction: the run, its graph, its inputs and its backfill plan row, or nothing. */
  #insertRun(record: RunRecord, options: CreateRunOptions): void {
    if (this.#s.runExists.get(record.runId) !== undefined) throw runExists(record.runId);
    const runKey = record.runKey ?? record.runId;
    const existing = this.#s.findRunId.get(record.dagId, record.partitionKey ?? '', runKey) as
      string | undefined;
    if (existing !== undefined) throw identityTaken(record, existing);
    this.#s.insertGraph.run(record.runId, record.graph);
    this.#s.insertRun.run({
      run_id: record.runId,
      dag_id: record.dagId,
      status: record.status,
      params: JSON.stringify(record.params),
      partition_key: record.partitionKey ?? null,
      created_at: record.createdAt,
      updated_at: record.updatedAt,
      finished_at: record.finishedAt ?? null,
      module: record.module ?? null,
      durability: record.durability ?? null,
      codec: record.codec ?? null,
      run_key: record.runKey ?? null,
      origin: record.origin ?? null,
    });
    this.#tables.record('run.created', record.runId, record.createdAt, {
      dagId: record.dagId,
      periodKey: record.partitionKey ?? null,
      status: record.status,
    });
    const period = record.partitionKey ?? '';
    if (options.inputs !== undefined)
      this.#assets.addInputs(record.runId, record.dagId, period, options.inputs);
    if (options.backfill !== undefined)
      this.#backfills.attachRun(options.backfill, record.dagId, period, record.runId);
  }

  async latestRunPerPeriod(dagId: string): Promise<PeriodRun[]> {
    return this.#read('the runs table', undefined, () => this.#assets.latestRunPerPeriod(dagId));
  }

  async findRun(dagId: string, periodKey: string, runKey: string): Promise<RunSummary | undefined> {
    const row = this.#read('the runs table', undefined, () =>
      this.#s.findRun.get(dagId, periodKey, runKey),
    ) as RunRow | undefined;
    return row === undefined ? undefined : this.#summary(row);
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const row = this.#read('the run record', runId, () => this.#s.selectRun.get(runId)) as
      RunRow | undefined;
    return row === undefined ? undefined : { ...this.#summary(row), graph: row.graph };
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
    if (filter.periodKey !== undefined) {
      where.push("ifnull(partition_key, '') = ?");
      args.push(filter.periodKey);
    }
    if (filter.startedBy !== undefined) {
      // instr, not LIKE: a run id may hold `%` or `_`.
      where.push('(origin = ? OR instr(origin, ?) = 1)');
      args.push(`run:${filter.startedBy}`, `task:${filter.startedBy}/`);
    }
    const sql = `SELECT ${SUMMARY_COLUMNS} FROM ${FROM_RUNS} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, runs.run_id DESC LIMIT ?`;
    const rows = this.#read('the runs table', undefined, () =>
      this.#db.prepare(sql).all(...args, filter.limit ?? 50),
    ) as RunRow[];
    return rows.map((row) => this.#summary(row));
  }

  async commit(runId: string, commit: Commit): Promise<void> {
    // The sync level is a connection setting that cannot change inside a transaction.
    const wanted = commit.durability === 'full' ? 'full' : this.#base;
    if (wanted !== this.#synchronous) {
      this.#db.pragma(`synchronous = ${wanted === 'full' ? 'FULL' : 'NORMAL'}`);
      this.#synchronous = wanted;
    }
    if (commit.assets !== undefined) checkAssetEvents(commit.assets);
    this.#read('the journal', runId, () => this.#commit(runId, commit));
    const changed = commit.run?.status ?? commit.triggers ?? commit.assets?.length;
    if (changed !== undefined && changed !== 0) this.#tables.committed();
  }

  /** Inside the transaction: a throw rolls back everything, so the order of writes is free. */
  #commitNow(runId: string, commit: Commit): void {
    const s = this.#s;
    if (commit.fence !== undefined) {
      const key = runLeaseKey(runId);
      checkFence(key, commit.fence, toLease(s.getLease.get(key) as LeaseRow | undefined));
    }
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
    const sql = `UPDATE runs SET ${sets.join(', ')} WHERE run_id = ? AND pruned_at IS NULL`;
    let update = this.#updates.get(sql);
    if (update === undefined) this.#updates.set(sql, (update = this.#db.prepare(sql)));
    if (update.run(...args, runId).changes === 0) this.#requireLive(runId);
    if (run.status !== undefined) {
      const { dag_id, partition_key } = s.runKey.get(runId) as {
        dag_id: string;
        partition_key: string | null;
      };
      this.#tables.record('run.status', runId, args[0] as number, {
        dagId: dag_id,
        periodKey: partition_key,
        status: run.status,
      });
    }
    if (commit.events.length > 0) {
      const last = (s.lastSeq.get(runId) as number | null) ?? 0;
      checkAppend(runId, last + 1, commit.events);
      s.insertJournal.run(
        runId,
        commit.events[0]!.seq,
        commit.events.at(-1)!.seq,
        encodeJournalRow(commit.events),
      );
    }
    for (const l of commit.logs ?? []) {
      s.insertLog.run(
        runId,
        l.node,
        l.attempt,
        l.at,
        l.level,
        l.source,
        l.message,
        l.fields ?? null,
      );
    }
    for (const r of commit.requests ?? []) {
      if (s.completeRequest.run(r.state, r.outcome, runId, r.id).changes === 0)
        throw unknownRequest(runId, r.id);
    }
    if (commit.triggers !== undefined) this.#tables.addTriggers(commit.triggers);
    if (commit.assets !== undefined && commit.assets.length > 0) {
      // A commit's events are its run's materializations: the run is theirs unless they say.
      const { dag_id } = s.runKey.get(runId) as { dag_id: string };
      this.#assets.addEvents(
        commit.assets.map((e) => (e.runId === undefined ? { ...e, runId } : e)),
        (producer) => (producer === runId ? dag_id : this.#dagOf(producer)),
      );
    }
  }

  #dagOf(runId: string): string | undefined {
    return (this.#s.runKey.get(runId) as { dag_id: string } | undefined)?.dag_id;
  }

  async loadEvents(runId: string, afterSeq = 0): Promise<StoredEvent[]> {
    const rows = this.#read('the journal', runId, () => {
      const found = this.#s.selectJournal.all(runId, afterSeq) as string[];
      if (found.length === 0) this.#requireLive(runId);
      return found;
    });
    const events: StoredEvent[] = [];
    for (const row of rows) {
      try {
        decodeJournalRow(row, afterSeq, events);
      } catch (caught) {
        throw this.#corrupt('a journal row', runId, toError(caught));
      }
    }
    return events;
  }

  async addRequest(runId: string, request: NewRunRequest): Promise<number> {
    return this.#read('the requests table', runId, () => {
      this.#requireLive(runId);
      const info = this.#s.insertRequest.run(
        runId,
        request.kind,
        request.actor,
        request.at,
        request.body ?? null,
      );
      return Number(info.lastInsertRowid);
    });
  }

  async pendingRequests(runId: string): Promise<RunRequest[]> {
    const rows = this.#read('the requests table', runId, () => {
      const found = this.#s.pendingRequests.all(runId) as RequestRow[];
      if (found.length === 0 && this.#s.runExists.get(runId) === undefined)
        throw runNotFound(runId);
      return found;
    });
    return rows.map(toRequest);
  }

  async getRequest(runId: string, id: number): Promise<RunRequest | undefined> {
    const row = this.#read('the requests table', runId, () => this.#s.getRequest.get(runId, id)) as
      RequestRow | undefined;
    return row === undefined ? undefined : toRequest(row);
  }

  async loadLogs(runId: string, filter: LogFilter = {}): Promise<StoredLogLine[]> {
    const rows = this.#read('the logs table', runId, () => {
      this.#requireLive(runId);
      return this.#s.selectLogs.all({
        run: runId,
        after: filter.afterId ?? 0,
        node: filter.node ?? null,
        limit: filter.limit ?? -1,
      }) as LogRow[];
    });
    return rows.map((r) => ({
      id: r.id,
      node: r.node,
      attempt: r.attempt,
      at: r.at,
      level: r.level as LogLevel,
      source: r.source as LogSource,
      message: r.message,
      ...(r.fields === null ? {} : { fields: r.fields }),
    }));
  }

  async acquireLease(
    key: string,
    owner: string,
    ttlMs: number,
    options: { readonly force?: boolean; readonly ifFence?: number } = {},
  ): Promise<LeaseAttempt> {
    return this.#read('the leases table', undefined, () =>
      this.#lease(() => {
        const current = toStoredLease(this.#s.getLease.get(key) as LeaseRow | undefined);
        const attempt = nextHolder(current, key, owner, ttlMs, Date.now(), options);
        if (attempt.acquired) this.#putLease(attempt.lease);
        return attempt;
      }),
    ) as LeaseAttempt;
  }

  async renewLease(lease: Lease, ttlMs: number): Promise<Lease> {
    return this.#read('the leases table', undefined, () =>
      this.#lease(() => {
        const current = toStoredLease(this.#s.getLease.get(lease.key) as LeaseRow | undefined);
        const next = renewed(current, lease, ttlMs, Date.now());
        this.#putLease(next);
        return next;
      }),
    ) as Lease;
  }

  async releaseLease(lease: Lease): Promise<void> {
    this.#read('the leases table', undefined, () =>
      this.#s.releaseLease.run(lease.key, lease.fence),
    );
  }

  async getLease(key: string): Promise<Lease | undefined> {
    return toLease(
      this.#read('the leases table', undefined, () => this.#s.getLease.get(key)) as
        LeaseRow | undefined,
    );
  }

  #putLease(lease: Lease): void {
    this.#s.putLease.run(lease.key, lease.owner, lease.fence, lease.expiresAt);
  }

  async putSnapshot(runId: string, seq: number, body: string): Promise<void> {
    this.#read('the snapshots table', runId, () => {
      this.#requireLive(runId);
      // Never replace a newer snapshot with an older one.
      this.#s.putSnapshot.run(runId, seq, body);
    });
  }

  async getSnapshot(runId: string): Promise<{ seq: number; body: string } | undefined> {
    return this.#read('the snapshot', runId, () => this.#s.getSnapshot.get(runId)) as
      { seq: number; body: string } | undefined;
  }

  async putArtifact(runId: string, key: string, body: string): Promise<void> {
    this.#read('the artifacts table', runId, () => this.#s.putArtifact.run(runId, key, body));
  }

  async getArtifact(runId: string, key: string): Promise<string | undefined> {
    return (
      (this.#read(`artifact "${key}"`, runId, () => this.#s.getArtifact.get(runId, key)) as
        string | undefined) ?? undefined
    );
  }

  /** `RUN_NOT_FOUND` for an unknown run, `RUN_PRUNED` for one pruned to its summary. */
  #requireLive(runId: string): void {
    const row = this.#s.prunedAt.get(runId) as { pruned_at: number | null } | undefined;
    if (row === undefined) throw runNotFound(runId);
    if (row.pruned_at !== null) throw runPruned(runId, row.pruned_at);
  }

  async prune(options: PruneOptions): Promise<PruneResult> {
    checkPruneOptions(options);
    const prune = this.#db.transaction(() => pruneSqlite(this.#db, options, Date.now()));
    // A dry run only reads: a deferred transaction, which does not hold up writers.
    return this.#read('the database for pruning', undefined, () =>
      options.dryRun === true ? prune.deferred() : prune.immediate(),
    );
  }

  async reclaimSpace(options: ReclaimOptions = {}): Promise<SpaceReclaimed> {
    return this.#read('the database for vacuuming', undefined, () =>
      reclaimSqlite(this.#db, options.full === true),
    );
  }

  async getMark(name: string): Promise<string | undefined> {
    return this.#read('the marks table', undefined, () => this.#tables.getMark(name));
  }

  async setMark(name: string, value: string, fenced?: Fenced): Promise<void> {
    this.#read('the marks table', undefined, () =>
      this.#write(() => this.#tables.setMark(name, value, fenced)),
    );
  }

  async setPaused(dagId: string, paused: boolean, by: string, at: number): Promise<boolean> {
    const changed = this.#read('the paused DAGs', undefined, () =>
      this.#write(() => this.#tables.setPaused(dagId, paused, by, at)),
    );
    if (changed) this.#tables.committed();
    return changed;
  }

  async pausedDags(): Promise<PausedDag[]> {
    return this.#read('the paused DAGs', undefined, () => this.#tables.pausedDags());
  }

  async addTriggers(triggers: readonly NewTrigger[]): Promise<void> {
    this.#read('the trigger outbox', undefined, () =>
      this.#write(() => this.#tables.addTriggers(triggers)),
    );
    if (triggers.length > 0) this.#tables.committed();
  }

  async pendingTriggers(limit?: number): Promise<StoredTrigger[]> {
    return this.#read('the trigger outbox', undefined, () => this.#tables.pendingTriggers(limit));
  }

  async completeTrigger(id: number, outcome: TriggerOutcome, fenced?: Fenced): Promise<void> {
    this.#read('the trigger outbox', undefined, () =>
      this.#write(() => this.#tables.completeTrigger(id, outcome, fenced)),
    );
  }

  async listTriggers(filter?: TriggerFilter): Promise<StoredTrigger[]> {
    return this.#read('the trigger outbox', undefined, () => this.#tables.listTriggers(filter));
  }

  async setSignal(input: SignalInput): Promise<StoredSignal> {
    const stored = this.#read('the signals table', undefined, () =>
      this.#write(() => this.#tables.setSignal(input)),
    );
    this.#tables.committed();
    return stored;
  }

  async clearSignal(
    name: string,
    periodKey: string,
    by: string,
    at: number,
  ): Promise<StoredSignal | undefined> {
    const stored = this.#read('the signals table', undefined, () =>
      this.#write(() => this.#tables.clearSignal(name, periodKey, by, at)),
    );
    if (stored !== undefined) this.#tables.committed();
    return stored;
  }

  async getSignal(name: string, periodKey?: string): Promise<StoredSignal | undefined> {
    return this.#read('the signals table', undefined, () =>
      this.#tables.getSignal(name, periodKey),
    );
  }

  async listSignals(filter?: SignalFilter): Promise<StoredSignal[]> {
    return this.#read('the signals table', undefined, () => this.#tables.listSignals(filter));
  }

  async signalHistory(name: string, periodKey?: string): Promise<StoredSignal[]> {
    return this.#read('the signals table', undefined, () =>
      this.#tables.signalHistory(name, periodKey),
    );
  }

  async feedHead(): Promise<number> {
    return this.#read('the change feed', undefined, () => this.#tables.feedHead());
  }

  async changesSince(afterSeq: number, limit?: number): Promise<Change[]> {
    return this.#read('the change feed', undefined, () =>
      this.#tables.changesSince(afterSeq, limit),
    );
  }

  waitForChange(afterSeq: number, options: WaitOptions): Promise<boolean> {
    return this.#read('the change feed', undefined, () =>
      this.#tables.waitForChange(afterSeq, options),
    );
  }

  async addNotifications(list: readonly NewNotification[], fenced?: Fenced): Promise<number> {
    return this.#read('the notifications', undefined, () =>
      this.#write(() => this.#notifications.add(list, fenced)),
    );
  }

  async dueNotifications(now: number, limit?: number): Promise<StoredNotification[]> {
    return this.#read('the notifications', undefined, () => this.#notifications.due(now, limit));
  }

  async recordDelivery(id: number, outcome: DeliveryOutcome, fenced?: Fenced): Promise<void> {
    this.#read('the notifications', undefined, () =>
      this.#write(() => this.#notifications.record(id, outcome, fenced)),
    );
  }

  async listNotifications(filter?: NotificationFilter): Promise<StoredNotification[]> {
    return this.#read('the notifications', undefined, () => this.#notifications.list(filter));
  }

  async addAssetEvents(events: readonly NewAssetEvent[]): Promise<StoredAssetEvent[]> {
    checkAssetEvents(events);
    const stored = this.#read('the asset events', undefined, () =>
      this.#write(() => this.#assets.addEvents(events, (runId) => this.#dagOf(runId))),
    );
    if (stored.length > 0) this.#tables.committed();
    return stored;
  }

  async assetEvents(filter: AssetEventFilter = {}): Promise<StoredAssetEvent[]> {
    if (filter.asset !== undefined) checkAssetUri(filter.asset);
    return this.#read('the asset events', undefined, () => this.#assets.events(filter));
  }

  async getAssetEvent(id: number): Promise<StoredAssetEvent | undefined> {
    return this.#read('the asset events', undefined, () => this.#assets.event(id));
  }

  async latestAssetEvents(
    asset: string,
    partitionKeys?: readonly string[],
  ): Promise<StoredAssetEvent[]> {
    checkAssetUri(asset);
    return this.#read('the asset events', undefined, () =>
      this.#assets.latest(asset, partitionKeys),
    );
  }

  async listAssets(): Promise<{ asset: string; partitions: number; latest: StoredAssetEvent }[]> {
    return this.#read('the asset events', undefined, () => this.#assets.assets());
  }

  async unconsumedAssetEvents(
    dagId: string,
    assets: readonly string[],
    partitionKeys?: readonly string[],
  ): Promise<StoredAssetEvent[]> {
    for (const asset of assets) checkAssetUri(asset);
    return this.#read('the asset events', undefined, () =>
      this.#assets.unconsumed(dagId, assets, partitionKeys),
    );
  }

  async addRunInputs(runId: string, inputs: readonly RunInput[]): Promise<void> {
    checkRunInputs(inputs);
    this.#read('the run inputs', runId, () =>
      this.#write(() => {
        const run = this.#s.runKey.get(runId) as
          { dag_id: string; partition_key: string | null } | undefined;
        if (run === undefined) throw runNotFound(runId);
        this.#assets.addInputs(runId, run.dag_id, run.partition_key ?? '', inputs);
      }),
    );
  }

  async runInputs(runId: string): Promise<StoredRunInput[]> {
    return this.#read('the run inputs', runId, () => this.#assets.inputs(runId));
  }

  async staleInputs(dagId: string): Promise<StaleInput[]> {
    return this.#read('the run inputs', undefined, () => this.#assets.stale(dagId));
  }

  async addPartitionKeys(
    set: string,
    keys: readonly string[],
    by: string,
    at: number,
  ): Promise<string[]> {
    checkPartitionKeys(set, keys, by, at);
    const added = this.#read('the partition keys', undefined, () =>
      this.#write(() => this.#assets.addPartitionKeys(set, keys, by, at)),
    );
    if (added.length > 0) this.#tables.committed();
    return added;
  }

  async partitionKeys(set: string): Promise<StoredPartitionKey[]> {
    checkSetName(set);
    return this.#read('the partition keys', undefined, () => this.#assets.partitionKeys(set));
  }

  async createBackfill(
    backfill: NewBackfill,
    plan: readonly BackfillPartitionPlan[],
  ): Promise<void> {
    checkBackfill(backfill, plan);
    this.#read('the backfills', undefined, () =>
      this.#write(() => this.#backfills.create(backfill, plan)),
    );
    this.#tables.committed();
  }

  async getBackfill(id: string): Promise<StoredBackfill | undefined> {
    return this.#read('the backfills', undefined, () => this.#backfills.get(id));
  }

  async listBackfills(filter?: BackfillFilter): Promise<StoredBackfill[]> {
    return this.#read('the backfills', undefined, () => this.#backfills.list(filter));
  }

  async backfillPartitions(id: string): Promise<StoredBackfillPartition[]> {
    return this.#read('the backfills', undefined, () => this.#backfills.partitions(id));
  }

  async finishBackfill(
    id: string,
    state: Exclude<BackfillState, 'running'>,
    at: number,
    fenced?: Fenced,
  ): Promise<boolean> {
    const finished = this.#read('the backfills', undefined, () =>
      this.#write(() => this.#backfills.finish(id, state, at, fenced)),
    );
    if (finished) this.#tables.committed();
    return finished;
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }

  #summary(row: RunRow): RunSummary {
    return {
      runId: row.run_id,
      dagId: row.dag_id,
      status: row.status as RunStatus,
      params: this.#parse<Record<string, unknown>>(row.params, 'the run parameters', row.run_id),
      ...(row.partition_key === null ? {} : { partitionKey: row.partition_key }),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      ...(row.finished_at === null ? {} : { finishedAt: row.finished_at }),
      ...(row.module === null ? {} : { module: row.module }),
      ...(row.durability === null ? {} : { durability: row.durability as Durability }),
      ...(row.codec === null ? {} : { codec: row.codec }),
      ...(row.run_key === null ? {} : { runKey: row.run_key }),
      ...(row.origin === null ? {} : { origin: row.origin }),
      ...(row.pruned_at === null ? {} : { prunedAt: row.pruned_at }),
      ...(row.lease_owner === null ? {} : { owner: row.lease_owner }),
    };
  }
}

/** Retries of an operation that failed `SQLITE_BUSY`: about five seconds of pauses in all. */
const BUSY_RETRIES = 50;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Block this thread for `ms` (a store operation is synchronous; this is the rare busy path). */
function pause(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}
