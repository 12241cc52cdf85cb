import { invalidArgument, NonRetryableError, TributaryError } from '../errors/index.js';
import type { RetryPolicy } from '../engine/node-spec.js';

/**
 * Delay before attempt `attempt + 1` after attempt `attempt` failed: exponential backoff
 * (`initialDelayMs · backoff^(attempt-1)`, capped at `maxDelayMs`) of which the `jitter`
 * fraction is randomised. `random` is injectable for deterministic tests.
 *
 * @example
 * ```ts
 * retryDelay({ initialDelayMs: 100, backoff: 2, jitter: 0 }, 3); // 400
 * ```
 */
export function retryDelay(
  policy: RetryPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const initial = policy.initialDelayMs ?? 1000;
  const base = Math.min(
    initial * (policy.backoff ?? 2) ** (attempt - 1),
    policy.maxDelayMs ?? 60_000,
  );
  const jitter = policy.jitter ?? 0.5;
  return base * (1 - jitter) + base * jitter * random();
}

/** True when the policy allows another attempt and the error does not forbid one. */
export function shouldRetry(
  policy: RetryPolicy | undefined,
  attempt: number,
  error: Error,
): boolean {
  if (policy === undefined || attempt >= (policy.maxAttempts ?? 1)) return false;
  if (error instanceof NonRetryableError) return false;
  if (error instanceof TributaryError) return error.retryable || error.code === 'TASK_TIMEOUT';
  return true;
}

/** Validate a retry policy at the public boundary; `where` names it in the message. */
export function checkRetryPolicy(policy: RetryPolicy | undefined, where: string): void {
  if (policy === undefined) return;
  const { maxAttempts, initialDelayMs, backoff, maxDelayMs, jitter } = policy;
  if (maxAttempts !== undefined && !(Number.isInteger(maxAttempts) && maxAttempts >= 1)) {
    invalidArgument(`\`${where}.maxAttempts\``, 'an integer >= 1', maxAttempts);
  }
  for (const [key, value] of [
    ['initialDelayMs', initialDelayMs],
    ['maxDelayMs', maxDelayMs],
  ] as const) {
    if (value !== undefined && !(typeof value === 'number' && value >= 0)) {
      invalidArgument(`\`${where}.${key}\``, 'a number >= 0', value);
    }
  }
  if (backoff !== undefined && !(typeof backoff === 'number' && backoff >= 1)) {
    invalidArgument(`\`${where}.backoff\``, 'a number >= 1', backoff);
  }
  if (jitter !== undefined && !(typeof jitter === 'number' && jitter >= 0 && jitter <= 1)) {
    invalidArgument(`\`${where}.jitter\``, 'a number between 0 and 1', jitter);
  }
}
