import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dateOfDay, dayOfDate } from '../../src/time/civil-date.js';
import { CronTicks } from '../../src/time/cron-ticks.js';
import { formatLocalDate } from '../../src/time/local-time.js';
import {
  TickSpace,
  countPartitions,
  dailyPartitions,
  formatInstantKey,
  hourlyPartitions,
  monthlyPartitions,
  partitionRange,
  weeklyPartitions,
  zoneRules,
} from '../../src/time/index.js';
import type { PeriodSpace } from '../../src/time/index.js';
import { ZONES } from './schedules.js';

/**
 * The fast path (calendar expressions stepped by arithmetic between transitions, keys written
 * without `Date`, counts that jump) against the general one: an expression with a month field
 * of `1-12` means the same but is no calendar shape, so it takes the cron search; keys are
 * checked against the `Date`-based writing they replaced.
 */

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** The test zones, and some with transitions at midnight, odd offsets or a skipped day. */
const MORE_ZONES = [
  ...ZONES,
  'Asia/Beirut',
  'America/Havana',
  'Africa/Casablanca',
  'Pacific/Apia',
  'America/St_Johns',
  'Europe/Dublin',
] as const;

/** A calendar expression (fast path) and the same schedule written to miss it (slow path). */
const calendarExpression = fc.oneof(
  fc.constantFrom('0', '30', '59').map((m) => [`${m} * * * *`, `${m} 0-23 * * *`]),
  fc
    .tuple(fc.constantFrom('0', '30'), fc.constantFrom('0', '1', '2', '23'))
    .map(([m, h]) => [`${m} ${h} * * *`, `${m} ${h} * 1-12 *`]),
  fc
    .tuple(
      fc.constantFrom('0', '0', '30'),
      fc.constantFrom('0', '2'),
      fc.integer({ min: 0, max: 7 }),
    )
    .map(([m, h, d]) => [`${m} ${h} * * ${d}`, `${m} ${h} * 1-12 ${d}`]),
  fc
    .tuple(fc.constantFrom('0', '30'), fc.constantFrom('0', '2'), fc.constantFrom(1, 15, 28))
    .map(([m, h, d]) => [`${m} ${h} ${d} * *`, `${m} ${h} ${d} 1-12 *`]),
) as fc.Arbitrary<[string, string]>;

/** An instant near one of the zone's transitions (or anywhere), mostly from 1850 to 2060. */
const instantIn = (zone: string) =>
  fc
    .tuple(
      fc.oneof(
        { arbitrary: fc.integer({ min: 1850, max: 2060 }), weight: 4 },
        { arbitrary: fc.integer({ min: 1, max: 2998 }), weight: 1 },
      ),
      fc.nat(),
      fc.integer({ min: -3 * DAY, max: DAY }),
    )
    .map(([year, pick, shift]) => {
      const transitions = zoneRules(zone).transitionsIn(
        Date.UTC(year, 0, 1),
        Date.UTC(year + 1, 0, 1),
      );
      const anchor =
        transitions[pick % (transitions.length + 1)]?.at ??
        Date.UTC(year, pick % 12, 1 + (pick % 28));
      return anchor + shift;
    });

const zoneAndInstant = fc
  .constantFrom(...MORE_ZONES)
  .chain((zone) => fc.tuple(fc.constant(zone), instantIn(zone)));

function walk(ticks: CronTicks, from: number, count: number): number[] {
  const found: number[] = [];
  for (let t = ticks.atOrAfter(from); t !== undefined && found.length < count;) {
    found.push(t);
    t = ticks.atOrAfter(t + 1);
  }
  return found;
}

/** The key writing replaced by arithmetic, kept here as the reference. */
function dateKey(instant: number, offset: number): string {
  const wall = new Date(instant + offset);
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  let text =
    `${pad(wall.getUTCFullYear(), 4)}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}` +
    `T${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}`;
  if (wall.getUTCSeconds() !== 0 || wall.getUTCMilliseconds() !== 0) {
    text += `:${pad(wall.getUTCSeconds())}`;
  }
  if (wall.getUTCMilliseconds() !== 0) text += `.${pad(wall.getUTCMilliseconds(), 3)}`;
  if (offset === 0) return `${text}Z`;
  const total = Math.abs(offset) / 1000;
  const seconds = total % 60;
  return (
    `${text}${offset < 0 ? '-' : '+'}${pad(Math.floor(total / 3600))}:` +
    `${pad(Math.floor(total / 60) % 60)}${seconds === 0 ? '' : `:${pad(seconds)}`}`
  );
}

