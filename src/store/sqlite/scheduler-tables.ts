import type { Database, Statement } from 'better-sqlite3';
import type { StoredRunStatus } from '../run-store.js';
import { ChangeWaiters } from '../change-waiters.js';
import type { Change, ChangeKind, WaitOptions } from '../feed.js';
import { unknownTrigger } from '../errors.js';
import type {
  Fenced,
  NewTrigger,
  PausedDag,
  StoredTrigger,
  TriggerFilter,
  TriggerOutcome,
} from '../scheduler-state.js';
import {
  checkSignalKey,
  encodePayload,
  type SignalFilter,
  type SignalInput,
  type StoredSignal,
} from '../signals.js';

interface FeedRow {
  seq: number;
  kind: string;
  subject: string;
  dag_id: string | null;
  period_key: string | null;
  status: string | null;
  at: number;
}

interface TriggerRow {
  id: number;
  dag_id: string;
  period_key: string;
  run_key: string;
  params: string | null;
  origin: string;
  at: number;
  state: string;
  run_id: string | null;
  reason: string | null;
}

interface SignalRow {
  id: number;
  name: string;
  period_key: string;
  payload: string | null;
  set_by: string;
  set_at: number;
  cleared: number;
}

/** How often a waiter checks whether another process wrote to the database. */
const WATCH_MS = 5;

/**
 * The change feed, signals and scheduler state of a {@link SqliteStore}, on its connection.
 * Writes run inside the store's transactions; another process's writes are seen through
 * `PRAGMA data_version`, which changes when any other connection commits. `checkFence` checks a
 * role lease's fence inside the transaction.
 */
export class SqliteSchedulerTables {
  readonly #s: ReturnType<typeof prepare>;
  readonly #waiters = new ChangeWaiters();
  readonly #dataVersion: Statement;
  readonly #checkFence: (fenced: Fenced) => void;

  constructor(db: Database, checkFence: (fenced: Fenced) => void) {
    this.#checkFence = checkFence;
    this.#s = prepare(db);
    this.#dataVersion = db.prepare('PRAGMA data_version').pluck();
  }

