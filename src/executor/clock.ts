/**
 * The clock of runs: epoch milliseconds with sub-millisecond precision, monotonic within a
 * process (it follows `performance.now()`). Every event of a run, and every entry of its
 * journal, is stamped with it.
 *
 * @example
 * ```ts
 * const at = wallClock(); // e.g. 1764979200123.456
 * ```
 */
export function wallClock(): number {
  return performance.timeOrigin + performance.now();
}
