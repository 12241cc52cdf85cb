import { userInfo } from 'node:os';

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
