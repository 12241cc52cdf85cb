import { invalidArgument } from '../errors/index.js';
import { type CronSchedule, keyedCronSchedule } from './cron-schedule.js';
import {
  formatLocalDate,
  instantOfWallTime,
  parseLocalDate,
  parseLocalDateTime,
  parseLocalMonth,
} from './local-time.js';
import { formatInstantKey, parseInstantKey } from './period-key.js';
import type { KeyFormat } from './tick-space.js';
import { type ZoneRules, zoneRules } from './zoned-time.js';

/**
 * Hourly, daily, weekly and monthly partitions: cron schedules (`0 * * * *`, `0 0 * * *`,
 * `0 0 * * 1`, `0 0 1 * *`) from a start, whose keys name the window the way people do:
 *
 * | partitions | key                                                         |
 * | ---------- | ----------------------------------------------------------- |
 * | hourly     | local start and offset, `2026-10-25T02:00+02:00`            |
 * | daily      | local date, `2026-10-25`                                    |
 * | weekly     | local date of the week's first day, `2026-10-19`            |
 * | monthly    | local month, `2026-10`                                      |
 *
 * A day is local midnight to midnight: 23 or 25 hours on daylight-saving days. An hourly key
 * keeps its offset: the hour repeated on a fall-back day has two distinct keys. Where a zone
 * skips midnight, the day starts when the clock reaches it (São Paulo, 2018-11-04 started at
 * 01:00). Keys parse strictly: a daily key `2026-02-30` or `2026-10-25T00:00Z` is refused.
 */

/**
 * Options of {@link hourlyPartitions}, {@link dailyPartitions}, {@link weeklyPartitions} and
 * {@link monthlyPartitions}.
 *
 * @example
 * ```ts
 * const options: TimePartitionOptions = {
 *   start: '2024-01-01',
 *   timezone: 'Europe/Paris',
 *   delayMs: 30 * 60_000,
 * };
 * ```
 */
export interface TimePartitionOptions {
  /**
   * No partition starts before this: a local date `YYYY-MM-DD` (or, for hourly partitions,
   * `YYYY-MM-DDTHH:mm`) read in `timezone`, or epoch milliseconds. A start inside a window
   * begins with the next window.
   */
  readonly start: string | number;
  /** The IANA zone windows are cut and keys written in. Default `'UTC'`. */
  readonly timezone?: string;
  /** Milliseconds to wait after a window closes before its run is due (late data). Default 0. */
  readonly delayMs?: number;
  /** Weekly partitions only: the first day of a week, 0 = Sunday to 6 = Saturday. Default 1. */
  readonly weekStartsOn?: 0 | 1 | 2 | 3 | 4 | 5 | 6;
}

type Granularity = 'hourly' | 'daily' | 'weekly' | 'monthly';

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/**
 * One partition per hour, keyed by its local start and offset (`2026-10-25T02:00+02:00`).
 *
 * @throws `INVALID_ARGUMENT` quoting a `start` that is no local date and time or instant, or a
 * negative `delayMs`; `UNKNOWN_TIMEZONE` quoting the zone.
 * @example
 * ```ts
 * const hours = hourlyPartitions({ start: '2026-01-01T00:00', timezone: 'Europe/Paris' });
 * hours.containing(Date.UTC(2026, 9, 25, 1, 30))?.key; // '2026-10-25T02:00+01:00'
 * ```
 */
export function hourlyPartitions(options: TimePartitionOptions): CronSchedule {
  return timePartitions('hourly', '0 * * * *', options, (zone) => ({
    format: (instant) => formatInstantKey(instant, zone),
    parse: parseInstantKey,
    shape: 'local start and UTC offset, such as `2026-03-29T01:00+01:00` or `2026-01-01T00:00Z`',
  }));
}

/**
 * One partition per local day, keyed by its date (`2026-10-25`); 23 or 25 hours long on
 * daylight-saving days.
 *
 * @throws `INVALID_ARGUMENT` quoting a `start` that is no local date or instant, or a negative
 * `delayMs`; `UNKNOWN_TIMEZONE` quoting the zone.
 * @example
 * ```ts
 * const days = dailyPartitions({ start: '2024-01-01', timezone: 'Europe/Paris' });
 * const day = days.parse('2026-10-25');
 * (day.end - day.start) / 3_600_000; // 25
 * ```
 */
export function dailyPartitions(options: TimePartitionOptions): CronSchedule {
  return timePartitions('daily', '0 0 * * *', options, dateKeys);
}

