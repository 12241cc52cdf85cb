import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * A new owner id for one run session: `host:pid:token`. The token tells two sessions of the
 * same process apart (two resumes of one run in one process must not both win).
 */
export function newOwnerId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/**
 * Whether the process named by an owner id (`host:pid[:token]`) may still be running. A process
 * on this host is checked with signal 0; one on another host cannot be checked and is taken as
 * alive (its lease expires if it is not). This process counts as alive.
 *
 * @example
 * ```ts
 * isOwnerAlive(`${hostname()}:${process.pid}:ab12cd34`); // true
 * ```
 */
export function isOwnerAlive(owner: string): boolean {
  const [host, pidText] = owner.split(':');
  if (host !== hostname()) return true;
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
