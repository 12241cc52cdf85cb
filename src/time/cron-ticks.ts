import { Cron, CronPattern } from 'croner';
import { TributaryError, describeValue } from '../errors/index.js';
import type { Ticks } from './tick-space.js';
import { TIME_DOMAIN, type Transition, type ZoneRules } from './zoned-time.js';

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
 */

/** A gap or fold lasts far less than this; transitions are farther apart than this. */
const SHIFT_MAX = 2 * 86_400_000;
const MINUTE = 60_000;

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
    if (this.#wallAtOrAfter(TIME_DOMAIN.min) === undefined) {
      invalidCron(expression, 'a cron expression that fires at least once');
    }
  }

  atOrAfter(from: number, before = Infinity): number | undefined {
    const zone = this.#zone;
    let t = Math.max(Math.ceil(from), TIME_DOMAIN.min);
    const limit = Math.min(before, TIME_DOMAIN.max);
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

  /** The first wall time of the gap at `transition` that fires at or after `t`, shifted. */
  #gapTick(transition: Transition, t: number): number | undefined {
    const { at, before, after } = transition;
    if (after <= before || t >= at + (after - before)) return undefined;
    const wall = this.#wallAtOrAfter(t + before);
    return wall !== undefined && wall < at + after ? wall - before : undefined;
  }

  /** The first wall time at or after `wall` that the expression matches. */
  #wallAtOrAfter(wall: number): number | undefined {
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
