/**
 * Trigger rules decide when a node may run from the outcomes of its incoming edges (Airflow's
 * set, with Airflow's semantics: `airflow/ti_deps/deps/trigger_rule_dep.py`). An edge's outcome
 * is its parent's outcome, except that a succeeded parent whose edge condition returns false
 * counts as `skipped` for that edge (and one whose condition throws as `failed`).
 *
 * | rule | ready when | skipped when | upstream_failed when |
 * | --- | --- | --- | --- |
 * | all_success | every edge succeeded | any edge skipped | any edge failed |
 * | all_failed | every edge failed | any edge succeeded or skipped | — |
 * | all_done | every edge is done | — | — |
 * | all_done_min_one_success | all done, none skipped, one succeeded | any edge skipped (early) | all done, none skipped, none succeeded |
 * | all_skipped | every edge skipped | any edge succeeded or failed (early) | — |
 * | one_success | one edge succeeded (early) | all done, none succeeded, none failed | all done, none succeeded, one failed |
 * | one_failed | one edge failed (early) | all done, none failed | — |
 * | one_done | one edge succeeded or ran and failed (early) | all done, none succeeded or ran and failed | — |
 * | none_failed | all done, none failed | — | any edge failed |
 * | none_failed_min_one_success | all done, none failed, one succeeded | all done, none failed or succeeded | any edge failed |
 * | none_skipped | all done, none skipped | any edge skipped | — |
 * | always | at once, without waiting for parents | — | — |
 *
 * "failed" covers failed, timed_out, cancelled and upstream_failed parents. "Ran and failed"
 * (one_done only, as Airflow counts `failed` but not `upstream_failed` there) leaves out the
 * upstream_failed and cancelled parents: they never reached an outcome of their own. A node
 * without parents is ready at once under every rule.
 */
export const TriggerRule = {
  all_success: 'all_success',
  all_failed: 'all_failed',
  all_done: 'all_done',
  all_done_min_one_success: 'all_done_min_one_success',
  all_skipped: 'all_skipped',
  one_success: 'one_success',
  one_failed: 'one_failed',
  one_done: 'one_done',
  none_failed: 'none_failed',
  none_failed_min_one_success: 'none_failed_min_one_success',
  none_skipped: 'none_skipped',
  always: 'always',
} as const;

/** One of the {@link TriggerRule} strings. */
export type TriggerRule = (typeof TriggerRule)[keyof typeof TriggerRule];

/** Counts of a node's incoming edges by outcome. */
export interface EdgeCounts {
  readonly total: number;
  readonly succeeded: number;
  /** Failed edges: failed, timed_out, cancelled and upstream_failed parents (and throwing conditions). */
  readonly failed: number;
  readonly skipped: number;
  /** The failed edges whose parent never reached an outcome of its own (upstream_failed, cancelled). */
  readonly upstreamFailed: number;
}

/** What a trigger rule says about a node right now. */
export type Decision = 'wait' | 'ready' | 'skipped' | 'upstream_failed';

/**
 * Apply a trigger rule. Pure, O(1).
 *
 * @example
 * ```ts
 * decide('all_success', { total: 2, succeeded: 1, failed: 1, skipped: 0, upstreamFailed: 0 }); // 'upstream_failed'
 * ```
 */
export function decide(rule: TriggerRule, c: EdgeCounts): Decision {
  if (c.total === 0) return 'ready';
  const done = c.succeeded + c.failed + c.skipped === c.total;
  switch (rule) {
    case 'all_success':
      if (c.failed > 0) return 'upstream_failed';
      if (c.skipped > 0) return 'skipped';
      return c.succeeded === c.total ? 'ready' : 'wait';
    case 'all_failed':
      if (c.succeeded > 0 || c.skipped > 0) return 'skipped';
      return c.failed === c.total ? 'ready' : 'wait';
    case 'all_done':
      return done ? 'ready' : 'wait';
    case 'all_done_min_one_success':
      // Airflow counts a skipped parent as not done here: any skip skips the node at once.
      if (c.skipped > 0) return 'skipped';
      if (!done) return 'wait';
      return c.succeeded > 0 ? 'ready' : 'upstream_failed';
    case 'all_skipped':
      if (c.succeeded > 0 || c.failed > 0) return 'skipped';
      return c.skipped === c.total ? 'ready' : 'wait';
    case 'one_success':
      if (c.succeeded > 0) return 'ready';
      if (!done) return 'wait';
      return c.failed > 0 ? 'upstream_failed' : 'skipped';
    case 'one_failed':
      if (c.failed > 0) return 'ready';
      return done ? 'skipped' : 'wait';
    case 'one_done':
      if (c.succeeded + c.failed - c.upstreamFailed > 0) return 'ready';
      return done ? 'skipped' : 'wait';
    case 'none_failed':
      if (c.failed > 0) return 'upstream_failed';
      return done ? 'ready' : 'wait';
    case 'none_failed_min_one_success':
      if (c.failed > 0) return 'upstream_failed';
      if (!done) return 'wait';
      return c.succeeded > 0 ? 'ready' : 'skipped';
    case 'none_skipped':
      if (c.skipped > 0) return 'skipped';
      return done ? 'ready' : 'wait';
    case 'always':
      return 'ready';
  }
}

const RULES: ReadonlySet<string> = new Set(Object.values(TriggerRule));

/** Type guard for a trigger rule name. @example `isTriggerRule('all_done') // true` */
export function isTriggerRule(value: unknown): value is TriggerRule {
  return typeof value === 'string' && RULES.has(value);
}

/**
 * An edge condition's verdict on its parent's result. A condition that throws counts as a failed
 * edge (the child sees an upstream failure) instead of breaking the engine mid-transition.
 * Conditions must be pure: replay evaluates them again.
 *
 * @example
 * ```ts
 * edgeOutcome((r) => (r as number) > 100, 7); // 'skipped'
 * ```
 */
export function edgeOutcome(
  condition: (result: unknown) => boolean,
  result: unknown,
): 'succeeded' | 'skipped' | 'failed' {
  try {
    return condition(result) ? 'succeeded' : 'skipped';
  } catch {
    return 'failed';
  }
}
