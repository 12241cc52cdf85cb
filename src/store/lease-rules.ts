import type { Lease, LeaseAttempt } from './lease.js';
import { leaseLost } from './lease.js';

/**
 * The lease rules every backend applies, as pure functions of the stored row (`owner` '' marks a
 * released lease that keeps its fence). A backend reads the row, calls one of these and writes
 * the result in the same transaction.
 */

/** Who holds `key` after `owner` asks for it at `now`. */
export function nextHolder(
  current: Lease | undefined,
  key: string,
  owner: string,
  ttlMs: number,
  now: number,
  options: { readonly force?: boolean; readonly ifFence?: number },
): LeaseAttempt {
  const free = current === undefined || current.owner === '' || current.expiresAt <= now;
  const allowed =
    free ||
    options.force === true ||
    (options.ifFence !== undefined && current.fence === options.ifFence);
  if (!allowed) return { acquired: false, holder: current };
  return {
    acquired: true,
    lease: { key, owner, fence: (current?.fence ?? 0) + 1, expiresAt: now + ttlMs },
  };
}

/** `lease` extended to `now + ttlMs`, or `LEASE_LOST` when the stored row is not it anymore. */
export function renewed(
  current: Lease | undefined,
  lease: Lease,
  ttlMs: number,
  now: number,
): Lease {
  if (current === undefined || current.fence !== lease.fence || current.owner !== lease.owner)
    throw leaseLost(lease.key, lease.fence, current?.owner === '' ? undefined : current?.fence);
  return { ...current, expiresAt: now + ttlMs };
}
