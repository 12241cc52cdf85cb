import { Cron, CronPattern } from 'croner';
import { TributaryError, describeValue } from '../errors/index.js';
import type { Ticks } from './tick-space.js';
import { type WallSteps, wallSteps } from './wall-steps.js';
import { type OffsetSpan, TIME_DOMAIN, type Transition, type ZoneRules } from './zoned-time.js';

/**
 * The instants a cron expression fires at in a time zone, with Tributary's daylight-saving
 * rules (docs/time.md):
 *
 * - A local time that does not exist (spring forward) fires at the same minutes after the
 *   gap, that is shifted by the gap's length (Paris: 02:30 fires at 03:30), once even when
 *   that instant also is a tick of its own (`0 2,3 * * *` fires once at 03:00).
 * - A local time that happens twice (fall back) fires once, at its first occurrence, unless
 *   the expression fires in every hour of the day (its hours are all 24, as in `0 * * * *` or
 *   `*\/15 * * * *`): such an expression is a frequency, and fires in both passes.
 *
 * croner is used as a matcher of local wall times only (run in UTC, where no time is skipped
 * or repeated); mapping wall times to instants is done here, where the rules above live.
 *
 * Method: the zone's offset is constant between transitions. Within such a segment, a wall
 * time `w` fires at `w - offset`. A segment that starts at a gap adds the gap's wall times,
 * read with the offset before the gap; a segment that starts at a fold drops the wall times of
 * the fold's second pass unless the expression is a frequency. A search visits the segments
 * in order and stops at the first (or last) instant; each step costs one croner search.
 *
 * Fast path, for the calendar expressions of hourly to monthly partitions ({@link wallSteps}):
 * away from a transition (no gap or fold in play: the latest transition is at least its shift
 * behind, the next one beyond the tick), the method above reduces to "the next matching wall
 * time, minus the span's offset", which is arithmetic. Near transitions, and for any other
 * expression, the general search runs. So a walk through hourly ticks costs O(1) per tick, and
 * counting ticks jumps a whole span of one offset at once: O(transitions crossed).
 */

/** A gap or fold lasts far less than this; transitions are farther apart than this. */
const SHIFT_MAX = 2 * 86_400_000;
const MINUTE = 60_000;

/**
 * The fast path serves ticks from the year 100 (croner, like `Date`, reads years 0-99 as
 * 1900-1999 in places) to a day before the domain's end (where croner stops finding ticks).
 */
const FAST_FROM = -59_011_459_200_000;
const FAST_TO = TIME_DOMAIN.max - 86_400_000;

/** The fields of a five-field cron expression, or a nickname such as `@daily`. */
const SHAPE = /^\s*(@\w+|\S+\s+\S+\s+\S+\s+\S+\s+\S+)\s*$/;

/**
 * The ticks of a cron expression in a zone.
 *
 * @throws `INVALID_CRON` quoting the expression, when it does not parse or never fires.
 * @example
 * ```ts
 * const ticks = new CronTicks('30 2 * * *', zoneRules('Europe/Paris'));
 * ticks.atOrAfter(Date.UTC(2026, 2, 29)); // Date.UTC(2026, 2, 29, 1, 30): 03:30 CEST
 * ```
 */
export class CronTicks implements Ticks {
  readonly #cron: Cron;
  readonly #zone: ZoneRules;
  /** Fires in every hour of the day: a frequency, which fires in both passes of a fold. */
  readonly #everyHour: boolean;
  /** The expression's matches as arithmetic, for calendar expressions. */
  readonly #steps: WallSteps | undefined;

  constructor(expression: unknown, zone: ZoneRules) {
    if (typeof expression !== 'string' || !SHAPE.test(expression)) {
      invalidCron(
        expression,
        'five fields (minute hour day-of-month month day-of-week) or a nickname such as `@daily`',
      );
    }
    let pattern: CronPattern;
    try {
      pattern = new CronPattern(expression.trim(), undefined, { mode: '5-part' });
      this.#cron = new Cron(expression.trim(), { utcOffset: 0, mode: '5-part' });
    } catch (error) {
      invalidCron(expression, 'a cron expression', error);
    }
    this.#zone = zone;
    this.#everyHour = pattern.hour.every((hour) => hour === 1);
    this.#steps = wallSteps(expression);
    if (this.#wallAtOrAfter(TIME_DOMAIN.min) === undefined) {
      invalidCron(expression, 'a cron expression that fires at least once');
    }
  }