  /** Append a change; call inside the transaction of the write it describes. */
  record(
    kind: ChangeKind,
    subject: string,
    at: number,
    fields: {
      dagId?: string | null;
      periodKey?: string | null;
      status?: StoredRunStatus | null;
    } = {},
  ): void {
    this.#s.insertChange.run(
      kind,
      subject,
      fields.dagId ?? null,
      fields.periodKey ?? null,
      fields.status ?? null,
      at,
    );
  }

  /** Wake this process's waiters (after the transaction that recorded a change committed). */
  committed(): void {
    this.#waiters.wake();
  }

  feedHead(): number {
    return (this.#s.feedHead.get() as number | null) ?? 0;
  }

  changesSince(afterSeq: number, limit = 1000): Change[] {
    return (this.#s.changesSince.all(afterSeq, limit) as FeedRow[]).map(toChange);
  }

  waitForChange(afterSeq: number, options: WaitOptions): Promise<boolean> {
    if (this.feedHead() > afterSeq) return Promise.resolve(true);
    let version = this.#dataVersion.get() as number;
    return this.#waiters.wait(options, {
      everyMs: WATCH_MS,
      changed: () => {
        try {
          const now = this.#dataVersion.get() as number;
          if (now === version) return false;
          version = now;
          return this.feedHead() > afterSeq;
        } catch {
          return true; // closed or damaged: let the caller's next read report it
        }
      },
    });
  }

  getMark(name: string): string | undefined {
    return this.#s.getMark.get(name) as string | undefined;
  }

  /** Inside a write transaction. */
  setMark(name: string, value: string, fenced?: Fenced): void {
    if (fenced !== undefined) this.#checkFence(fenced);
    this.#s.setMark.run(name, value);
  }

  /** Inside a write transaction. */
  setPaused(dagId: string, paused: boolean, by: string, at: number): boolean {
    const changed = paused
      ? this.#s.pause.run(dagId, by, at).changes > 0
      : this.#s.unpause.run(dagId).changes > 0;
    if (changed) this.record(paused ? 'dag.paused' : 'dag.unpaused', dagId, at, { dagId });
    return changed;
  }

  pausedDags(): PausedDag[] {
    return (
      this.#s.pausedDags.all() as { dag_id: string; paused_by: string; paused_at: number }[]
    ).map((r) => ({ dagId: r.dag_id, by: r.paused_by, at: r.paused_at }));
  }

  /** Inside a write transaction (a run's commit, or the store's own). */
  addTriggers(triggers: readonly NewTrigger[]): void {
    for (const t of triggers) {
      this.#s.insertTrigger.run(t.dagId, t.periodKey, t.runKey, t.params ?? null, t.origin, t.at);
      this.record('trigger.added', t.dagId, t.at, { dagId: t.dagId, periodKey: t.periodKey });
    }
  }

  pendingTriggers(limit = 100): StoredTrigger[] {
    return (this.#s.pendingTriggers.all(limit) as TriggerRow[]).map(toTrigger);
  }

  listTriggers(filter: TriggerFilter = {}): StoredTrigger[] {
    const rows = this.#s.listTriggers.all({
      dag: filter.dagId ?? null,
      state: filter.state ?? null,
      limit: filter.limit ?? 50,
    }) as TriggerRow[];
    return rows.map(toTrigger);
  }

  /** Inside a write transaction. */
  completeTrigger(id: number, outcome: TriggerOutcome, fenced?: Fenced): void {
    if (fenced !== undefined) this.#checkFence(fenced);
    const [state, runId, reason] =
      'runId' in outcome ? ['done', outcome.runId, null] : ['refused', null, outcome.refused];
    if (this.#s.completeTrigger.run(state, runId, reason, id).changes === 0)
      throw unknownTrigger(id);
  }

  /** Inside a write transaction. */
  setSignal(input: SignalInput): StoredSignal {
    const periodKey = input.periodKey ?? '';
    checkSignalKey(input.name, periodKey);
    const payload = encodePayload(input.name, input.payload);
    return this.#append(input.name, periodKey, payload ?? null, input.setBy, input.at, false);
  }

  /** Inside a write transaction. */
  clearSignal(name: string, periodKey: string, by: string, at: number): StoredSignal | undefined {
    checkSignalKey(name, periodKey);
    if (this.getSignal(name, periodKey) === undefined) return undefined;
    return this.#append(name, periodKey, null, by, at, true);
  }

  getSignal(name: string, periodKey = ''): StoredSignal | undefined {
    const row = this.#s.latestSignal.get(name, periodKey) as SignalRow | undefined;
    return row === undefined || row.cleared === 1 ? undefined : toSignal(row);
  }

  listSignals(filter: SignalFilter = {}): StoredSignal[] {
    const rows = this.#s.listSignals.all({
      name: filter.name ?? null,
      period: filter.periodKey ?? null,
      limit: filter.limit ?? 100,
    }) as SignalRow[];
    return rows.map(toSignal);
  }

  signalHistory(name: string, periodKey = ''): StoredSignal[] {
    return (this.#s.signalHistory.all(name, periodKey) as SignalRow[]).map(toSignal);
  }

  #append(
    name: string,
    periodKey: string,
    payload: string | null,
    setBy: string,
    setAt: number,
    cleared: boolean,
  ): StoredSignal {
    const id = Number(
      this.#s.insertSignal.run(name, periodKey, payload, setBy, setAt, cleared ? 1 : 0)
        .lastInsertRowid,
    );
    this.record(cleared ? 'signal.cleared' : 'signal.set', name, setAt, { periodKey });
    return toSignal({
      id,
      name,
      period_key: periodKey,
      payload,
      set_by: setBy,
      set_at: setAt,
      cleared: cleared ? 1 : 0,
    });
  }
}

