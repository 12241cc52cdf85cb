import { TributaryError, describeValue } from '../errors/index.js';

/**
 * Offsets of IANA time zones, from the platform's `Intl` data and nothing else: no clock.
 *
 * An offset is in milliseconds, local time minus UTC (`3_600_000` for Europe/Paris in winter).
 * A zone's offset changes only at its transitions. They are found once per zone and UTC year,
 * by sampling the offset at every UTC midnight and bisecting each change to the millisecond,
 * then kept: after the first call for a year, an offset costs a scan of that year's few
 * transitions, and O(1) while look-ups stay in the span of one offset. Two transitions
 * less than a day apart would be seen as one; the tz database has none in this domain.
 */

const DAY = 86_400_000;

/**
 * The instants the time model handles: from 0001-01-02 to 2999-12-31 (UTC). Local dates have
 * four-digit years in every zone, and croner, which finds cron ticks, searches up to the year
 * 3000.
 *
 * @example
 * ```ts
 * new Date(TIME_DOMAIN.max).toISOString(); // '2999-12-31T00:00:00.000Z'
 * ```
 */
export const TIME_DOMAIN = { min: -62_135_510_400_000, max: 32_503_593_600_000 } as const;

/**
 * A change of a zone's offset: `before` until `at` (exclusive), `after` from `at`.
 *
 * @example
 * ```ts
 * // Paris springs forward at 01:00 UTC on 29 March 2026.
 * const spring: Transition = { at: Date.UTC(2026, 2, 29, 1), before: 3_600_000, after: 7_200_000 };
 * ```
 */
export interface Transition {
  readonly at: number;
  readonly before: number;
  readonly after: number;
}

/**
 * A stretch of time with one offset, around an instant: no transition happens in `(from, to)`
 * apart from none at all, `offset` holds on `[from, to)`, and `last` is the latest transition
 * at or before `from` (`undefined` when there is none in the year before). `to` is the next
 * transition, or the end of a UTC year when none comes before it.
 *
 * @example
 * ```ts
 * const span = zoneRules('Europe/Paris').spanAt(Date.UTC(2026, 5, 1));
 * span.from === Date.UTC(2026, 2, 29, 1) && span.to === Date.UTC(2026, 9, 25, 1); // true
 * ```
 */
export interface OffsetSpan {
  readonly from: number;
  readonly to: number;
  readonly offset: number;
  readonly last: Transition | undefined;
}

/** The offset at a UTC year's start and the transitions `t` with `start < t.at <= end`. */
interface YearRules {
  readonly offset: number;
  readonly transitions: readonly Transition[];
}

/**
 * One zone's offsets and transitions, computed from `Intl` and cached per UTC year.
 *
 * @example
 * ```ts
 * const paris = zoneRules('Europe/Paris');
 * paris.offsetAt(Date.UTC(2026, 0, 1)); // 3_600_000
 * paris.transitionsIn(Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1)).length; // 2
 * ```
 */
export class ZoneRules {
  /** The zone's IANA name, as `Intl` spells it (`'europe/paris'` becomes `'Europe/Paris'`). */
  readonly timezone: string;
  readonly #format: Intl.DateTimeFormat;
  readonly #years = new Map<number, YearRules>();
  /** The span of the last look-up: consecutive look-ups mostly fall in the same one. */
  #span: OffsetSpan = { from: 0, to: 0, offset: 0, last: undefined };

  constructor(format: Intl.DateTimeFormat) {
    this.#format = format;
    this.timezone = format.resolvedOptions().timeZone;
  }

  /** The offset in force at `instant` (milliseconds, local minus UTC). */
  offsetAt(instant: number): number {
    const span = this.#span;
    return span.from <= instant && instant < span.to ? span.offset : this.spanAt(instant).offset;
  }

  /**
   * The {@link OffsetSpan} holding `instant`: what a walk through time needs to step with
   * plain arithmetic until `to`. O(1) when `instant` is in the span of the last look-up, else
   * a scan of one or two years' transitions.
   */
  spanAt(instant: number): OffsetSpan {
    const cached = this.#span;
    if (cached.from <= instant && instant < cached.to) return cached;
    const year = yearOf(instant);
    const rules = this.#year(year);
    let last: Transition | undefined;
    let next: Transition | undefined;
    for (const transition of rules.transitions) {
      if (transition.at > instant) {
        next = transition;
        break;
      }
      last = transition;
    }
    // A transition at a year's first instant is listed by the year before.
    if (last === undefined && year > 1) last = this.#year(year - 1).transitions.at(-1);
    const start = Math.max(utcInstant(year, 1, 1), TIME_DOMAIN.min);
    const span: OffsetSpan = Object.freeze({
      from: last?.at ?? start,
      to: next?.at ?? utcInstant(year + 1, 1, 1),
      offset: last !== undefined && last.at <= instant ? last.after : rules.offset,
      last,
    });
    // Outside the domain, where `yearOf` clamps, the span does not hold `instant`: no caching.
    if (span.from <= instant && instant < span.to) this.#span = span;
    return span;
  }

