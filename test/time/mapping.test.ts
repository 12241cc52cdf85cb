import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  UNPARTITIONED,
  UNPARTITIONED_SPACE,
  cronSchedule,
  identityMapping,
  requirementMet,
  sameWindowMapping,
  type MappingSpaces,
  type Period,
} from '../../src/time/index.js';
import { expectError } from '../graph/random-dag.js';
import { ZONES } from './schedules.js';

const at = (iso: string) => Date.parse(iso);
const hourlyParis = cronSchedule('0 * * * *', { timezone: 'Europe/Paris' });
const hourlyUtc = cronSchedule('0 * * * *');
const dailyParis = cronSchedule('0 0 * * *', { timezone: 'Europe/Paris' });

describe('the unpartitioned space', () => {
  it('has one period, key "", containing every instant', () => {
    expect(UNPARTITIONED_SPACE.parse('')).toBe(UNPARTITIONED);
    expect(UNPARTITIONED_SPACE.containing(at('2026-01-01T00:00Z'))).toBe(UNPARTITIONED);
    expect(UNPARTITIONED_SPACE.lastClosed(at('2026-01-01T00:00Z'))).toBeUndefined();
    expect(UNPARTITIONED_SPACE.next(UNPARTITIONED)).toBeUndefined();
    expect(UNPARTITIONED_SPACE.previous(UNPARTITIONED)).toBeUndefined();
    expect([...UNPARTITIONED_SPACE.periods(0, 1, { match: 'overlapping' })]).toEqual([
      UNPARTITIONED,
    ]);
    expect([...UNPARTITIONED_SPACE.periods(0, 1)]).toEqual([]);
    expect([...UNPARTITIONED_SPACE.periods(-Infinity, Infinity)]).toEqual([UNPARTITIONED]);
    expect(JSON.parse(JSON.stringify(UNPARTITIONED))).toEqual(UNPARTITIONED);
    expect(Object.isFrozen(UNPARTITIONED)).toBe(true);
    expectError(() => UNPARTITIONED_SPACE.containing(Number.NaN), 'INVALID_ARGUMENT');
    const error = expectError(() => UNPARTITIONED_SPACE.parse('2026-01-01'), 'INVALID_PERIOD_KEY');
    expect(error.message).toContain('`"2026-01-01"` (string)');
  });
});

describe('identity', () => {
  it('maps a period to the upstream period with the same key', () => {
    const period = hourlyParis.parse('2026-10-25T02:00+01:00');
    const spaces = { upstream: hourlyParis, downstream: hourlyParis };
    expect(identityMapping.upstream(period, spaces)).toEqual({
      periods: [period],
      require: { kind: 'all' },
    });
    expect([...identityMapping.downstream(period, spaces)]).toEqual([period]);
    const none = { upstream: UNPARTITIONED_SPACE, downstream: UNPARTITIONED_SPACE };
    expect(identityMapping.upstream(UNPARTITIONED, none).periods).toEqual([UNPARTITIONED]);
  });

  it('fails with PERIOD_NOT_MAPPED when the key is no upstream period, and maps nothing back', () => {
    const period = hourlyParis.parse('2026-06-01T12:00+02:00');
    const spaces = { upstream: hourlyUtc, downstream: hourlyParis };
    const error = expectError(() => identityMapping.upstream(period, spaces), 'PERIOD_NOT_MAPPED');
    expect(error.message).toContain('`identity`');
    expect(error.message).toContain('`2026-06-01T12:00+02:00`');
    expect(error.context).toMatchObject({ mapping: 'identity', period: '2026-06-01T12:00+02:00' });
    expect((error.cause as { code: string }).code).toBe('INVALID_PERIOD_KEY');
    const back = { upstream: hourlyParis, downstream: hourlyUtc };
    expect([...identityMapping.downstream(period, back)]).toEqual([]);
  });
});

