import { TributaryError, type ErrorContext } from './tributary-error.js';

/**
 * Render a received value for an error message: `` `0` (number) ``, `` `"x"` (string) ``.
 * Long renderings are cut so a message stays one readable line.
 *
 * @example
 * ```ts
 * describeValue(0); // '`0` (number)'
 * ```
 */
export function describeValue(value: unknown): string {
  let text: string;
  if (typeof value === 'function') text = `[function ${value.name || 'anonymous'}]`;
  else if (typeof value === 'bigint') text = `${value}n`;
  else if (typeof value === 'symbol') text = value.toString();
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  if (text.length > 80) text = `${text.slice(0, 77)}...`;
  const kind = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return `\`${text}\` (${kind})`;
}

/**
 * Normalise anything caught at a boundary into an `Error`, keeping the original as `cause`.
 *
 * @example
 * ```ts
 * try { JSON.parse('{'); } catch (e) { const error = toError(e); }
 * ```
 */
export function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  return new Error(
    typeof value === 'string' ? value : `Non-error thrown: ${describeValue(value)}`,
    {
      cause: value,
    },
  );
}

/**
 * Throw `INVALID_ARGUMENT` quoting what was received: the one way every layer words it,
 * ``Expected <what> to be <expected>, got <received>``. `context` adds fields (`node`, `field`)
 * to the error's context, next to `received`.
 *
 * @example
 * ```ts
 * invalidArgument('`maxWorkers`', 'an integer >= 1', 0);
 * // INVALID_ARGUMENT: Expected `maxWorkers` to be an integer >= 1, got `0` (number)
 * invalidArgument('`critical` of node "a"', 'a boolean', 1, { node: 'a', field: 'critical' });
 * ```
 */
export function invalidArgument(
  what: string,
  expected: string,
  received: unknown,
  context?: ErrorContext,
): never {
  throw new TributaryError(
    'INVALID_ARGUMENT',
    `Expected ${what} to be ${expected}, got ${describeValue(received)}`,
    { context: { ...context, received: safeContext(received) } },
  );
}

/** A received value as JSON-friendly context: code and symbols become short text. */
function safeContext(value: unknown): unknown {
  if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`;
  return typeof value === 'bigint' || typeof value === 'symbol' ? String(value) : value;
}
