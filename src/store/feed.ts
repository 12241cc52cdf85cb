import type { StoredRunStatus } from './run-store.js';

/** What changed. */
export type ChangeKind =
  | 'run.created'
  | 'run.status'
  | 'signal.set'
  | 'signal.cleared'
  | 'trigger.added'
  | 'dag.paused'
  | 'dag.unpaused'
  | 'asset.materialized'
  | 'partitions.added'
  | 'backfill.changed';

/**
 * One entry of the store's change feed: a store-wide sequence over runs and scheduler tables,
 * written in the same transaction as the change it describes. A scheduler wakes on it, in this
 * process or another; the API's live stream will resume from a `seq`.
 */
export interface Change {
  /** Rises with every change of the store. */
  readonly seq: number;
  readonly kind: ChangeKind;
  /**
   * The run id (run changes), the signal name (signal changes), the asset URI
   * (`asset.materialized`), the partition set (`partitions.added`), the backfill id
   * (`backfill.changed`), the DAG id (others).
   */
  readonly subject: string;
  /** The run's DAG (run changes), the triggered or paused DAG. */
  readonly dagId?: string;
  /** The run's, the signal's or the materialized partition's period key. */
  readonly periodKey?: string;
  /** The run's status after the change (run changes). */
  readonly status?: StoredRunStatus;
  /** Epoch milliseconds. */
  readonly at: number;
}

/** Options of {@link FeedStore.waitForChange}. */
export interface WaitOptions {
  /** Resolve after this long even without a change. */
  readonly maxWaitMs: number;
  /** Resolve at once when aborted. */
  readonly signal?: AbortSignal;
}

/** The change feed of a store. */
export interface FeedStore {
  /** The latest `seq` (0 for an empty feed). */
  feedHead(): Promise<number>;
  /** Changes with `seq > afterSeq`, oldest first; at most `limit` (default 1,000). */
  changesSince(afterSeq: number, limit?: number): Promise<Change[]>;
  /**
   * Resolve true once the feed has moved past `afterSeq` (a change made through this store, or
   * by another process on the same database); false after `maxWaitMs` or on abort. Cheap to
   * call in a loop: the caller then reads {@link changesSince}.
   */
  waitForChange(afterSeq: number, options: WaitOptions): Promise<boolean>;
}