describe('the fast path of calendar schedules, property-tested', () => {
  it('finds the same ticks as the cron search, across transitions', () => {
    fc.assert(
      fc.property(calendarExpression, zoneAndInstant, ([fast, slow], [zone, from]) => {
        const rules = zoneRules(zone);
        const fastTicks = new CronTicks(fast, rules);
        const slowTicks = new CronTicks(slow, rules);
        const steps = fast.includes(' * * * *') ? 80 : 12;
        expect(walk(fastTicks, from, steps)).toEqual(walk(slowTicks, from, steps));
        const to = from + (fast.includes(' * * * *') ? 5 * DAY : 400 * DAY);
        expect(fastTicks.before(to, from)).toBe(slowTicks.before(to, from));
        let walked = 0;
        for (
          let t = slowTicks.atOrAfter(from, to);
          t !== undefined;
          t = slowTicks.atOrAfter(t + 1, to)
        ) {
          walked++;
        }
        expect(fastTicks.countIn(from, to)).toBe(walked);
      }),
      { numRuns: 300 },
    );
  });

  it('counts periods as a walk does, over ranges of years', () => {
    fc.assert(
      fc.property(
        calendarExpression,
        zoneAndInstant,
        fc.integer({ min: 0, max: 3 * 365 * DAY }),
        ([fast], [zone, from], length) => {
          const rules = zoneRules(zone);
          const space = new TickSpace({
            ticks: new CronTicks(fast, rules),
            keys: { format: String, parse: Number, shape: 'ms' },
            timezone: zone,
            description: fast,
          });
          const to = from + (fast.includes(' * * * *') ? Math.floor(length / 20) : length);
          let walked = 0;
          for (const _ of space.periods(from, to)) walked++;
          expect(space.countPeriods(from, to)).toBe(walked);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('writes the keys the Date-based writing did', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...MORE_ZONES, 'Europe/Paris'),
        fc.integer({ min: -62_135_510_400_000 + DAY, max: 32_503_593_600_000 - DAY }),
        fc.constantFrom(1, 60_000, HOUR),
        (zone, instant, unit) => {
          const rules = zoneRules(zone);
          const start = Math.floor(instant / unit) * unit;
          const offset = rules.offsetAt(start);
          expect(formatInstantKey(start, rules)).toBe(dateKey(start, offset));
          expect(formatLocalDate(start, rules)).toBe(dateKey(start, offset).slice(0, 10));
          expect(formatLocalDate(start, rules, true)).toBe(dateKey(start, offset).slice(0, 7));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('converts day numbers as Date does, in both directions', () => {
    fc.assert(
      fc.property(fc.integer({ min: -719_162, max: 376_000 }), (days) => {
        const date = new Date(days * DAY);
        const fields = dateOfDay(days, [0, 0, 0]);
        expect(fields).toEqual([date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()]);
        expect(dayOfDate(...fields)).toBe(days);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('partitionRange and countPartitions of time partitions, property-tested', () => {
  const granularities = {
    hourly: (timezone: string) => hourlyPartitions({ start: 0, timezone }),
    daily: (timezone: string) => dailyPartitions({ start: 0, timezone }),
    weekly: (timezone: string) => weeklyPartitions({ start: 0, timezone, weekStartsOn: 0 }),
    monthly: (timezone: string) => monthlyPartitions({ start: 0, timezone }),
  } satisfies Record<string, (timezone: string) => PeriodSpace>;
  /** The same windows found by the cron search (a month field `1-12`), keyed as the space does. */
  const slowExpression = {
    hourly: '0 0-23 * 1-12 *',
    daily: '0 0 * 1-12 *',
    weekly: '0 0 * 1-12 0',
    monthly: '0 0 1 1-12 *',
  };

  it('list the windows and keys of the cron search, and count them', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('hourly', 'daily', 'weekly', 'monthly'),
        fc.constantFrom(...MORE_ZONES),
        fc.integer({ min: Date.UTC(1975, 0, 1), max: Date.UTC(2045, 0, 1) }),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 1, max: 2000 }),
        (granularity, zone, instant, periods, limit) => {
          const space = granularities[granularity](zone);
          const first = space.containing(instant)!;
          const slow = new CronTicks(slowExpression[granularity], zoneRules(zone));
          const count = Math.max(periods, 1);
          const starts = [first.start];
          while (starts.length <= count) starts.push(slow.atOrAfter(starts.at(-1)! + 1)!);
          const last = space.containing(starts[count - 1]!)!;
          const listed = [...partitionRange(space, first.key, last.key)];
          expect(listed.map((p) => p.start)).toEqual(starts.slice(0, count));
          expect(listed.map((p) => p.end)).toEqual(starts.slice(1));
          const width = { hourly: undefined, daily: 10, weekly: 10, monthly: 7 }[granularity];
          expect(listed.map((p) => p.key)).toEqual(
            listed.map((p) => dateKey(p.start, zoneRules(zone).offsetAt(p.start)).slice(0, width)),
          );
          for (const period of listed) {
            expect(space.parse(period.key)).toEqual(period);
            expect(Object.isFrozen(period)).toBe(true);
          }
          expect(countPartitions(space, first.key, last.key)).toBe(listed.length);
          expect(countPartitions(space, first.key, last.key, { limit })).toBe(
            Math.min(listed.length, limit),
          );
        },
      ),
      { numRuns: 150 },
    );
  });
});
