import { userInfo } from 'node:os';
import { isOwnerAlive } from '../durable/index.js';
import { runLeaseKey, type RunStore } from '../store/index.js';

/**
 * The actor of a change made from this CLI, for the audit trail: `cli:<user>`.
 *
 * @example
 * ```ts
 * cliActor(); // 'cli:ann'
 * ```
 */
export function cliActor(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): keep "unknown".
  }
  return `cli:${user}`;
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
export async function liveOwner(store: RunStore, runId: string): Promise<string | undefined> {
  const lease = await store.getLease(runLeaseKey(runId));
  return lease !== undefined && lease.expiresAt > Date.now() && isOwnerAlive(lease.owner)
    ? lease.owner
    : undefined;
}
