import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cronSchedule, zoneRules } from '../../src/time/index.js';
import { ZONES, bruteForceTicks, cronExpression } from './schedules.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * A minute-aligned instant 1 to 22 hours before one of the zone's transitions (a day from it
 * spans the transition), or any month start for zones without transitions.
 */
const nearTransition = fc
  .tuple(
    fc.constantFrom(...ZONES),
    fc.integer({ min: 2018, max: 2027 }),
    fc.nat(),
    fc.integer({ min: -22 * 60, max: -60 }),
  )
  .map(([zone, year, pick, minutes]) => {
    const transitions = zoneRules(zone).transitionsIn(
      Date.UTC(year, 0, 1),
      Date.UTC(year + 1, 0, 1),
    );
    const anchor =
      transitions[pick % Math.max(transitions.length, 1)]?.at ?? Date.UTC(year, pick % 12, 1);
    return { zone, instant: Math.floor(anchor / MINUTE) * MINUTE + minutes * MINUTE };
  });

describe('cron schedules, property-tested', () => {
  it('fire exactly where a minute-by-minute reading of the DST rules says', () => {
    fc.assert(
      fc.property(cronExpression, nearTransition, (expression, { zone, instant }) => {
        const schedule = cronSchedule(expression, { timezone: zone });
        const to = instant + DAY;
        const starts = [...schedule.periods(instant, to, { match: 'overlapping' })]
          .map((p) => p.start)
          .filter((start) => start >= instant);
        expect(starts).toEqual(bruteForceTicks(expression, zone, instant, to));
      }),
      { numRuns: 60 },
    );
  });

  it('slice time into contiguous, disjoint periods with unique keys that parse back', () => {
    fc.assert(
      fc.property(
        cronExpression,
        fc.constantFrom(...ZONES),
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }),
        (expression, zone, instant) => {
          const schedule = cronSchedule(expression, { timezone: zone });
          const period = schedule.containing(instant)!;
          expect(period.start).toBeLessThanOrEqual(instant);
          expect(period.end).toBeGreaterThan(instant);
          expect(schedule.parse(period.key)).toEqual(period);
          const next = schedule.next(period)!;
          expect(next.start).toBe(period.end);
          expect(schedule.previous(next)).toEqual(period);
          const closed = schedule.lastClosed(instant)!;
          expect(closed.end).toBeLessThanOrEqual(instant);
          expect(schedule.next(closed)).toEqual(period);

          const listed = [...schedule.periods(period.start, period.start + 2 * DAY)];
          expect(new Set(listed.map((p) => p.key)).size).toBe(listed.length);
          listed.forEach((p, i) => {
            if (i > 0) expect(p.start).toBe(listed[i - 1]!.end);
            expect(p.end).toBeGreaterThan(p.start);
            expect(schedule.parse(p.key)).toEqual(p);
          });
        },
      ),
      { numRuns: 150 },
    );
  });
});