describe('sameWindow', () => {
  it('maps to the upstream period with the same window, whatever its key', () => {
    const period = hourlyParis.parse('2026-06-01T12:00+02:00');
    const spaces = { upstream: hourlyUtc, downstream: hourlyParis };
    expect(sameWindowMapping.upstream(period, spaces).periods.map((p) => p.key)).toEqual([
      '2026-06-01T10:00Z',
    ]);
  });

  it('maps an hour to the day that covers it, and a day back to its 23, 24 or 25 hours', () => {
    const spaces = { upstream: dailyParis, downstream: hourlyParis };
    const hour = hourlyParis.parse('2026-10-25T02:00+01:00');
    expect(sameWindowMapping.upstream(hour, spaces).periods.map((p) => p.key)).toEqual([
      '2026-10-25T00:00+02:00',
    ]);
    const hours = (key: string) => [...sameWindowMapping.downstream(dailyParis.parse(key), spaces)];
    expect(hours('2026-10-25T00:00+02:00')).toHaveLength(25);
    expect(hours('2026-03-29T00:00+01:00')).toHaveLength(23);
    expect(hours('2026-06-01T00:00+02:00')).toHaveLength(24);
  });

  it('refuses a window that spans several upstream periods: that takes a time-window mapping', () => {
    const day = dailyParis.parse('2026-06-01T00:00+02:00');
    const spaces = { upstream: hourlyParis, downstream: dailyParis };
    const error = expectError(() => sameWindowMapping.upstream(day, spaces), 'PERIOD_NOT_MAPPED');
    expect(error.message).toContain('`2026-06-01T00:00+02:00`');
    expect(error.message).toContain('ends before the window does');
    const unpartitioned = { upstream: hourlyParis, downstream: UNPARTITIONED_SPACE };
    expectError(
      () => sameWindowMapping.upstream(UNPARTITIONED, unpartitioned),
      'PERIOD_NOT_MAPPED',
    );
  });

  it('maps any period onto an unpartitioned upstream', () => {
    const hour = hourlyParis.parse('2026-06-01T12:00+02:00');
    const spaces = { upstream: UNPARTITIONED_SPACE, downstream: hourlyParis };
    expect(sameWindowMapping.upstream(hour, spaces).periods).toEqual([UNPARTITIONED]);
  });

  it('agrees with its inverse, for random schedules', () => {
    const expression = fc.constantFrom(
      '0 * * * *',
      '*/30 * * * *',
      '0 0 * * *',
      '0 */6 * * *',
      '30 2 * * *',
    );
    fc.assert(
      fc.property(
        expression,
        expression,
        fc.constantFrom(...ZONES),
        fc.constantFrom(...ZONES),
        fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }),
        (up, down, upZone, downZone, instant) => {
          const spaces: MappingSpaces = {
            upstream: cronSchedule(up, { timezone: upZone }),
            downstream: cronSchedule(down, { timezone: downZone }),
          };
          const period = spaces.downstream.containing(instant)!;
          let upstream: readonly Period[];
          try {
            upstream = sameWindowMapping.upstream(period, spaces).periods;
          } catch {
            // Not mapped: no upstream period maps back to it either.
            const around = spaces.upstream.containing(period.start)!;
            expect(keysOf(sameWindowMapping.downstream(around, spaces))).not.toContain(period.key);
            return;
          }
          expect(upstream).toHaveLength(1);
          expect(upstream[0]!.start).toBeLessThanOrEqual(period.start);
          expect(upstream[0]!.end).toBeGreaterThanOrEqual(period.end);
          expect(keysOf(sameWindowMapping.downstream(upstream[0]!, spaces))).toContain(period.key);
          for (const down of sameWindowMapping.downstream(upstream[0]!, spaces)) {
            expect(sameWindowMapping.upstream(down, spaces).periods).toEqual(upstream);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('requirementMet', () => {
  const hours = [...hourlyUtc.periods(at('2026-06-01T00:00Z'), at('2026-06-02T00:00Z'))];
  const done = (count: number) => (period: Period) => hours.indexOf(period) < count;

  it('needs every period for `all`, and `count` of them for `atLeast`', () => {
    expect(requirementMet({ periods: hours, require: { kind: 'all' } }, done(24))).toBe(true);
    expect(requirementMet({ periods: hours, require: { kind: 'all' } }, done(23))).toBe(false);
    const twenty = { periods: hours, require: { kind: 'atLeast', count: 20 } } as const;
    expect(requirementMet(twenty, done(20))).toBe(true);
    expect(requirementMet(twenty, done(19))).toBe(false);
  });
});

function keysOf(periods: Iterable<Period>): string[] {
  return [...periods].map((p) => p.key);
}