function prepare(db: Database) {
  return {
    getMark: db.prepare('SELECT value FROM marks WHERE name = ?').pluck(),
    setMark: db.prepare(
      'INSERT INTO marks (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
    ),
    pause: db.prepare(
      'INSERT INTO paused_dags (dag_id, paused_by, paused_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    unpause: db.prepare('DELETE FROM paused_dags WHERE dag_id = ?'),
    pausedDags: db.prepare('SELECT * FROM paused_dags ORDER BY dag_id'),
    insertTrigger: db.prepare(
      `INSERT INTO triggers (dag_id, period_key, run_key, params, origin, at, state)
       VALUES (?, ?, ?, ?, ?, ?, 'pending')`,
    ),
    pendingTriggers: db.prepare(
      `SELECT * FROM triggers WHERE state = 'pending' ORDER BY id LIMIT ?`,
    ),
    completeTrigger: db.prepare(
      `UPDATE triggers SET state = ?, run_id = ?, reason = ? WHERE id = ?`,
    ),
    listTriggers: db.prepare(
      `SELECT * FROM triggers
       WHERE (@dag IS NULL OR dag_id = @dag) AND (@state IS NULL OR state = @state)
       ORDER BY id DESC LIMIT @limit`,
    ),
    insertChange: db.prepare(
      'INSERT INTO feed (kind, subject, dag_id, period_key, status, at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    feedHead: db.prepare('SELECT max(seq) FROM feed').pluck(),
    changesSince: db.prepare('SELECT * FROM feed WHERE seq > ? ORDER BY seq LIMIT ?'),
    insertSignal: db.prepare(
      'INSERT INTO signals (name, period_key, payload, set_by, set_at, cleared) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    latestSignal: db.prepare(
      'SELECT * FROM signals WHERE name = ? AND period_key = ? ORDER BY id DESC LIMIT 1',
    ),
    signalHistory: db.prepare(
      'SELECT * FROM signals WHERE name = ? AND period_key = ? ORDER BY id',
    ),
    // The latest entry of each (name, period), kept when it sets the signal.
    listSignals: db.prepare(
      `SELECT s.* FROM signals s
       JOIN (SELECT max(id) AS id FROM signals
             WHERE (@name IS NULL OR name = @name) AND (@period IS NULL OR period_key = @period)
             GROUP BY name, period_key) latest ON latest.id = s.id
       WHERE s.cleared = 0
       ORDER BY s.name, s.period_key
       LIMIT @limit`,
    ),
  };
}

function toChange(row: FeedRow): Change {
  return {
    seq: row.seq,
    kind: row.kind as ChangeKind,
    subject: row.subject,
    ...(row.dag_id === null ? {} : { dagId: row.dag_id }),
    ...(row.period_key === null ? {} : { periodKey: row.period_key }),
    ...(row.status === null ? {} : { status: row.status as StoredRunStatus }),
    at: row.at,
  };
}

function toTrigger(row: TriggerRow): StoredTrigger {
  return {
    id: row.id,
    dagId: row.dag_id,
    periodKey: row.period_key,
    runKey: row.run_key,
    ...(row.params === null ? {} : { params: row.params }),
    origin: row.origin,
    at: row.at,
    state: row.state as StoredTrigger['state'],
    ...(row.run_id === null ? {} : { runId: row.run_id }),
    ...(row.reason === null ? {} : { reason: row.reason }),
  };
}

function toSignal(row: SignalRow): StoredSignal {
  return {
    id: row.id,
    name: row.name,
    periodKey: row.period_key,
    payload: row.payload === null ? undefined : (JSON.parse(row.payload) as unknown),
    setBy: row.set_by,
    setAt: row.set_at,
    cleared: row.cleared === 1,
  };
}
