import { invalidArgument } from '../errors/index.js';
import { CronTicks } from './cron-ticks.js';
import type { Period, PeriodRangeOptions, PeriodSpace } from './period.js';
import { formatInstantKey, parseInstantKey } from './period-key.js';
import { checkInstant } from './range.js';
import { type KeyFormat, TickSpace } from './tick-space.js';
import { TIME_DOMAIN, type ZoneRules, zoneRules } from './zoned-time.js';

/** How a schedule built by {@link keyedCronSchedule} writes its keys and describes itself. */
interface CustomKeys {
  readonly keys: (zone: ZoneRules) => KeyFormat;
  readonly description: (zone: ZoneRules) => string;
}

/** Set only while {@link keyedCronSchedule} runs the (synchronous) constructor. */
let customKeys: CustomKeys | undefined;

/**
 * Options of {@link cronSchedule}.
 *
 * @example
 * ```ts
 * const options: CronScheduleOptions = {
 *   timezone: 'Europe/Paris',
 *   delay: 15 * 60_000,
 *   start: Date.UTC(2026, 0, 1),
 * };
 * ```
 */
export interface CronScheduleOptions {
  /** The IANA zone the expression is read in, and the keys written in. Default `'UTC'`. */
  readonly timezone?: string;
  /** Milliseconds to wait after a window closes before it is due (late data). Default 0. */
  readonly delay?: number;
  /** No period starts before this instant (epoch milliseconds). Default: none. */
  readonly start?: number;
}

/**
 * A cron schedule as a partition of time: tick `t[k]` of the expression closes the window
 * `[t[k-1], t[k])`, which is due `delay` milliseconds later. Keys are the window's local start
 * with its UTC offset (`2026-03-29T01:00+01:00`). Daylight-saving rules: docs/time.md.
 *
 * @example
 * ```ts
 * const hourly = cronSchedule('0 * * * *', { timezone: 'Europe/Paris', delay: 5 * 60_000 });
 * const period = hourly.lastClosed(Date.UTC(2026, 2, 29, 0, 30));
 * period?.key; // '2026-03-29T00:00+01:00'
 * ```
 */
export class CronSchedule implements PeriodSpace {
  readonly kind = 'time';
  /** The cron expression, as given. */
  readonly expression: string;
  /** Milliseconds between a window's end and the time it is due. */
  readonly delay: number;
  readonly timezone: string;
  readonly description: string;
  /** No period starts before this instant (epoch ms); undefined: the schedule has no start. */
  readonly start: number | undefined;
  readonly #space: TickSpace;

