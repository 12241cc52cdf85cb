/**
 * One failed attempt of a node: its own start and end, its error and whether it timed out.
 * The engine keeps these per node (`RunEngine.failedAttemptsOf`), oldest first; only nodes that
 * fail pay for a list. An attempt lost with a crashed process (`task_interrupted`) did not fail
 * and leaves no entry; a success whose modification was rejected did fail and leaves one.
 *
 * @example
 * ```ts
 * for (const { attempt, error } of engine.failedAttemptsOf(id)) console.log(attempt, error.message);
 * ```
 */
export interface FailedAttempt {
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** When this attempt started, epoch ms. */
  readonly startedAt: number;
  /** When it failed, epoch ms. */
  readonly finishedAt: number;
  readonly error: Error;
  /** It ended because it hit its timeout. */
  readonly timedOut: boolean;
}

/**
 * The failed attempts of a node that has none: one shared, frozen empty list, so nodes that
 * never fail cost no allocation.
 *
 * @example
 * ```ts
 * engine.failedAttemptsOf(id) === NO_FAILED_ATTEMPTS; // true for a node that never failed
 * ```
 */
export const NO_FAILED_ATTEMPTS: readonly FailedAttempt[] = Object.freeze([]);
