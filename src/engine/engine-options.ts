import type { RunGraph } from '../graph/index.js';
import type { RunEvent } from './events.js';
import type { ModificationLimits, ModificationRecord } from './modification.js';
import type { TaskRegistry } from './modification-rules.js';
import type { NodeState } from './node-state.js';
import type { EdgeSpec, NodeSpec } from './node-spec.js';

/** Final (or current) status of a run. */
export type RunStatus = 'running' | 'succeeded' | 'partially_succeeded' | 'failed' | 'cancelled';

/** Options of the state machine. */
export interface EngineOptions {
  readonly limits?: ModificationLimits;
  /**
   * Cancel everything after the first failure of a critical node, except cleanup nodes
   * (`NodeSpec.cleanup`): those still run once their parents are done.
   */
  readonly failFast?: boolean;
  /** Durable runs: modifications must be data only (see `checkSerializable`). */
  readonly requireSerializable?: boolean;
  /**
   * The names the run can resolve. When given, a modification that adds a node whose task (its
   * `task` name, or its own name without one) or named expander is not registered is rejected
   * when it is made: `TASK_NOT_FOUND` or `EXPANDER_NOT_FOUND`.
   */
  readonly registry?: TaskRegistry;
  /**
   * Nodes that wait for a condition instead of running (sensors): the reason a node waits, or
   * undefined for a node that runs. Such a node goes `ready → waiting` (a `node_waiting` event)
   * when it is its turn to start, and holds no worker slot; a `wait_ended` event ends it.
   */
  readonly waitReason?: (spec: NodeSpec) => string | undefined;
}

/** Observers of the state machine; all optional, all synchronous. */
export interface EngineObserver {
  /** After every applied input event: the journal hooks in here. */
  onEvent?(event: RunEvent): void;
  /** Every node state change, derived ones included. */
  onTransition?(id: number, from: NodeState, to: NodeState): void;
  /**
   * A running node ended by the engine itself: the run was cancelled, timed out or stopped by
   * fail-fast (`to` is `cancelled` or `timed_out`). The executor aborts the attempt here; it
   * needs no per-transition call for that.
   */
  onStopped?(id: number, to: NodeState): void;
  /** Every modification, applied or rejected: the audit trail. */
  onModification?(record: ModificationRecord): void;
}

/** The graph type the engine drives. */
export type EngineGraph = RunGraph<NodeSpec, EdgeSpec>;
