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
  // `timeOrigin` is a getter that costs on every call; it is constant for one `performance`
  // object, so it is read again only if the global is replaced (fake timers do that).
  const perf = performance;
  if (perf !== clockOf) {
    clockOf = perf;
    origin = perf.timeOrigin;
  }
  return origin + perf.now();
}

let clockOf: typeof performance | undefined;
let origin = 0;