/**
 * One partition per local week, keyed by the date of its first day (`2026-10-19`, a Monday by
 * default: set `weekStartsOn`, 0 = Sunday).
 *
 * @throws `INVALID_ARGUMENT` quoting a `start` that is no local date or instant, a negative
 * `delayMs` or a `weekStartsOn` outside 0-6; `UNKNOWN_TIMEZONE` quoting the zone.
 * @example
 * ```ts
 * const weeks = weeklyPartitions({ start: '2026-01-05', weekStartsOn: 1 });
 * weeks.containing(Date.UTC(2026, 9, 25))?.key; // '2026-10-19'
 * ```
 */
export function weeklyPartitions(options: TimePartitionOptions): CronSchedule {
  const day = options?.weekStartsOn ?? 1;
  if (!Number.isInteger(day) || day < 0 || day > 6) {
    invalidArgument('`weekStartsOn`', 'an integer from 0 (Sunday) to 6 (Saturday)', day);
  }
  return timePartitions('weekly', `0 0 * * ${day}`, options, dateKeys);
}

/**
 * One partition per local month, keyed `2026-10`.
 *
 * @throws `INVALID_ARGUMENT` quoting a `start` that is no local date or instant, or a negative
 * `delayMs`; `UNKNOWN_TIMEZONE` quoting the zone.
 * @example
 * ```ts
 * const months = monthlyPartitions({ start: '2024-01-01', timezone: 'America/New_York' });
 * months.parse('2026-10').start; // Date.UTC(2026, 9, 1, 4)
 * ```
 */
export function monthlyPartitions(options: TimePartitionOptions): CronSchedule {
  return timePartitions('monthly', '0 0 1 * *', options, (zone) => ({
    format: (instant) => formatLocalDate(instant, zone, true),
    parse: (key) => wallKey(parseLocalMonth(key), zone),
    shape: 'local month, such as `2026-10`',
  }));
}

/** Keys of daily and weekly partitions: the local date of the window's start. */
function dateKeys(zone: ZoneRules): KeyFormat {
  return {
    format: (instant) => formatLocalDate(instant, zone),
    parse: (key) => wallKey(parseLocalDate(key), zone),
    shape: 'local date, such as `2026-10-25`',
  };
}

function wallKey(wall: number | undefined, zone: ZoneRules): number | undefined {
  return wall === undefined ? undefined : instantOfWallTime(wall, zone);
}

function timePartitions(
  granularity: Granularity,
  expression: string,
  options: TimePartitionOptions,
  keys: (zone: ZoneRules) => KeyFormat,
): CronSchedule {
  if (typeof options !== 'object' || options === null) {
    invalidArgument(
      `the options of ${granularity} partitions`,
      '{ start, timezone?, delayMs? }',
      options,
    );
  }
  const { start, delayMs } = options;
  if (options.weekStartsOn !== undefined && granularity !== 'weekly') {
    invalidArgument('`weekStartsOn`', 'absent (weekly partitions only)', options.weekStartsOn);
  }
  const zone = zoneRules(options.timezone ?? 'UTC');
  let instant: number;
  if (typeof start === 'number') {
    instant = start;
  } else {
    const wall =
      typeof start !== 'string'
        ? undefined
        : granularity === 'hourly'
          ? parseLocalDateTime(start)
          : parseLocalDate(start);
    if (wall === undefined) {
      invalidArgument(
        '`start`',
        granularity === 'hourly'
          ? 'a local date and time `YYYY-MM-DDTHH:mm` (or a date), or epoch milliseconds'
          : 'a local date `YYYY-MM-DD`, or epoch milliseconds',
        start,
      );
    }
    instant = instantOfWallTime(wall, zone);
  }
  if (delayMs !== undefined && (!Number.isSafeInteger(delayMs) || delayMs < 0)) {
    invalidArgument('`delayMs`', 'an integer number of milliseconds >= 0', delayMs);
  }
  // Called once the schedule has checked `start`.
  const from = (): string => (typeof start === 'string' ? start : formatInstantKey(start, zone));
  const week =
    granularity === 'weekly' ? ` (weeks from ${WEEKDAYS[options.weekStartsOn ?? 1]})` : '';
  return keyedCronSchedule(
    expression,
    {
      timezone: zone.timezone,
      start: instant,
      ...(delayMs === undefined ? {} : { delay: delayMs }),
    },
    {
      keys,
      description: () => `${granularity} partitions${week} in ${zone.timezone} from ${from()}`,
    },
  );
}
