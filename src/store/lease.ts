import { TributaryError } from '../errors/index.js';

/**
 * Ownership of something that only one process may drive at a time: a run today, the scheduler
 * role and failover later. A lease is held by one `owner` until `expiresAt` (epoch ms, the
 * store's clock) unless the owner renews it (a heartbeat). `fence` rises by one with every new
 * holder and never goes back, even after a release: every write an owner makes carries its
 * fence, and the store refuses a write whose fence is not the current one (`LEASE_LOST`). So an
 * owner that stalled, lost its lease and woke up again can no longer change anything.
 */
export interface Lease {
  readonly key: string;
  readonly owner: string;
  readonly fence: number;
  readonly expiresAt: number;
}

/** The outcome of {@link LeaseStore.acquireLease}. */
export type LeaseAttempt =
  | { readonly acquired: true; readonly lease: Lease }
  /** Another owner holds an unexpired lease. */
  | { readonly acquired: false; readonly holder: Lease };

/**
 * The one ownership mechanism of every store. Each method is one atomic operation.
 *
 * @example
 * ```ts
 * const attempt = await store.acquireLease(runLeaseKey(runId), owner, 30_000);
 * if (attempt.acquired) await store.renewLease(attempt.lease, 30_000);
 * ```
 */
export interface LeaseStore {
  /**
   * Take the lease on `key` for `ttlMs` when nobody holds it, its holder released it, it
   * expired, `force` is set, or its fence is still `ifFence` (take over from a holder known to
   * be gone, unless someone else took over first); the fence rises by one. Otherwise report
   * the holder.
   */
  acquireLease(
    key: string,
    owner: string,
    ttlMs: number,
    options?: { readonly force?: boolean; readonly ifFence?: number },
  ): Promise<LeaseAttempt>;
  /** Extend a held lease by `ttlMs` from now; `LEASE_LOST` when another owner took it since. */
  renewLease(lease: Lease, ttlMs: number): Promise<Lease>;
  /** Give the lease up (the fence stays); a lease already lost is left alone. */
  releaseLease(lease: Lease): Promise<void>;
  /** The current holder of `key`, if any holds it (expired or not). */
  getLease(key: string): Promise<Lease | undefined>;
}

/** Default lease time: an owner renews every third of it. */
export const DEFAULT_LEASE_MS = 30_000;

/** The lease key of a run: its owner holds it while it drives the run. */
export function runLeaseKey(runId: string): string {
  return `run:${runId}`;
}

/** `LEASE_LOST`: `key` is now held by fence `current` (or nobody), not by `fence`. */
export function leaseLost(key: string, fence: number, current: number | undefined): TributaryError {
  return new TributaryError(
    'LEASE_LOST',
    current === undefined
      ? `The lease on "${key}" (fence ${fence}) is no longer held: it was released or taken over`
      : `The lease on "${key}" was taken over (fence ${fence} is now ${current}): another owner drives it`,
    { context: { key, fence, current } },
  );
}
