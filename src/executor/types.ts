import type {
  DynamicModification,
  FailedAttempt,
  ModificationLimits,
  ModificationRecord,
  NodeState,
  RetryPolicy,
  RunEvent,
} from '../engine/index.js';
import type { Period } from '../time/index.js';

/** Structured log sink handed to tasks as `ctx.log`. */
export type TaskLogger = (
  level: 'debug' | 'info' | 'warn' | 'error',
  message: string,
  fields?: Record<string, unknown>,
) => void;

/** What a task function receives. */
export interface TaskContext {
  /** The node's name. */
  readonly node: string;
  readonly runId: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Fires on node timeout, run timeout, cancellation or fail-fast; honour it. */
  readonly signal: AbortSignal;
  /** The node's `input` (dynamic nodes, map items). */
  readonly input: unknown;
  /** Run parameters. */
  readonly params: Readonly<Record<string, unknown>>;
  /**
   * The run's period (the window a scheduled run is for, see `docs/time.md`); undefined for an
   * unpartitioned or in-memory run.
   */
  readonly period: Period | undefined;
  /** Stable across attempts and resumes of the same node in the same run: `<runId>:<node>`. */
  readonly idempotencyKey: string;
  /** The result of a parent (any node of the run that has succeeded). */
  upstream(name: string): unknown;
  /** Results of this node's parents that succeeded, by name. */
  readonly upstreamResults: ReadonlyMap<string, unknown>;
  /** Logs a line of this attempt: kept with the run (durable runs) and sent to the executor's logger. */
  readonly log: TaskLogger;
  /**
   * Modify the running graph from inside the task (add the nodes it discovered, cut a branch),
   * with the same validation, atomicity and audit as an expander; the actor is `task:<node>`.
   * Returns the audit record; throws the rejection (the run is unchanged). In a durable run the
   * modification must be data: registered task names and JSON input.
   */
  modify(modification: DynamicModification<TaskFn | string, Expander | string>): ModificationRecord;
  /**
   * Ask the scheduler for a run of another DAG when this attempt succeeds: the trigger is
   * committed with the attempt's success, and dropped if the attempt fails. Durable runs only
   * (an in-memory run has no store to hand it over through).
   */
  trigger(dag: string, options?: TaskTrigger): void;
  /**
   * Describe the materialization of an asset this node produces (declared with `produces`):
   * its data version and metadata, and its partition when it is not the run's. The asset event
   * is recorded when the attempt succeeds, in the commit that holds the success, and dropped if
   * the attempt fails; a declared asset the task does not describe is recorded with defaults.
   * Durable runs only. `UNKNOWN_ASSET` for an asset the node does not produce.
   */
  materialize(asset: string, details?: Materialization): void;
}

/** What a task tells of an asset it materialized (see {@link TaskContext.materialize}). */
export interface Materialization {
  /**
   * The data version (a content hash, a table's snapshot id, ...): what staleness compares.
   * Default: a hash of `metadata` when there is some, else the event's id.
   */
  readonly dataVersion?: string;
  /** JSON metadata: row counts, paths, sizes. */
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** The partition materialized. Default: the run's period key (`''` unpartitioned). */
  readonly partition?: string;
}

/** A run a task asks for (see {@link TaskContext.trigger}). */
export interface TaskTrigger {
  /** The period of the run. Default: this run's period (none for an unpartitioned run). */
  readonly period?: string;
  /** Its identity key. Default `''` for a period; for an unpartitioned DAG, one per firing node. */
  readonly key?: string;
  /** Its params (JSON), over the DAG's defaults. */
  readonly params?: Readonly<Record<string, unknown>>;
}

/** A task: sync or async, with or without using its context. */
export type TaskFn = (ctx: TaskContext) => unknown;

/**
 * Called after a node succeeds, with its name and result; returns a modification of the run
 * (or nothing). Applied atomically before any dependent of the node can become ready.
 */
export type Expander = (
  name: string,
  result: unknown,
  ctx: TaskContext,
) =>
  | DynamicModification<TaskFn | string, Expander | string>
  | undefined
  | void
  | Promise<DynamicModification<TaskFn | string, Expander | string> | undefined | void>;

/** Middleware around every task attempt (logging, tracing, metrics). Call `next()` once. */
export type Interceptor = (ctx: TaskContext, next: () => Promise<unknown>) => Promise<unknown>;

/** Lifecycle hooks; all synchronous and optional. */
export interface ExecutorHooks {
  onEvent?(event: RunEvent): void;
  onTransition?(node: string, from: NodeState, to: NodeState): void;
  onModification?(record: ModificationRecord): void;
}

/** Options shared by `DAGExecutor` and `DynamicExecutor`. */
export interface ExecutorOptions {
  /** Tasks running at once. Default 4 (dagron's default worker count). */
  readonly maxWorkers?: number;
  /** Expanders by exact node name. */
  readonly expanders?: Readonly<Record<string, Expander>> | ReadonlyMap<string, Expander>;
  /** Expanders by pattern, tried in order when no exact-name expander exists. */
  readonly patternExpanders?: readonly { readonly pattern: RegExp; readonly expander: Expander }[];
  /** Default retry policy for every node (a node's own policy wins). */
  readonly retry?: RetryPolicy;
  /** Default per-attempt timeout for every node, in ms. */
  readonly nodeTimeoutMs?: number;
  /** Deadline for the whole run, in ms: running nodes end `timed_out`, the rest `cancelled`. */
  readonly timeoutMs?: number;
  /**
   * Cancel everything after the first failure of a critical node, except cleanup nodes
   * (`cleanup: true`): those still run once their parents are done.
   */
  readonly failFast?: boolean;
  readonly limits?: ModificationLimits;
  readonly interceptors?: readonly Interceptor[];
  readonly hooks?: ExecutorHooks;
  readonly logger?: TaskLogger;
}

/** Options of one `execute` call. */
export interface ExecuteOptions {
  /** Aborting it cancels the run: running nodes' signals fire, everything unfinished ends `cancelled`. */
  readonly signal?: AbortSignal;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly runId?: string;
}

/** One node's outcome. Times are epoch milliseconds with sub-millisecond precision. */
export interface NodeResult {
  readonly status: NodeState;
  readonly result: unknown;
  /**
   * The final attempt's error. Undefined for a node that succeeded, even after failed attempts
   * (those are in `attemptErrors`).
   */
  readonly error: Error | undefined;
  /**
   * Every failed attempt, oldest first, with its own start, end, error and timeout flag; empty
   * when no attempt failed. For a node that failed for good, its final failure is the last one.
   */
  readonly attemptErrors: readonly FailedAttempt[];
  /**
   * The final attempt's own duration, from its start to its end: time spent waiting for a retry,
   * and the downtime of a crashed process before a resume, are not in it. 0 for a node that
   * never started.
   */
  readonly durationMs: number;
  readonly attempts: number;
  /** When the first attempt started. */
  readonly startedAt: number | undefined;
  readonly finishedAt: number | undefined;
}
