import { dateOfDay, dayOfDate } from './civil-date.js';

/**
 * The wall times of a calendar cron expression as arithmetic: `m * * * *` (hourly), `m h * * *`
 * (daily), `m h * * d` (weekly) and `m h D * *` with `D <= 28` (monthly, a day every month
 * has). These are the expressions of hourly to monthly partitions; their matches form a
 * sequence indexed by integers, so the next match, and how many fall between two wall times,
 * cost O(1) where a cron matcher searches. Wall times are epoch milliseconds of the same
 * fields in UTC, as croner run in UTC reads them.
 */

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** 1970-01-01, day 0, was a Thursday. */
const THURSDAY = 4;

/**
 * The matches of an expression, numbered in time order: match `i` is `at(i)`, and `index(w)`
 * is the number of the first match at or after wall time `w`.
 *
 * @example
 * ```ts
 * const hourly = wallSteps('0 * * * *')!;
 * hourly.at(hourly.index(Date.UTC(2026, 0, 1, 5, 30))); // Date.UTC(2026, 0, 1, 6)
 * ```
 */
export interface WallSteps {
  /** The number of the first match at or after wall time `wall`. */
  index(wall: number): number;
  /** The wall time of match `i`. */
  at(i: number): number;
}

const FIELD = /^\d{1,2}$/;

/**
 * The {@link WallSteps} of a five-field expression of one of the calendar shapes above, or
 * `undefined` for any other expression (which a cron matcher then serves).
 *
 * @example
 * ```ts
 * wallSteps('0 0 * * 1'); // weekly, Mondays at 00:00
 * wallSteps('*\/15 * * * *'); // undefined
 * ```
 */
export function wallSteps(expression: string): WallSteps | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return undefined;
  const [minute = '', hour = '', dayOfMonth = '', month = '', dayOfWeek = ''] = fields;
  const number = (text: string, max: number, min = 0): number | undefined =>
    FIELD.test(text) && Number(text) >= min && Number(text) <= max ? Number(text) : undefined;
  const m = number(minute, 59);
  if (m === undefined || month !== '*') return undefined;
  if (hour === '*') {
    return dayOfMonth === '*' && dayOfWeek === '*' ? periodic(HOUR, m * MINUTE) : undefined;
  }
  const h = number(hour, 23);
  if (h === undefined) return undefined;
  const time = h * HOUR + m * MINUTE;
  if (dayOfMonth === '*' && dayOfWeek === '*') return periodic(DAY, time);
  if (dayOfMonth === '*') {
    const weekday = number(dayOfWeek, 7);
    if (weekday === undefined) return undefined;
    return periodic(7 * DAY, ((weekday - THURSDAY + 7) % 7) * DAY + time);
  }
  const day = number(dayOfMonth, 28, 1);
  return day !== undefined && dayOfWeek === '*' ? monthly(day, time) : undefined;
}

/** Matches `i * length + phase`. */
function periodic(length: number, phase: number): WallSteps {
  return {
    index: (wall) => Math.ceil((wall - phase) / length),
    at: (i) => i * length + phase,
  };
}

/** Match `i` is day `day` of month `i` (counted from January of year 0), at `time`. */
function monthly(day: number, time: number): WallSteps {
  const fields: [number, number, number] = [0, 0, 0];
  const at = (i: number): number => {
    const year = Math.floor(i / 12);
    return dayOfDate(year, i - year * 12 + 1, day) * DAY + time;
  };
  return {
    index: (wall) => {
      const [year, month] = dateOfDay(Math.floor(wall / DAY), fields);
      const i = year * 12 + month - 1;
      return at(i) >= wall ? i : i + 1;
    },
    at,
  };
}
