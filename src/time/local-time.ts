import { dateOfDay, pad } from './civil-date.js';
import { type ZoneRules, utcInstant } from './zoned-time.js';

/**
 * Local dates and times in a zone: reading `2026-10-25` or `2026-10-25T02:00` as the instant
 * it names, and writing an instant's local date. A local time ("wall time") is carried as the
 * epoch milliseconds of the same fields in UTC, as {@link ZoneRules.wallTime} returns it.
 */

const DAY = 86_400_000;

/**
 * The day last written by {@link formatLocalDate}: its day number, date fields and month as
 * text (a day number that is never a whole number at first, so the first call computes).
 */
const last = { days: NaN, fields: [0, 0, 0] as [number, number, number], month: '' };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;

/**
 * The first instant whose local time in `zone` is `wall`. A wall time that happens twice (fall
 * back) is its first occurrence; one that does not happen (spring forward) is read with the
 * offset before the gap, so it lands after the gap by the same minutes, which is where a cron
 * schedule fires it (docs/time.md). Costs a few offset look-ups.
 *
 * @example
 * ```ts
 * const paris = zoneRules('Europe/Paris');
 * instantOfWallTime(Date.UTC(2026, 9, 25, 2, 30), paris); // Date.UTC(2026, 9, 25, 0, 30): first pass
 * instantOfWallTime(Date.UTC(2026, 2, 29, 2, 30), paris); // Date.UTC(2026, 2, 29, 1, 30): 03:30 CEST
 * ```
 */
export function instantOfWallTime(wall: number, zone: ZoneRules): number {
  // Offsets lie within a day of zero: the transitions two days around hold every candidate.
  const transitions = zone.transitionsIn(wall - 2 * DAY, wall + 2 * DAY);
  const offsets = new Set([zone.offsetAt(wall - 2 * DAY), zone.offsetAt(wall)]);
  for (const t of transitions) offsets.add(t.before).add(t.after);
  let first: number | undefined;
  for (const offset of offsets) {
    const instant = wall - offset;
    if (zone.offsetAt(instant) === offset && (first === undefined || instant < first)) {
      first = instant;
    }
  }
  if (first !== undefined) return first;
  const gap = transitions.find((t) => t.at + t.before <= wall && wall < t.at + t.after);
  return wall - (gap?.before ?? zone.offsetAt(wall));
}

/**
 * The wall time of a local date `YYYY-MM-DD` (its midnight), or `undefined` when the text is
 * not one (wrong shape, or a day that does not exist such as `2026-02-30`).
 *
 * @example
 * ```ts
 * parseLocalDate('2026-10-25'); // Date.UTC(2026, 9, 25)
 * parseLocalDate('2026-02-30'); // undefined
 * ```
 */
export function parseLocalDate(text: string): number | undefined {
  const match = DATE.exec(text);
  return match === null ? undefined : wallOf(match.slice(1).map(Number));
}

/**
 * The wall time of a local date and time `YYYY-MM-DDTHH:mm`, or of a date alone; `undefined`
 * when the text is neither.
 *
 * @example
 * ```ts
 * parseLocalDateTime('2026-10-25T02:00'); // Date.UTC(2026, 9, 25, 2)
 * ```
 */
export function parseLocalDateTime(text: string): number | undefined {
  const match = DATE_TIME.exec(text);
  return match === null ? parseLocalDate(text) : wallOf(match.slice(1).map(Number));
}

/**
 * The wall time of the first day of a local month `YYYY-MM`, or `undefined`.
 *
 * @example
 * ```ts
 * parseLocalMonth('2026-10'); // Date.UTC(2026, 9, 1)
 * ```
 */
export function parseLocalMonth(text: string): number | undefined {
  const match = MONTH.exec(text);
  return match === null ? undefined : wallOf([...match.slice(1).map(Number), 1]);
}

/**
 * The local date of `instant` in `zone`, `YYYY-MM-DD`; with `month`, only `YYYY-MM`.
 *
 * @example
 * ```ts
 * formatLocalDate(Date.UTC(2026, 9, 24, 22, 30), zoneRules('Europe/Paris')); // '2026-10-25'
 * ```
 */
export function formatLocalDate(instant: number, zone: ZoneRules, month = false): string {
  const days = Math.floor(Math.trunc(zone.wallTime(instant)) / DAY);
  // Consecutive calls mostly move a few days within a month: step the day, keep the month.
  const ahead = days - last.days;
  if (ahead >= 0 && last.fields[2] + ahead <= 28) {
    last.fields[2] += ahead;
  } else {
    const [year, monthOfYear] = dateOfDay(days, last.fields);
    last.month = `${pad(year, 4)}-${pad(monthOfYear)}`;
  }
  last.days = days;
  return month ? last.month : `${last.month}-${pad(last.fields[2])}`;
}

/** The wall time of `[year, month, day, hour?, minute?]`, if every field is in range. */
function wallOf(fields: readonly number[]): number | undefined {
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0] = fields;
  const wall = utcInstant(year, month, day, hour, minute);
  const date = new Date(wall);
  const valid =
    year >= 1 &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() + 1 === month &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute;
  return valid ? wall : undefined;
}
