import { hostname } from 'node:os';

/** This process as a run owner: `host:pid`. */
export function currentOwner(): string {
  return `${hostname()}:${process.pid}`;
}

/**
 * Whether the process that owns a run may still be running it. A process on this host is
 * checked with signal 0; one on another host is assumed alive (it polls for cancel requests;
 * leases come with the distributed mode). This process itself counts as alive.
 *
 * @example
 * ```ts
 * if (isOwnerAlive(run.owner)) await store.requestCancel(run.runId, Date.now());
 * ```
 */
export function isOwnerAlive(owner: string | undefined): boolean {
  if (owner === undefined) return false;
  const sep = owner.lastIndexOf(':');
  if (owner.slice(0, sep) !== hostname()) return true;
  const pid = Number(owner.slice(sep + 1));
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