  atOrAfter(from: number, before = Infinity): number | undefined {
    const zone = this.#zone;
    let t = Math.max(Math.ceil(from), TIME_DOMAIN.min);
    const limit = Math.min(before, TIME_DOMAIN.max);
    if (t < limit) {
      const tick = this.#fastAtOrAfter(t);
      if (tick !== undefined) return tick < limit ? tick : undefined;
    }
    while (t < limit) {
      const offset = zone.offsetAt(t);
      const last = zone.transitionsIn(t - SHIFT_MAX, t).at(-1);
      const shifted = last === undefined ? undefined : this.#gapTick(last, t);
      let low = t + offset;
      if (last !== undefined && last.after < last.before && !this.#everyHour) {
        low = Math.max(low, last.at + last.before);
      }
      const wall = this.#wallAtOrAfter(low);
      const tick = wall === undefined ? undefined : wall - offset;
      if (shifted !== undefined && (tick === undefined || shifted <= tick)) {
        return shifted < limit ? shifted : undefined;
      }
      if (tick === undefined) return undefined;
      // `tick` holds if the offset does not change before it; else go on from the change.
      const crossed = zone.transitionsIn(t, Math.min(tick, limit))[0];
      if (crossed === undefined) return tick < limit ? tick : undefined;
      if (shifted !== undefined) return shifted < limit ? shifted : undefined;
      t = crossed.at;
    }
    return undefined;
  }

  before(to: number, floor = -Infinity): number | undefined {
    const low = Math.max(floor, TIME_DOMAIN.min);
    const end = Math.min(Math.ceil(to), TIME_DOMAIN.max);
    if (end <= low) return undefined;
    // A first window from the wall-time search, widened until it holds a tick.
    const offset = this.#zone.offsetAt(end - 1);
    const wall = this.#cron.previousRuns(1, new Date(end + offset))[0]?.getTime();
    let span = (wall === undefined ? 0 : end - (wall - offset)) + 4 * MINUTE;
    for (;;) {
      const from = Math.max(end - span, low);
      let last: number | undefined;
      for (let t = this.atOrAfter(from, end); t !== undefined; t = this.atOrAfter(t + 1, end)) {
        last = t;
      }
      if (last !== undefined || from === low) return last;
      span *= 2;
    }
  }

  /**
   * How many ticks fall in `[from, to)`. Jumps over each span of one offset with the
   * arithmetic of {@link wallSteps}: O(transitions crossed) for calendar expressions; other
   * expressions walk tick by tick.
   */
  countIn(from: number, to: number): number {
    const steps = this.#steps;
    let count = 0;
    for (let t = this.atOrAfter(from, to); t !== undefined; t = this.atOrAfter(t + 1, to)) {
      count++;
      // The ticks after `t` that the fast path would list one by one, counted at once.
      const span = steps === undefined ? undefined : this.#fastSpan(t + 1);
      if (steps === undefined || span === undefined) continue;
      const end = Math.min(span.to, FAST_TO, to);
      const first = steps.index(t + 1 + span.offset);
      const beyond = steps.index(end + span.offset);
      if (beyond > first) {
        count += beyond - first;
        t = steps.at(beyond - 1) - span.offset;
      }
    }
    return count;
  }

  /**
   * The first tick at or after `t` by the fast path, or `undefined` when it does not apply
   * there (then the general search decides).
   */
  #fastAtOrAfter(t: number): number | undefined {
    const span = this.#steps === undefined ? undefined : this.#fastSpan(t);
    if (span === undefined) return undefined;
    const steps = this.#steps!;
    const tick = steps.at(steps.index(t + span.offset)) - span.offset;
    return tick < span.to && tick < FAST_TO ? tick : undefined;
  }

  /**
   * The span of one offset holding `t`, when the general search from `t` reduces to the
   * arithmetic: `t` is in the fast range, and the latest transition is at least its shift
   * behind (no gap tick, no fold's second pass left to handle).
   */
  #fastSpan(t: number): OffsetSpan | undefined {
    if (t < FAST_FROM || t >= FAST_TO) return undefined;
    const span = this.#zone.spanAt(t);
    const last = span.last;
    return last === undefined || t >= last.at + Math.abs(last.after - last.before)
      ? span
      : undefined;
  }

  /** The first wall time of the gap at `transition` that fires at or after `t`, shifted. */
  #gapTick(transition: Transition, t: number): number | undefined {
    const { at, before, after } = transition;
    if (after <= before || t >= at + (after - before)) return undefined;
    const wall = this.#wallAtOrAfter(t + before);
    return wall !== undefined && wall < at + after ? wall - before : undefined;
  }

  /** The first wall time at or after `wall` that the expression matches. */
  #wallAtOrAfter(wall: number): number | undefined {
    const steps = this.#steps;
    if (steps !== undefined && wall >= FAST_FROM && wall < FAST_TO) {
      return steps.at(steps.index(Math.ceil(wall)));
    }
    return this.#cron.nextRun(new Date(wall - 1))?.getTime();
  }
}

function invalidCron(received: unknown, expected: string, cause?: unknown): never {
  const reason = cause instanceof Error ? ` (${cause.message})` : '';
  throw new TributaryError(
    'INVALID_CRON',
    `Expected ${expected}, got ${describeValue(received)}${reason}`,
    { context: { received: typeof received === 'string' ? received : String(received) }, cause },
  );
}
