import { TributaryError } from '../errors/index.js';

/**
 * A `--limit` value: digits only, then a safe integer >= 1 (SQLite rejects what does not fit in
 * 64 bits).
 *
 * @example
 * ```ts
 * parseLimit('50'); // 50
 * ```
 */
export function parseLimit(text: string): number {
  const limit = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new TributaryError(
      'INVALID_ARGUMENT',
      `Expected --limit to be an integer from 1 to ${Number.MAX_SAFE_INTEGER}, got \`${text}\``,
      { context: { received: text } },
    );
  }
  return limit;
}
