import type { TriggerRule } from './trigger-rules.js';

/** How a failed attempt is retried: exponential backoff with full jitter, capped. */
export interface RetryPolicy {
  /** Total attempts, the first included (1 = no retry). Default 1. */
  readonly maxAttempts?: number;
  /** Delay before the second attempt, in ms. Default 1000. */
  readonly initialDelayMs?: number;
  /** Growth factor per attempt. Default 2. */
  readonly backoff?: number;
  /** Upper bound on one delay, in ms. Default 60_000. */
  readonly maxDelayMs?: number;
  /** Fraction of each delay that is randomised (0 = none, 1 = full jitter). Default 0.5. */
  readonly jitter?: number;
}

/**
 * Everything the engine and executor know about one node. `T` is the task reference: a
 * function for in-memory runs, a registered task name for durable ones; `X` likewise for an
 * expander.
 */
export interface NodeSpec<T = unknown, X = unknown> {
  readonly name: string;
  readonly task?: T;
  /** JSON-serializable input handed to the task as `ctx.input`. */
  readonly input?: unknown;
  readonly triggerRule?: TriggerRule;
  /** A failed non-critical node makes the run `partially_succeeded` instead of `failed`. Default true. */
  readonly critical?: boolean;
  /**
   * A cleanup (teardown) node: it runs whatever happened upstream (its rule defaults to
   * `all_done`), it is never critical (its failure makes the run at most `partially_succeeded`),
   * and fail-fast does not cancel it: it still runs once its parents are done. An explicit
   * cancellation or the run's timeout does cancel it. Default false.
   */
  readonly cleanup?: boolean;
  /** Higher runs first among ready nodes. Default 0. */
  readonly priority?: number;
  readonly retry?: RetryPolicy;
  /** Per-attempt timeout in ms; the task's AbortSignal fires and the node ends `timed_out`. */
  readonly timeoutMs?: number;
  /** Called with the node's result once it succeeds; returns a modification of the run. */
  readonly expander?: X;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** A predicate on the parent's result that gates an edge. */
export type EdgeCondition = (result: unknown) => boolean;

/** Data on an edge of a run graph. */
export interface EdgeSpec {
  readonly condition?: EdgeCondition;
  readonly label?: string;
}

/**
 * The rule that decides a node's readiness: its own, else `all_done` for a cleanup node, else
 * `all_success`.
 *
 * @example
 * ```ts
 * triggerRuleOf({ name: 'drop_tmp', cleanup: true }); // 'all_done'
 * ```
 */
export function triggerRuleOf(spec: NodeSpec): TriggerRule {
  return spec.triggerRule ?? (spec.cleanup === true ? 'all_done' : 'all_success');
}

/**
 * True when the node's failure fails the run: not marked `critical: false`, and not a cleanup
 * node.
 *
 * @example
 * ```ts
 * isCritical({ name: 'load' }); // true
 * isCritical({ name: 'drop_tmp', cleanup: true }); // false
 * ```
 */
export function isCritical(spec: NodeSpec): boolean {
  return spec.critical !== false && spec.cleanup !== true;
}
