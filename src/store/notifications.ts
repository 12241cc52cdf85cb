import type { Fenced } from './scheduler-state.js';

/*
 * The notification outbox: alerts about runs (a failure, a success, a period late for its SLA)
 * waiting to be delivered to a target (a webhook, a library hook), each delivered once: its key
 * names the event and the target, and adding a key that exists adds nothing. The scheduler adds
 * them in the pass that sees the event and delivers them with retries; every attempt's outcome
 * stays on the row (the audit trail of alerts).
 */

/** What an alert is about. */
export type AlertKind = 'failure' | 'success' | 'late';

/** An alert to deliver to one target. */
export interface NewNotification {
  /** Unique per event and target: adding an existing key adds nothing. */
  readonly key: string;
  readonly kind: AlertKind;
  readonly dagId: string;
  readonly runId?: string;
  readonly periodKey?: string;
  /** `webhook:<url>` or `hook:<name>`. */
  readonly target: string;
  /** The alert as JSON text: what a webhook receives. */
  readonly body: string;
  /** Epoch ms. */
  readonly at: number;
}

/** A notification and what came of its delivery so far. */
export interface StoredNotification extends NewNotification {
  readonly id: number;
  /** `failed`: its attempts ran out. */
  readonly state: 'pending' | 'delivered' | 'failed';
  readonly attempts: number;
  /** When it is due (next attempt), epoch ms. */
  readonly nextAt: number;
  readonly lastError?: string;
  readonly deliveredAt?: number;
}

/** The outcome of one delivery attempt. */
export type DeliveryOutcome =
  | { readonly delivered: number }
  /** Failed; due again at `retryAt`, or given up when it is undefined. */
  | { readonly error: string; readonly retryAt?: number };

/** Filters for `listNotifications`. */
export interface NotificationFilter {
  readonly dagId?: string;
  readonly state?: StoredNotification['state'];
  /** Newest first; default 50. */
  readonly limit?: number;
}

/** The notification outbox of a store. */
export interface NotificationStore {
  /** Add notifications; returns how many were new (a key that exists is skipped). */
  addNotifications(list: readonly NewNotification[], fenced?: Fenced): Promise<number>;
  /** Pending notifications due at `now`, oldest first; at most `limit` (default 100). */
  dueNotifications(now: number, limit?: number): Promise<StoredNotification[]>;
  /** Record one delivery attempt of notification `id`. */
  recordDelivery(id: number, outcome: DeliveryOutcome, fenced?: Fenced): Promise<void>;
  listNotifications(filter?: NotificationFilter): Promise<StoredNotification[]>;
}
