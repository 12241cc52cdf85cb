import type { StoredRunStatus } from '../store/index.js';
import type { ErrorCode } from '../errors/index.js';

/**
 * Exit codes: 0 success, 1 a run or an operation failed, 2 the command was used wrongly (bad
 * arguments, a module or database that is not there).
 *
 * @example
 * ```ts
 * process.exitCode = EXIT.usage;
 * ```
 */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/**
 * Exit code for a finished run: 0 when it `succeeded` or `partially_succeeded`, 1 otherwise.
 *
 * @example
 * ```ts
 * exitCodeForStatus('partially_succeeded'); // 0
 * ```
 */
export function exitCodeForStatus(status: StoredRunStatus): number {
  return status === 'succeeded' || status === 'partially_succeeded' ? EXIT.ok : EXIT.failed;
}

/** Codes that mean "fix the command line or the module", not "the operation failed". */
const USAGE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'USAGE',
  'INVALID_ARGUMENT',
  'DAG_NOT_FOUND',
  'DUPLICATE_DAG',
  'MODULE_LOAD_FAILED',
  'RUN_NOT_FOUND',
  'STORE_NOT_FOUND',
  'NOT_SERIALIZABLE',
  'INVALID_CRON',
  'UNKNOWN_TIMEZONE',
  'INVALID_PERIOD_KEY',
  'UNKNOWN_NODE',
  'CROSS_ENVIRONMENT',
  'INVALID_ASSET',
  'UNKNOWN_ASSET',
  'INVALID_RANGE',
  'MAPPING_INCOMPATIBLE',
  'BACKFILL_NOT_FOUND',
  'CONFIRMATION_REQUIRED',
]);

/**
 * Exit code for an error: 2 for a usage error, 1 for anything else (a store that fails, a run
 * still owned by a live process, a native module that does not load, `INTERNAL`, ...).
 *
 * @example
 * ```ts
 * exitCodeForError('RUN_NOT_FOUND'); // 2
 * exitCodeForError('STORE_CORRUPT'); // 1
 * ```
 */
export function exitCodeForError(code: ErrorCode): number {
  return USAGE_CODES.has(code) ? EXIT.usage : EXIT.failed;
}
