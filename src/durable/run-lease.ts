import { TributaryError } from '../errors/index.js';
import {
  DEFAULT_LEASE_MS,
  runLeaseKey,
  type Lease,
  type LeaseAttempt,
  type LeaseStore,
  type RunStore,
} from '../store/index.js';
import { isOwnerAlive, newOwnerId } from './owner.js';

/** How a session takes a run's lease. */
export interface TakeRunOptions {
  /** Take the lease even from a live-looking owner (another host, a reused pid). */
  readonly force?: boolean;
  readonly leaseMs?: number;
}

/**
 * Take the lease of a run for a new session. A lease that is free, released or expired is
 * taken; one held by a process of this host that is gone is taken over, but only from that
 * holder (two resumers of one crashed run: one wins); one held by a live owner is `RUN_ACTIVE`
 * unless `force`.
 */
export async function takeRun(
  store: RunStore,
  runId: string,
  options: TakeRunOptions = {},
): Promise<Lease> {
  const attempt = await takeLease(
    store,
    runLeaseKey(runId),
    newOwnerId(),
    options.leaseMs ?? DEFAULT_LEASE_MS,
    options.force === true,
  );
  if (attempt.acquired) return attempt.lease;
  const { holder } = attempt;
  throw new TributaryError(
    'RUN_ACTIVE',
    `Run "${runId}" is being run by ${holder.owner} (lease until ${new Date(holder.expiresAt).toISOString()}); ` +
      'resume it once that process is gone, or take it over with --force if it runs on another host or its pid was reused',
    { context: { runId, owner: holder.owner, expiresAt: holder.expiresAt } },
  );
}

/**
 * Take a lease for `owner`: free or expired, or held by a process of this host that is gone
 * (taken over by compare-and-swap on its fence: of two takers, one wins), or anyway with
 * `force`. The one way runs and roles (the scheduler) are taken.
 *
 * @example
 * ```ts
 * const attempt = await takeLease(store, 'scheduler', newOwnerId(), 30_000);
 * ```
 */
export async function takeLease(
  store: LeaseStore,
  key: string,
  owner: string,
  ttlMs: number,
  force = false,
): Promise<LeaseAttempt> {
  const attempt = await store.acquireLease(key, owner, ttlMs, { force });
  if (attempt.acquired || isOwnerAlive(attempt.holder.owner)) return attempt;
  return store.acquireLease(key, owner, ttlMs, { ifFence: attempt.holder.fence });
}

/**
 * The owner driving a run now, if one does: a lease that has not expired, held by a process
 * that may be alive (one on this host that is gone does not count).
 *
 * @example
 * ```ts
 * const owner = await liveOwner(store, runId); // 'host:4242:1a2b3c4d' or undefined
 * ```
 */
export async function liveOwner(store: LeaseStore, runId: string): Promise<string | undefined> {
  const lease = await store.getLease(runLeaseKey(runId));
  return lease !== undefined && lease.expiresAt > Date.now() && isOwnerAlive(lease.owner)
    ? lease.owner
    : undefined;
}
