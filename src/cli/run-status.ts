import type { StoredRunStatus } from '../store/index.js';
import { TributaryError } from '../errors/index.js';

/**
 * Every run status, for `runs --status`. The store exports `StoredRunStatus` only as a type, so the
 * CLI keeps the one runtime list; the check below fails to compile if the union gains a status
 * this list lacks.
 *
 * @example
 * ```ts
 * RUN_STATUSES.includes('failed'); // true
 * ```
 */
export const RUN_STATUSES = [
  'queued',
  'running',
  'succeeded',
  'partially_succeeded',
  'failed',
  'cancelled',
] as const satisfies readonly StoredRunStatus[];

type Unlisted = Exclude<StoredRunStatus, (typeof RUN_STATUSES)[number]>;
const everyStatusListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyStatusListed;

/**
 * Parse a `--status` value; `INVALID_ARGUMENT` quotes anything else.
 *
 * @example
 * ```ts
 * parseRunStatus('failed'); // 'failed'
 * ```
 */
export function parseRunStatus(value: string): StoredRunStatus {
  const status = RUN_STATUSES.find((s) => s === value);
  if (status === undefined) {
    throw new TributaryError(
      'INVALID_ARGUMENT',
      `Expected --status to be one of ${RUN_STATUSES.join(', ')}, got \`${value}\``,
      { context: { received: value } },
    );
  }
  return status;
}
