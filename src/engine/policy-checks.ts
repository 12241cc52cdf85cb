import { invalidArgument } from '../errors/index.js';
import type { RetryPolicy } from './node-spec.js';

/** The longest delay a Node.js timer honours; longer ones would fire after 1 ms. */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * A timeout or delay in milliseconds: a finite number in (0, 2^31 − 1] (`orZero` allows 0).
 *
 * @example
 * ```ts
 * checkDuration('`timeoutMs`', 5000); // ok
 * checkDuration('`timeoutMs`', Infinity); // throws INVALID_ARGUMENT
 * ```
 */
export function checkDuration(what: string, value: unknown, orZero = false): void {
  if (value === undefined) return;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (orZero ? value >= 0 : value > 0) &&
    value <= MAX_TIMER_MS;
  if (!ok)
    invalidArgument(
      what,
      `a number of milliseconds ${orZero ? '>= 0' : '> 0'} and <= ${MAX_TIMER_MS}`,
      value,
    );
}

/**
 * Validate a retry policy at the public boundary; `where` names it in the message.
 *
 * @example
 * ```ts
 * checkRetryPolicy({ maxAttempts: 3, initialDelayMs: 100 }, 'retry');
 * ```
 */
export function checkRetryPolicy(
  policy: unknown,
  where: string,
): asserts policy is RetryPolicy | undefined {
  if (policy === undefined) return;
  if (typeof policy !== 'object' || policy === null)
    invalidArgument(`\`${where}\``, 'a retry policy object', policy);
  const { maxAttempts, initialDelayMs, backoff, maxDelayMs, jitter } = policy as RetryPolicy;
  if (maxAttempts !== undefined && !(Number.isInteger(maxAttempts) && maxAttempts >= 1)) {
    invalidArgument(`\`${where}.maxAttempts\``, 'an integer >= 1', maxAttempts);
  }
  checkDuration(`\`${where}.initialDelayMs\``, initialDelayMs, true);
  checkDuration(`\`${where}.maxDelayMs\``, maxDelayMs, true);
  if (
    backoff !== undefined &&
    !(typeof backoff === 'number' && Number.isFinite(backoff) && backoff >= 1)
  ) {
    invalidArgument(`\`${where}.backoff\``, 'a finite number >= 1', backoff);
  }
  if (jitter !== undefined && !(typeof jitter === 'number' && jitter >= 0 && jitter <= 1)) {
    invalidArgument(`\`${where}.jitter\``, 'a number between 0 and 1', jitter);
  }
}
