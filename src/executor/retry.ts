import { NonRetryableError, TributaryError } from '../errors/index.js';
import type { RetryPolicy } from '../engine/index.js';

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