  /** The transitions `t` with `from < t.at <= to`, in order. */
  transitionsIn(from: number, to: number): Transition[] {
    const found: Transition[] = [];
    if (to <= from) return found;
    // A transition at a year's first instant is listed by the year before.
    for (let year = yearOf(from - 1); year <= yearOf(to - 1); year++) {
      for (const transition of this.#year(year).transitions) {
        if (transition.at > from && transition.at <= to) found.push(transition);
      }
    }
    return found;
  }

  /** The local wall time of `instant`, as the epoch milliseconds of the same fields in UTC. */
  wallTime(instant: number): number {
    return instant + this.offsetAt(instant);
  }

  #year(year: number): YearRules {
    let rules = this.#years.get(year);
    if (rules === undefined) {
      rules = this.#sample(year);
      this.#years.set(year, rules);
    }
    return rules;
  }

  /** Sample the offset at every UTC midnight of `year` and its end, bisecting each change. */
  #sample(year: number): YearRules {
    // Year 1 starts at the domain's start: Intl writes the day before in years BC, unmarked.
    const start = Math.max(utcInstant(year, 1, 1), TIME_DOMAIN.min);
    const end = utcInstant(year + 1, 1, 1);
    const offset = this.#intlOffset(start);
    const transitions: Transition[] = [];
    let previous = { at: start, offset };
    for (let at = start + DAY; previous.at < end; at = Math.min(at + DAY, end)) {
      const current = { at, offset: this.#intlOffset(at) };
      if (current.offset !== previous.offset)
        transitions.push(this.#bisect(previous.at, current.at));
      previous = current;
    }
    return { offset, transitions };
  }

  /** The transition in `(low, high]`, given that the offsets at `low` and `high` differ. */
  #bisect(low: number, high: number): Transition {
    const before = this.#intlOffset(low);
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (this.#intlOffset(middle) === before) low = middle;
      else high = middle;
    }
    return { at: high, before, after: this.#intlOffset(high) };
  }

  #intlOffset(instant: number): number {
    const fields: Record<string, number> = {};
    for (const part of this.#format.formatToParts(instant)) {
      if (part.type !== 'literal') fields[part.type] = Number(part.value);
    }
    const wall = utcInstant(
      fields.year ?? 0,
      fields.month ?? 0,
      fields.day ?? 0,
      fields.hour ?? 0,
      fields.minute ?? 0,
      fields.second ?? 0,
    );
    return wall - Math.floor(instant / 1000) * 1000;
  }
}

const zones = new Map<string, ZoneRules>();

/**
 * The rules of an IANA time zone (`'Europe/Paris'`, `'UTC'`), shared by every caller. Fixed
 * offsets (`'+01:00'`) are refused even where `Intl` accepts them: a zone's offset comes from
 * its name, so a period key and its zone always agree.
 *
 * @throws `UNKNOWN_TIMEZONE` quoting the value, when it is not a time zone name `Intl` knows.
 * @example
 * ```ts
 * zoneRules('Europe/Paris').timezone; // 'Europe/Paris'
 * zoneRules('Mars/Olympus'); // throws UNKNOWN_TIMEZONE
 * ```
 */
export function zoneRules(timezone: unknown): ZoneRules {
  if (typeof timezone === 'string') {
    const known = zones.get(timezone);
    if (known !== undefined) return known;
  }
  let format: Intl.DateTimeFormat | undefined;
  if (typeof timezone === 'string' && /^[A-Za-z]/.test(timezone)) {
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone: timezone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      format = undefined;
    }
  }
  if (format === undefined) {
    throw new TributaryError(
      'UNKNOWN_TIMEZONE',
      `Expected an IANA time zone name such as \`Europe/Paris\` or \`UTC\`, got ${describeValue(timezone)}`,
      { context: { received: typeof timezone === 'string' ? timezone : String(timezone) } },
    );
  }
  const rules = new ZoneRules(format);
  zones.set(timezone as string, rules);
  return rules;
}

/**
 * Epoch milliseconds of a UTC date and time, for every year from 1 (`Date.UTC` maps 0-99 to
 * 1900-1999).
 *
 * @example
 * ```ts
 * utcInstant(2026, 3, 29, 1, 0); // Date.UTC(2026, 2, 29, 1, 0)
 * ```
 */
export function utcInstant(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  millisecond = 0,
): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millisecond);
  return date.getTime();
}

function yearOf(instant: number): number {
  return new Date(Math.min(Math.max(instant, TIME_DOMAIN.min), TIME_DOMAIN.max)).getUTCFullYear();
}
