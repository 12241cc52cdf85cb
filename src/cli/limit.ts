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
  return parsePositiveInteger('--limit', text);
}

/**
 * The value of an integer option (`--depth`, `--max-nodes`): digits only, then a safe integer
 * >= 1; `INVALID_ARGUMENT` naming the option and quoting the text otherwise.
 *
 * @example
 * ```ts
 * parsePositiveInteger('--depth', '2'); // 2
 * ```
 */
export function parsePositiveInteger(option: string, text: string): number {
  const value = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new TributaryError(
      'INVALID_ARGUMENT',
      `Expected ${option} to be an integer from 1 to ${Number.MAX_SAFE_INTEGER}, got \`${text}\``,
      { context: { received: text } },
    );
  }
  return value;
}
