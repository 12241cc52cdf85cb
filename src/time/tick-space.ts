import { TributaryError, describeValue } from '../errors/index.js';
import type { Period, PeriodRangeOptions, PeriodSpace } from './period.js';
import { checkInstant, checkRange } from './range.js';
import { TIME_DOMAIN } from './zoned-time.js';

/**
 * The boundaries of a partition of time: strictly increasing whole-millisecond instants. Tick
 * `t[k]` closes the window `[t[k-1], t[k])`.
 *
 * @example
 * ```ts
 * const hours: Ticks = {
 *   atOrAfter: (from, before = Infinity) => {
 *     const tick = Math.ceil(from / 3_600_000) * 3_600_000;
 *     return tick < before ? tick : undefined;
 *   },
 *   before: (to, floor = -Infinity) => {
 *     const tick = (Math.ceil(to / 3_600_000) - 1) * 3_600_000;
 *     return tick >= floor ? tick : undefined;
 *   },
 * };
 * ```
 */
export interface Ticks {
  /** The first tick in `[from, before)`, if any. */
  atOrAfter(from: number, before?: number): number | undefined;
  /** The last tick in `[floor, to)`, if any. */
  before(to: number, floor?: number): number | undefined;
  /**
   * How many ticks fall in `[from, to)`, when the ticks can count faster than a walk (optional:
   * without it, {@link TickSpace.countPeriods} walks).
   */
  countIn?(from: number, to: number): number;
}

/**
 * How a tick space writes and reads the key of a window from its start.
 *
 * @example
 * ```ts
 * const utc = zoneRules('UTC');
 * const keys: KeyFormat = {
 *   format: (start) => formatInstantKey(start, utc),
 *   parse: parseInstantKey,
 *   shape: 'UTC start, such as `2026-01-01T00:00Z`',
 * };
 * ```
 */
export interface KeyFormat {
  /** The key of the window starting at `start`. */
  format(start: number): string;
  /** The start a key names, or `undefined` when the text has not the key's shape. */
  parse(key: string): number | undefined;
  /** The shape of a key, for messages: ``local start and UTC offset, `2026-01-01T00:00+01:00` ``. */
  readonly shape: string;
}

/**
 * What a {@link TickSpace} is made of.
 *
 * @example
 * ```ts
 * const parts: TickSpaceParts = { ticks: hours, keys, timezone: 'UTC', description: 'hourly' };
 * ```
 */
export interface TickSpaceParts {
  readonly ticks: Ticks;
  readonly keys: KeyFormat;
  readonly timezone: string;
  readonly description: string;
  /** No period starts before this instant. */
  readonly start?: number | undefined;
}

/**
 * A {@link PeriodSpace} whose periods are the windows between consecutive ticks, from the
 * first tick at or after `start`. Every method costs a few tick searches; `periods` is lazy.
 *
 * @example
 * ```ts
 * const space = new TickSpace({ ticks: hours, keys, timezone: 'UTC', description: 'hourly' });
 * space.containing(Date.UTC(2026, 0, 1, 5, 30))?.start; // Date.UTC(2026, 0, 1, 5)
 * ```
 */
export class TickSpace implements PeriodSpace {
  readonly kind = 'time';
  readonly timezone: string;
  readonly description: string;
  /** No period starts before this instant (the earliest instant handled when not given). */
  readonly start: number;
  readonly #ticks: Ticks;
  readonly #keys: KeyFormat;

  constructor(parts: TickSpaceParts) {
    this.#ticks = parts.ticks;
    this.#keys = parts.keys;
    this.timezone = parts.timezone;
    this.description = parts.description;
    this.start = Math.max(parts.start ?? TIME_DOMAIN.min, TIME_DOMAIN.min);
  }

