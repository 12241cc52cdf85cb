import type { DynamicModification } from './modification.js';
import type { NodeState } from './node-state.js';

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
      /**
       * The node whose task made the change (`ctx.modify`), if one did: the nodes it adds are
       * one expansion level deeper than it, as an expander's are.
       */
      readonly origin?: string;
    }
  | { readonly type: 'run_cancelled'; readonly at: number; readonly reason: CancelReason }
  /**
   * A node that waits for a condition instead of running (a sensor) began waiting: `ready →
   * waiting`, as its next attempt. It holds no worker slot.
   */
  | {
      readonly type: 'node_waiting';
      readonly node: string;
      readonly at: number;
      /** What it waits for, for people: `run of sales for 2026-12-05 (succeeded)`. */
      readonly reason: string;
    }
  /** A waiting node's wait is over: its condition was met, it timed out or it cannot be met. */
  | {
      readonly type: 'wait_ended';
      readonly node: string;
      readonly at: number;
      readonly outcome: 'succeeded' | 'failed' | 'skipped';
      /** What a met condition hands the node's children (a succeeded outcome). */
      readonly result?: unknown;
      /** Why it failed or was skipped. */
      readonly error?: Error;
    }
  /**
   * A clear: each listed node that had finished goes back to `pending` and runs again as its
   * next attempt once its parents are done; what it did before stays in the journal. A run
   * stopped early is no longer stopped once no node it cancelled stays cancelled.
   */
  | {
      readonly type: 'nodes_cleared';
      readonly at: number;
      readonly actor: string;
      readonly nodes: readonly string[];
      readonly reason?: string;
    }
  /**
   * A node set to an outcome by hand. A finished node is first reopened, together with the
   * nodes below it that its outcome settled without running them (`upstream_failed`, or
   * `skipped` by a trigger rule), so they are decided again from the new outcome.
   */
  | {
      readonly type: 'node_marked';
      readonly node: string;
      readonly at: number;
      readonly actor: string;
      readonly state: MarkState;
      /** The result a node marked `succeeded` hands its children. */
      readonly result?: unknown;
      readonly reason?: string;
    };

/** The outcomes a node can be marked with by hand. */
export type MarkState = 'succeeded' | 'failed' | 'skipped';

/** Why a run stopped early: by request, by its deadline, or by fail-fast after a failure. */
export type CancelReason = 'cancelled' | 'timeout' | 'fail_fast';

/** One of the {@link RunEvent} type strings. */
export type RunEventType = RunEvent['type'];

/** The {@link RunEvent}s about one node (all but `graph_modified`, `run_cancelled` and `nodes_cleared`). */
export type NodeEvent = Extract<RunEvent, { readonly node: string }>;

/**
 * The state a journaled input event puts its node into: the one mapping from events to node
 * states, used by the engine itself and by anything that reads a journal without an engine
 * (run views, audit logs). Undefined for events that are not about one node.
 *
 * - `task_started` → `running`
 * - `task_succeeded` → `succeeded`; but when the event carries a modification and the engine
 *   rejects it, the node ends `failed` instead (the rejected modification record says so, and
 *   `onTransition` reports `running → failed`)
 * - `task_failed` → `retrying` when it carries `retryAt`, else `timed_out` when `timedOut`,
 *   else `failed`
 * - `task_retry_due`, `task_interrupted` → `ready`
 * - `node_marked` → the state it names
 * - `node_waiting` → `waiting`; `wait_ended` → its outcome
 *
 * @example
 * ```ts
 * eventNodeState({ type: 'task_failed', node: 'a', attempt: 1, at: 5, error, retryAt: 60 }); // 'retrying'
 * eventNodeState({ type: 'run_cancelled', at: 5, reason: 'cancelled' }); // undefined
 * ```
 */
export function eventNodeState(event: NodeEvent): NodeState;
export function eventNodeState(event: RunEvent): NodeState | undefined;
export function eventNodeState(event: RunEvent): NodeState | undefined {
  switch (event.type) {
    case 'task_started':
      return 'running';
    case 'task_succeeded':
      return 'succeeded';
    case 'task_failed':
      if (event.retryAt !== undefined) return 'retrying';
      return event.timedOut === true ? 'timed_out' : 'failed';
    case 'task_retry_due':
    case 'task_interrupted':
      return 'ready';
    case 'node_marked':
      return event.state;
    case 'node_waiting':
      return 'waiting';
    case 'wait_ended':
      return event.outcome;
    case 'graph_modified':
    case 'run_cancelled':
    case 'nodes_cleared':
      return undefined;
  }
}