  constructor(expression: string, options: CronScheduleOptions = {}) {
    const custom = customKeys;
    customKeys = undefined;
    const zone = zoneRules(options.timezone ?? 'UTC');
    const ticks = new CronTicks(expression, zone);
    const { delay = 0, start } = options;
    if (!Number.isSafeInteger(delay) || delay < 0) {
      invalidArgument('`delay`', 'an integer number of milliseconds >= 0', delay);
    }
    if (start !== undefined) {
      checkInstant('`start`', start);
      if (start < TIME_DOMAIN.min || start > TIME_DOMAIN.max) {
        invalidArgument('`start`', 'an instant between the years 0001 and 2999', start);
      }
    }
    this.#space = new TickSpace({
      ticks,
      keys: custom?.keys(zone) ?? {
        format: (instant) => formatInstantKey(instant, zone),
        parse: parseInstantKey,
        shape:
          'local start and UTC offset, such as `2026-03-29T01:00+01:00` or `2026-01-01T00:00Z`',
      },
      timezone: zone.timezone,
      description: custom?.description(zone) ?? `cron \`${expression}\` in ${zone.timezone}`,
      start,
    });
    this.expression = expression;
    this.delay = delay;
    this.timezone = zone.timezone;
    this.description = this.#space.description;
    this.start = start;
  }

  parse(key: string): Period {
    return this.#space.parse(key);
  }

  containing(instant: number): Period | undefined {
    return this.#space.containing(instant);
  }

  lastClosed(instant: number): Period | undefined {
    return this.#space.lastClosed(instant);
  }

  next(period: Period): Period | undefined {
    return this.#space.next(period);
  }

  previous(period: Period): Period | undefined {
    return this.#space.previous(period);
  }

  periods(from: number, to: number, options?: PeriodRangeOptions): IterableIterator<Period> {
    return this.#space.periods(from, to, options);
  }

  /**
   * How many periods {@link CronSchedule.periods} lists for `[from, to)`, without listing
   * them: O(daylight-saving transitions crossed) for the expressions of hourly to monthly
   * partitions, a walk for others.
   *
   * @throws `INVALID_ARGUMENT` when `from` or `to` is not a number, or `from > to`.
   * @example
   * ```ts
   * cronSchedule('0 * * * *').countPeriods(Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1)); // 8760
   * ```
   */
  countPeriods(from: number, to: number): number {
    return this.#space.countPeriods(from, to);
  }

  /**
   * When `period` is due: its end plus the delay.
   *
   * @example
   * ```ts
   * schedule.dueAt(period) === period.end + schedule.delay; // true
   * ```
   */
  dueAt(period: Period): number {
    return period.end + this.delay;
  }

  /**
   * The periods that fall due in `(after, upTo]`, in order, lazily: a scheduler that last
   * looked at `after` and wakes at `upTo` runs these (catch-up). With `upTo` omitted, the
   * first one is the next period to fall due.
   *
   * @example
   * ```ts
   * const next = schedule.due(now).next().value; // the next period to fall due
   * ```
   */
  *due(after: number, upTo = Infinity): IterableIterator<Period> {
    checkInstant('`after`', after);
    checkInstant('`upTo`', upTo);
    const closed = this.lastClosed(after - this.delay);
    let period = closed === undefined ? this.#first() : this.next(closed);
    while (period !== undefined && this.dueAt(period) <= upTo) {
      yield period;
      period = this.next(period);
    }
  }

  #first(): Period | undefined {
    for (const period of this.periods(-Infinity, Infinity)) return period;
    return undefined;
  }
}

/**
 * A cron schedule in a time zone, as a {@link PeriodSpace}: see {@link CronSchedule}.
 *
 * @throws `INVALID_CRON` quoting the expression when it does not parse (five fields, or a
 * nickname such as `@daily`) or never fires; `UNKNOWN_TIMEZONE` quoting the zone;
 * `INVALID_ARGUMENT` for a negative `delay` or a `start` outside the years 0001-2999.
 * @example
 * ```ts
 * const daily = cronSchedule('30 2 * * *', { timezone: 'America/New_York' });
 * daily.containing(Date.UTC(2026, 2, 8, 12))?.key; // '2026-03-08T03:30-04:00'
 * ```
 */
export function cronSchedule(expression: string, options?: CronScheduleOptions): CronSchedule {
  // A schedule is immutable and costly to build (about 50 µs: the expression, the zone's rules),
  // and a project repeats a few expressions across many DAGs: build each once.
  const key =
    typeof expression === 'string'
      ? JSON.stringify([expression, options?.timezone, options?.delay, options?.start])
      : undefined;
  const known = key === undefined ? undefined : built.get(key);
  if (known !== undefined) return known;
  const schedule = new CronSchedule(expression, options);
  if (key !== undefined) {
    if (built.size >= MAX_BUILT) built.clear();
    built.set(key, schedule);
  }
  return schedule;
}

const built = new Map<string, CronSchedule>();
const MAX_BUILT = 1_000;

/**
 * A cron schedule whose keys are written by another {@link KeyFormat} (dates for daily
 * partitions, months for monthly ones): the way the time partitions are built. Internal: not
 * exported by the package.
 *
 * @example
 * ```ts
 * const daily = keyedCronSchedule('0 0 * * *', { timezone: 'UTC' }, {
 *   keys: (zone) => dateKeys(zone, 'daily partitions'),
 *   description: (zone) => `daily partitions in ${zone.timezone}`,
 * });
 * ```
 */
export function keyedCronSchedule(
  expression: string,
  options: CronScheduleOptions,
  custom: CustomKeys,
): CronSchedule {
  customKeys = custom;
  try {
    return new CronSchedule(expression, options);
  } finally {
    customKeys = undefined;
  }
}