  parse(key: string): Period {
    const start = typeof key === 'string' ? this.#keys.parse(key) : undefined;
    if (start === undefined) {
      this.#invalidKey(key, `Expected a period key of ${this.description} (${this.#keys.shape})`);
    }
    const isTick = start >= this.start && this.#ticks.atOrAfter(start, start + 1) === start;
    const period = isTick ? this.#window(start) : undefined;
    if (period === undefined) {
      const near = this.containing(start);
      this.#invalidKey(
        key,
        `Expected a key that starts a period of ${this.description}` +
          (near === undefined ? '' : ` (the period around that instant is \`${near.key}\`)`),
      );
    }
    if (period.key !== key) {
      this.#invalidKey(
        key,
        `Expected a period key of ${this.description} written in ${this.timezone}: \`${period.key}\``,
      );
    }
    return period;
  }

  containing(instant: number): Period | undefined {
    checkInstant('`instant`', instant);
    const start = this.#ticks.before(Math.floor(instant) + 1, this.start);
    const period = start === undefined ? undefined : this.#window(start);
    // Past the last tick (the year 2999), the last window does not reach the instant.
    return period !== undefined && instant < period.end ? period : undefined;
  }

  lastClosed(instant: number): Period | undefined {
    checkInstant('`instant`', instant);
    const end = this.#ticks.before(Math.floor(instant) + 1, this.start);
    if (end === undefined) return undefined;
    const start = this.#ticks.before(end, this.start);
    return start === undefined ? undefined : this.#freeze(start, end);
  }

  next(period: Period): Period | undefined {
    return this.#periodAt(this.#ticks.atOrAfter(Math.max(Math.ceil(period.end), this.start)));
  }

  previous(period: Period): Period | undefined {
    return this.lastClosed(period.start);
  }

  *periods(from: number, to: number, options?: PeriodRangeOptions): IterableIterator<Period> {
    checkRange(from, to);
    const within = options?.match !== 'overlapping';
    let period = within ? undefined : this.containing(Math.max(from, TIME_DOMAIN.min));
    period ??= this.#periodAt(this.#ticks.atOrAfter(Math.max(Math.ceil(from), this.start), to));
    while (period !== undefined && (within ? period.end <= to : period.start < to)) {
      yield period;
      // Windows are contiguous: the next one starts at this one's end, a tick.
      period = this.#window(period.end);
    }
  }

  /**
   * How many periods {@link TickSpace.periods} lists for `[from, to)` (windows within the
   * range): the ticks in `[from, to]` less one, as `Ticks.countIn` counts them when it can.
   *
   * @throws `INVALID_ARGUMENT` when `from` or `to` is not a number, or `from > to`.
   * @example
   * ```ts
   * space.countPeriods(Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 2)); // 24 for hourly ticks
   * ```
   */
  countPeriods(from: number, to: number): number {
    checkRange(from, to);
    const low = Math.max(Math.ceil(from), this.start);
    if (this.#ticks.countIn === undefined || !(low <= to)) {
      let count = 0;
      for (const _ of this.periods(from, to)) count++;
      return count;
    }
    // A window ends at a tick: the windows within the range lie between its ticks.
    return Math.max(this.#ticks.countIn(low, Math.floor(to) + 1) - 1, 0);
  }

  /** The period starting at tick `start` (`undefined` for no tick, or a tick with no next one). */
  #periodAt(start: number | undefined): Period | undefined {
    return start === undefined ? undefined : this.#window(start);
  }

  #window(start: number): Period | undefined {
    const end = this.#ticks.atOrAfter(start + 1);
    return end === undefined ? undefined : this.#freeze(start, end);
  }

  #freeze(start: number, end: number): Period {
    return Object.freeze({ key: this.#keys.format(start), start, end, timezone: this.timezone });
  }

  #invalidKey(key: unknown, expected: string): never {
    throw new TributaryError('INVALID_PERIOD_KEY', `${expected}, got ${describeValue(key)}`, {
      context: { received: key, space: this.description },
    });
  }
}
