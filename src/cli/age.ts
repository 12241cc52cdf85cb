import { TributaryError } from '../errors/index.js';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/**
 * An age on the command line, in milliseconds: a whole number and a unit, `s`, `m` (minutes),
 * `h`, `d` or `w` (`30d`, `12h`, `90m`). Anything else is a `USAGE` error quoting the text and
 * the option it was given to.
 *
 * @example
 * ```ts
 * parseAge('30d', '--older-than'); // 2_592_000_000
 * ```
 */
export function parseAge(text: string, option: string): number {
  const match = /^([0-9]{1,9})([smhdw])$/.exec(text.trim());
  const ms = match === null ? NaN : Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  if (!Number.isSafeInteger(ms) || ms < 1) {
    throw new TributaryError(
      'USAGE',
      `Expected ${option} to be a whole number and a unit (s, m, h, d or w) such as 30d, 12h or 90m, got \`${text}\``,
      { context: { received: text } },
    );
  }
  return ms;
}
