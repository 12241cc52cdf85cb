import { describeValue, TributaryError } from '../errors/index.js';

/**
 * Parse repeated `--param key=value` options. A value that parses as JSON is taken as JSON
 * (`n=3`, `flags=[1,2]`); anything else is a string. `INVALID_ARGUMENT` quotes a malformed one.
 */
export function parseParams(values: readonly string[]): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const raw of values) {
    const eq = raw.indexOf('=');
    if (eq <= 0) {
      throw new TributaryError(
        'INVALID_ARGUMENT',
        `Expected --param as key=value, got ${describeValue(raw)}`,
        {
          context: { received: raw },
        },
      );
    }
    const key = raw.slice(0, eq);
    const text = raw.slice(eq + 1);
    let value: unknown = text;
    try {
      value = JSON.parse(text);
    } catch {
      // not JSON: keep the string
    }
    params[key] = value;
  }
  return params;
}

/**
 * Commander's collector for a repeatable `--param`: every value, in order.
 *
 * @example
 * ```ts
 * command.option('--param <key=value>', 'repeatable', collectParam, []);
 * ```
 */
export function collectParam(value: string, previous: string[]): string[] {
  return [...previous, value];
}
