import { invalidArgument } from '../errors/index.js';

/**
 * Check the bounds of a range of instants at the public boundary.
 *
 * @throws `INVALID_ARGUMENT` quoting the value, when a bound is not a number or `from > to`.
 * @example
 * ```ts
 * checkRange(0, 1); // fine
 * checkRange(1, 0); // throws INVALID_ARGUMENT
 * ```
 */
export function checkRange(from: number, to: number): void {
  checkInstant('`from`', from);
  checkInstant('`to`', to);
  if (from > to) invalidArgument('`from`', `at most \`to\` (${to})`, from);
}

/**
 * Check that an instant is a number of epoch milliseconds (not NaN).
 *
 * @throws `INVALID_ARGUMENT` quoting the value.
 * @example
 * ```ts
 * checkInstant('`instant`', Date.UTC(2026, 0, 1)); // fine
 * ```
 */
export function checkInstant(what: string, instant: unknown): asserts instant is number {
  if (typeof instant !== 'number' || Number.isNaN(instant)) {
    invalidArgument(what, 'epoch milliseconds (a number)', instant);
  }
}
