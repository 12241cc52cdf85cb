import { invalidArgument, type ErrorContext } from '../errors/index.js';
import type { RetryPolicy } from './node-spec.js';

/** The longest delay a Node.js timer honours; longer ones would fire after 1 ms. */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * A timeout or delay in milliseconds: a finite number in (0, 2^31 − 1] (`orZero` allows 0).
 * `context` goes into the error's context.
 *
 * @example
 * ```ts
 * checkDuration('`timeoutMs`', 5000); // ok
 * checkDuration('`timeoutMs`', Infinity); // throws INVALID_ARGUMENT
 * ```
 */
export function checkDuration(
  what: string,
  value: unknown,
  orZero = false,
  context?: ErrorContext,
): void {
  if (value === undefined) return;
  if (!isDuration(value, orZero))
    invalidArgument(
      what,
      `a number of milliseconds ${orZero ? '>= 0' : '> 0'} and <= ${MAX_TIMER_MS}`,
      value,
      context,
    );
}

/**
 * Validate a retry policy at the public boundary; `where` names it in the message. With `node`,
 * messages say which node's policy it is (`` `retry.jitter` of node "a" ``) and the error's
 * context carries `node` and `field`.
 *
 * @example
 * ```ts
 * checkRetryPolicy({ maxAttempts: 3, initialDelayMs: 100 }, 'retry');
 * checkRetryPolicy({ jitter: 2 }, 'retry', 'a'); // Expected `retry.jitter` of node "a" to be ...
 * ```
 */
export function checkRetryPolicy(
  policy: unknown,
  where: string,
  node?: string,
): asserts policy is RetryPolicy | undefined {
  if (policy === undefined) return;
  const bad = (field: string, expected: string, value: unknown): never => {
    const path = field === '' ? where : `${where}.${field}`;
    return invalidArgument(
      node === undefined ? `\`${path}\`` : `\`${path}\` of node "${node}"`,
      expected,
      value,
      node === undefined ? undefined : { node, field: path },
    );
  };
  if (typeof policy !== 'object' || policy === null) bad('', 'a retry policy object', policy);
  const { maxAttempts, initialDelayMs, backoff, maxDelayMs, jitter } = policy as RetryPolicy;
  if (maxAttempts !== undefined && !(Number.isInteger(maxAttempts) && maxAttempts >= 1)) {
    bad('maxAttempts', 'an integer >= 1', maxAttempts);
  }
  for (const [field, value] of [
    ['initialDelayMs', initialDelayMs],
    ['maxDelayMs', maxDelayMs],
  ] as const) {
    if (value !== undefined && !isDuration(value, true))
      bad(field, `a number of milliseconds >= 0 and <= ${MAX_TIMER_MS}`, value);
  }
  if (
    backoff !== undefined &&
    !(typeof backoff === 'number' && Number.isFinite(backoff) && backoff >= 1)
  ) {
    bad('backoff', 'a finite number >= 1', backoff);
  }
  if (jitter !== undefined && !(typeof jitter === 'number' && jitter >= 0 && jitter <= 1)) {
    bad('jitter', 'a number between 0 and 1', jitter);
  }
}

function isDuration(value: unknown, orZero: boolean): boolean {
  return (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (orZero ? value >= 0 : value > 0) &&
    value <= MAX_TIMER_MS
  );
}
