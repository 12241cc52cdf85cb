import { TributaryError } from '../../errors/index.js';
import type { Fenced } from '../scheduler-state.js';
import type {
  DeliveryOutcome,
  NewNotification,
  NotificationFilter,
  NotificationStore,
  StoredNotification,
} from '../notifications.js';

/** The notification outbox of a `MemoryStore`. */
export class MemoryNotificationTable implements NotificationStore {
  readonly #rows: StoredNotification[] = [];
  readonly #keys = new Set<string>();
  readonly #checkFence: (fenced: Fenced) => void;

  constructor(checkFence: (fenced: Fenced) => void) {
    this.#checkFence = checkFence;
  }

  async addNotifications(list: readonly NewNotification[], fenced?: Fenced): Promise<number> {
    if (fenced !== undefined) this.#checkFence(fenced);
    let added = 0;
    for (const n of list) {
      if (this.#keys.has(n.key)) continue;
      this.#keys.add(n.key);
      this.#rows.push({
        ...n,
        id: this.#rows.length + 1,
        state: 'pending',
        attempts: 0,
        nextAt: n.at,
      });
      added++;
    }
    return added;
  }

  async dueNotifications(now: number, limit = 100): Promise<StoredNotification[]> {
    return this.#rows
      .filter((n) => n.state === 'pending' && n.nextAt <= now)
      .sort((a, b) => a.nextAt - b.nextAt || a.id - b.id)
      .slice(0, limit);
  }

  async recordDelivery(id: number, outcome: DeliveryOutcome, fenced?: Fenced): Promise<void> {
    if (fenced !== undefined) this.#checkFence(fenced);
    const i = this.#rows.findIndex((n) => n.id === id);
    if (i < 0) throw unknownNotification(id);
    const row = this.#rows[i]!;
    const attempts = row.attempts + 1;
    this.#rows[i] =
      'delivered' in outcome
        ? { ...row, attempts, state: 'delivered', deliveredAt: outcome.delivered }
        : outcome.retryAt === undefined
          ? { ...row, attempts, state: 'failed', lastError: outcome.error }
          : { ...row, attempts, nextAt: outcome.retryAt, lastError: outcome.error };
  }

  async listNotifications(filter: NotificationFilter = {}): Promise<StoredNotification[]> {
    const out: StoredNotification[] = [];
    for (let i = this.#rows.length - 1; i >= 0 && out.length < (filter.limit ?? 50); i--) {
      const n = this.#rows[i]!;
      if (filter.dagId !== undefined && n.dagId !== filter.dagId) continue;
      if (filter.state !== undefined && n.state !== filter.state) continue;
      out.push(n);
    }
    return out;
  }
}

/** `INVALID_ARGUMENT` for a notification id the store does not have. */
export function unknownNotification(id: number): TributaryError {
  return new TributaryError('INVALID_ARGUMENT', `No notification with id ${id}`, {
    context: { received: id },
  });
}
