import type { StoredRunStatus } from './run-store.js';
import type { Fenced } from './scheduler-state.js';

/**
 * Backfills as the store keeps them: a durable object (its request, its state) and its plan,
 * one row per (DAG, period) it covers, in the order runs are made. The plan is written once,
 * whole, in one transaction with the backfill: a backfill is never half planned. The scheduler
 * makes the runs (run key `backfill:<id>`); `createRun(record, { backfill })` records the run
 * on its plan row in the same transaction, so after a crash the plan says which runs exist.
 */

/** Where a backfill is: going, or ended (each final state is final). */
export type BackfillState = 'running' | 'succeeded' | 'failed' | 'cancelled';

/** A backfill to create. */
export interface NewBackfill {
  /** `bf-` and a unique suffix. */
  readonly id: string;
  /** The DAG whose range was asked for (the plan may cover its downstream DAGs too). */
  readonly dagId: string;
  /** JSON text of the request: range, propagation, concurrency, order, re-run policy. */
  readonly spec: string;
  /** `cli:<user>`, `api:<user>`, `lib`. */
  readonly createdBy: string;
  /** Epoch milliseconds. */
  readonly at: number;
}

/** One (DAG, period) of a backfill's plan. */
export interface BackfillPartitionPlan {
  readonly dagId: string;
  readonly periodKey: string;
  /** Position in the order runs are made (0 first), unique within the backfill. */
  readonly ord: number;
  /**
   * `planned`: a run will be made for it; `skipped`: the period had already succeeded and the
   * backfill does not re-run succeeded periods.
   */
  readonly state: 'planned' | 'skipped';
}

/** A plan row as stored, with its run once one is made. */
export interface StoredBackfillPartition extends BackfillPartitionPlan {
  readonly runId?: string;
  /** The run's current status (read with the row). */
  readonly runStatus?: StoredRunStatus;
}

/** A backfill as stored. */
export interface StoredBackfill extends NewBackfill {
  readonly state: BackfillState;
  readonly updatedAt: number;
  readonly finishedAt?: number;
  /**
   * Plan rows by where they are: `skipped`, `planned` (no run yet), and each run status of the
   * rows that have a run (`queued`, `running`, `succeeded`, ...).
   */
  readonly counts: Readonly<Record<string, number>>;
}

/** Which backfills {@link BackfillStore.listBackfills} returns. */
export interface BackfillFilter {
  readonly dagId?: string;
  readonly state?: BackfillState;
  /** Newest first; default 50. */
  readonly limit?: number;
}

/** The backfills table and its plans. Each write also writes a `backfill.changed` feed entry. */
export interface BackfillStore {
  /**
   * Create a backfill with its whole plan, in one transaction, state `running`.
   * `BACKFILL_EXISTS` when the id is taken (nothing written).
   */
  createBackfill(backfill: NewBackfill, plan: readonly BackfillPartitionPlan[]): Promise<void>;
  getBackfill(id: string): Promise<StoredBackfill | undefined>;
  listBackfills(filter?: BackfillFilter): Promise<StoredBackfill[]>;
  /** A backfill's plan rows in `ord` order (`BACKFILL_NOT_FOUND` for an unknown id). */
  backfillPartitions(id: string): Promise<StoredBackfillPartition[]>;
  /**
   * Move a running backfill to a final state (`finishedAt` = `at`); false, and nothing
   * written, when it had already ended. `BACKFILL_NOT_FOUND` for an unknown id.
   */
  finishBackfill(
    id: string,
    state: Exclude<BackfillState, 'running'>,
    at: number,
    fenced?: Fenced,
  ): Promise<boolean>;
}
