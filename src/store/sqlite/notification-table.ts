import type { Database } from 'better-sqlite3';
import type { Fenced } from '../scheduler-state.js';
import type {
  AlertKind,
  DeliveryOutcome,
  NewNotification,
  NotificationFilter,
  StoredNotification,
} from '../notifications.js';
import { unknownNotification } from '../memory/notification-table.js';

interface NotificationRow {
  id: number;
  key: string;
  kind: string;
  dag_id: string;
  run_id: string | null;
  period_key: string | null;
  target: string;
  body: string;
  at: number;
  state: string;
  attempts: number;
  next_at: number;
  last_error: string | null;
  delivered_at: number | null;
}

/** The notification outbox of a `SqliteStore`: one operation per method, each in the caller's transaction. */
export class SqliteNotificationTable {
  readonly #s: ReturnType<typeof prepare>;
  readonly #checkFence: (fenced: Fenced) => void;

  constructor(db: Database, checkFence: (fenced: Fenced) => void) {
    this.#s = prepare(db);
    this.#checkFence = checkFence;
  }

  add(list: readonly NewNotification[], fenced?: Fenced): number {
    if (fenced !== undefined) this.#checkFence(fenced);
    let added = 0;
    for (const n of list) {
      added += this.#s.insert.run(
        n.key,
        n.kind,
        n.dagId,
        n.runId ?? null,
        n.periodKey ?? null,
        n.target,
        n.body,
        n.at,
        n.at,
      ).changes;
    }
    return added;
  }

  due(now: number, limit = 100): StoredNotification[] {
    return (this.#s.due.all(now, limit) as NotificationRow[]).map(toNotification);
  }

  record(id: number, outcome: DeliveryOutcome, fenced?: Fenced): void {
    if (fenced !== undefined) this.#checkFence(fenced);
    const [state, nextAt, error, deliveredAt] =
      'delivered' in outcome
        ? ['delivered', null, null, outcome.delivered]
        : outcome.retryAt === undefined
          ? ['failed', null, outcome.error, null]
          : ['pending', outcome.retryAt, outcome.error, null];
    if (this.#s.record.run(state, nextAt, error, deliveredAt, id).changes === 0)
      throw unknownNotification(id);
  }

  list(filter: NotificationFilter = {}): StoredNotification[] {
    const rows = this.#s.list.all({
      dag: filter.dagId ?? null,
      state: filter.state ?? null,
      limit: filter.limit ?? 50,
    }) as NotificationRow[];
    return rows.map(toNotification);
  }
}

function prepare(db: Database) {
  return {
    insert: db.prepare(
      `INSERT INTO notifications (key, kind, dag_id, run_id, period_key, target, body, at, state, attempts, next_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?) ON CONFLICT (key) DO NOTHING`,
    ),
    due: db.prepare(
      `SELECT * FROM notifications WHERE state = 'pending' AND next_at <= ? ORDER BY next_at, id LIMIT ?`,
    ),
    record: db.prepare(
      `UPDATE notifications SET attempts = attempts + 1, state = ?, next_at = coalesce(?, next_at),
         last_error = coalesce(?, last_error), delivered_at = ? WHERE id = ?`,
    ),
    list: db.prepare(
      `SELECT * FROM notifications
       WHERE (@dag IS NULL OR dag_id = @dag) AND (@state IS NULL OR state = @state)
       ORDER BY id DESC LIMIT @limit`,
    ),
  };
}

function toNotification(row: NotificationRow): StoredNotification {
  return {
    id: row.id,
    key: row.key,
    kind: row.kind as AlertKind,
    dagId: row.dag_id,
    ...(row.run_id === null ? {} : { runId: row.run_id }),
    ...(row.period_key === null ? {} : { periodKey: row.period_key }),
    target: row.target,
    body: row.body,
    at: row.at,
    state: row.state as StoredNotification['state'],
    attempts: row.attempts,
    nextAt: row.next_at,
    ...(row.last_error === null ? {} : { lastError: row.last_error }),
    ...(row.delivered_at === null ? {} : { deliveredAt: row.delivered_at }),
  };
}
