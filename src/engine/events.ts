import type { DynamicModification } from './modification.js';

/**
 * The inputs of the run state machine, and so the records of the journal. Everything else
 * (readiness, skips, upstream failures, run status) is derived from them deterministically:
 * replaying the same events yields the same state. Times are epoch milliseconds.
 */
export type RunEvent =
  | {
      readonly type: 'task_started';
      readonly node: string;
      readonly attempt: number;
      readonly at: number;
    }
  | {
      readonly type: 'task_succeeded';
      readonly node: string;
      readonly attempt: number;
      readonly at: number;
      readonly result: unknown;
      /** The node's expander output, applied atomically with the success. */
      readonly modification?: DynamicModification;
    }
  | {
      readonly type: 'task_failed';
      readonly node: string;
      readonly attempt: number;
      readonly at: number;
      readonly error: Error;
      /** When set, the node waits in `retrying` and is due again at this time. */
      readonly retryAt?: number;
      readonly timedOut?: boolean;
    }
  | { readonly type: 'task_retry_due'; readonly node: string; readonly at: number }
  /** The attempt's process died (found on resume); the node runs again as a new attempt. */
  | {
      readonly type: 'task_interrupted';
      readonly node: string;
      readonly attempt: number;
      readonly at: number;
    }
  | {
      readonly type: 'graph_modified';
      readonly at: number;
      readonly actor: string;
      readonly modification: DynamicModification;
    }
  | { readonly type: 'run_cancelled'; readonly at: number; readonly reason: CancelReason };

/** Why a run stopped early: by request, by its deadline, or by fail-fast after a failure. */
export type CancelReason = 'cancelled' | 'timeout' | 'fail_fast';

/** One of the {@link RunEvent} type strings. */
export type RunEventType = RunEvent['type'];
