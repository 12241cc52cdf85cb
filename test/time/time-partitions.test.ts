import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  UNPARTITIONED_SPACE,
  cronSchedule,
  dailyPartitions,
  hourlyPartitions,
  monthlyPartitions,
  weeklyPartitions,
  type CronSchedule,
} from '../../src/time/index.js';
import { expectError } from '../graph/random-dag.js';

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const hours = (space: CronSchedule, key: string) => {
  const period = space.parse(key);
  return (period.end - period.start) / HOUR;
};

describe('time partitions', () => {
  it('are cron schedules of kind time, with a description naming zone and start', () => {
    const daily = dailyPartitions({
      start: '2024-01-01',
      timezone: 'Europe/Paris',
      delayMs: 60_000,
    });
    expect(daily.kind).toBe('time');
    expect(daily.expression).toBe('0 0 * * *');
    expect(daily.delay).toBe(60_000);
    expect(daily.description).toBe('daily partitions in Europe/Paris from 2024-01-01');
    expect(hourlyPartitions({ start: Date.UTC(2024, 0, 1) }).description).toBe(
      'hourly partitions in UTC from 2024-01-01T00:00Z',
    );
    expect(weeklyPartitions({ start: '2024-01-07', weekStartsOn: 0 }).description).toBe(
      'weekly partitions (weeks from Sunday) in UTC from 2024-01-07',
    );
    expect(monthlyPartitions({ start: '2024-01-01' }).expression).toBe('0 0 1 * *');
  });

  it('key hours by local start and offset: the repeated fall-back hour has two keys', () => {
    const hourly = hourlyPartitions({ start: '2026-01-01T00:00', timezone: 'Europe/Paris' });
    const keys = [...hourly.periods(at('2026-10-24T23:00Z'), at('2026-10-25T03:00Z'))].map(
      (p) => p.key,
    );
    expect(keys).toEqual([
      '2026-10-25T01:00+02:00',
      '2026-10-25T02:00+02:00',
      '2026-10-25T02:00+01:00',
      '2026-10-25T03:00+01:00',
    ]);
    expect(hourly.parse('2026-10-25T02:00+01:00').start).toBe(at('2026-10-25T01:00Z'));
    expect(hourly.parse('2026-01-01T00:00+01:00').start).toBe(at('2025-12-31T23:00Z'));
    expectError(() => hourly.parse('2025-12-31T23:00+01:00'), 'INVALID_PERIOD_KEY');
  });

  it('key days by local date: 23 hours in spring, 25 in autumn (Paris and New York)', () => {
    const paris = dailyPartitions({ start: '2024-01-01', timezone: 'Europe/Paris' });
    expect(hours(paris, '2026-03-29')).toBe(23);
    expect(hours(paris, '2026-10-25')).toBe(25);
    expect(hours(paris, '2026-06-01')).toBe(24);
    expect(paris.parse('2026-10-25').start).toBe(at('2026-10-24T22:00Z'));
    expect(paris.containing(at('2026-10-25T22:59Z'))?.key).toBe('2026-10-25');
    expect(paris.containing(at('2026-10-25T23:00Z'))?.key).toBe('2026-10-26');
    const newYork = dailyPartitions({ start: '2024-01-01', timezone: 'America/New_York' });
    expect(hours(newYork, '2026-03-08')).toBe(23);
    expect(hours(newYork, '2026-11-01')).toBe(25);
    expect(newYork.parse('2026-11-01').start).toBe(at('2026-11-01T04:00Z'));
    const lordHowe = dailyPartitions({ start: '2024-01-01', timezone: 'Australia/Lord_Howe' });
    expect(hours(lordHowe, '2026-04-05')).toBe(24.5);
    expect(hours(lordHowe, '2026-10-04')).toBe(23.5);
  });

  it('share the kind `time` with cron schedules; the unpartitioned space has its own', () => {
    expect(cronSchedule('0 * * * *').kind).toBe('time');
    expect(UNPARTITIONED_SPACE.kind).toBe('unpartitioned');
    // Past the last tick of the time domain, no period contains an instant.
    expect(hourlyPartitions({ start: '2026-01-01T00:00' }).containing(8e15)).toBeUndefined();
  });

  it('start a day where the clock reaches it when a zone skips midnight (São Paulo, 2018)', () => {
    const saoPaulo = dailyPartitions({ start: '2018-01-01', timezone: 'America/Sao_Paulo' });
    const day = saoPaulo.parse('2018-11-04');
    expect(day.start).toBe(at('2018-11-04T03:00Z')); // 01:00 -02:00
    expect(saoPaulo.parse('2018-11-03').end).toBe(day.start);
    expect(hours(saoPaulo, '2018-11-04')).toBe(23);
  });

  it('key weeks by their first date, Monday unless told', () => {
    const weekly = weeklyPartitions({ start: '2026-01-05', timezone: 'Europe/Paris' });
    expect(weekly.containing(at('2026-10-25T12:00Z'))?.key).toBe('2026-10-19');
    expect(hours(weekly, '2026-10-19')).toBe(169);
    const sundays = weeklyPartitions({ start: '2026-01-04', weekStartsOn: 0 });
    expect(sundays.containing(at('2026-10-25T12:00Z'))?.key).toBe('2026-10-25');
    const error = expectError(() => weekly.parse('2026-10-20'), 'INVALID_PERIOD_KEY');
    expect(error.message).toContain('`"2026-10-20"`');
    expect(error.message).toContain('`2026-10-19`');
  });

  it('key months `YYYY-MM`', () => {
    const monthly = monthlyPartitions({ start: '2024-01-01', timezone: 'America/New_York' });
    expect(monthly.parse('2026-10').start).toBe(at('2026-10-01T04:00Z'));
    expect(monthly.parse('2026-10').end).toBe(at('2026-11-01T04:00Z'));
    expect(monthly.next(monthly.parse('2026-12'))?.key).toBe('2027-01');
  });

  it('parse keys strictly, quoting the key', () => {
    const daily = dailyPartitions({ start: '2024-01-01', timezone: 'Europe/Paris' });
    for (const key of [
      '2026-02-30',
      '2026-10-25T00:00Z',
      '2026-10-25 ',
      '26-10-25',
      '2023-12-31',
    ]) {
      const error = expectError(() => daily.parse(key), 'INVALID_PERIOD_KEY');
      expect(error.message).toContain(`\`${JSON.stringify(key)}\``);
    }
    const monthly = monthlyPartitions({ start: '2024-01-01' });
    for (const key of ['2026-13', '2026-10-01', '2023-12']) {
      expectError(() => monthly.parse(key), 'INVALID_PERIOD_KEY');
    }
    const hourly = hourlyPartitions({ start: '2024-01-01T00:00', timezone: 'Europe/Paris' });
    expectError(() => hourly.parse('2026-10-25T02:00Z'), 'INVALID_PERIOD_KEY');
    expectError(() => hourly.parse('2026-10-25'), 'INVALID_PERIOD_KEY');
  });

  it('refuse bad options, quoting them', () => {
    const bad: [() => unknown, string, string][] = [
      [() => dailyPartitions({ start: '2024-1-1' }), 'INVALID_ARGUMENT', '"2024-1-1"'],
      [
        () => dailyPartitions({ start: '2024-01-01T00:00' }),
        'INVALID_ARGUMENT',
        '"2024-01-01T00:00"',
      ],
      [
        () => hourlyPartitions({ start: '2024-01-01T24:00' }),
        'INVALID_ARGUMENT',
        '"2024-01-01T24:00"',
      ],
      [() => dailyPartitions({ start: Number.NaN }), 'INVALID_ARGUMENT', '(number)'],
      [() => dailyPartitions({ start: '2024-01-01', delayMs: -1 }), 'INVALID_ARGUMENT', '`-1`'],
      [
        () => dailyPartitions({ start: '2024-01-01', timezone: 'Mars/Base' }),
        'UNKNOWN_TIMEZONE',
        'Mars/Base',
      ],
      [
        () => weeklyPartitions({ start: '2024-01-01', weekStartsOn: 7 as 0 }),
        'INVALID_ARGUMENT',
        '`7`',
      ],
      [
        () => dailyPartitions({ start: '2024-01-01', weekStartsOn: 0 }),
        'INVALID_ARGUMENT',
        'weekStartsOn',
      ],
      [() => dailyPartitions(undefined as never), 'INVALID_ARGUMENT', 'daily partitions'],
    ];
    for (const [fn, code, quoted] of bad)
      expect(expectError(fn, code as 'INVALID_ARGUMENT').message).toContain(quoted);
  });

  it('start with the first whole window at or after `start`', () => {
    const weekly = weeklyPartitions({ start: '2026-01-01' }); // a Thursday
    expect([...weekly.periods(-Infinity, at('2026-01-20T00:00Z'))].map((p) => p.key)).toEqual([
      '2026-01-05',
      '2026-01-12',
    ]);
    const hourly = hourlyPartitions({ start: Date.UTC(2026, 0, 1, 0, 30) });
    expect(hourly.containing(at('2026-01-01T00:45Z'))).toBeUndefined();
    expect(hourly.containing(at('2026-01-01T01:45Z'))?.key).toBe('2026-01-01T01:00Z');
  });

  it('write keys that parse back to the same period, in every granularity and zone', () => {
    const zones = ['UTC', 'Europe/Paris', 'America/New_York', 'Australia/Lord_Howe'];
    const spaces = zones.flatMap((timezone) => [
      hourlyPartitions({ start: '2020-01-01T00:00', timezone }),
      dailyPartitions({ start: '2020-01-01', timezone }),
      weeklyPartitions({ start: '2020-01-01', timezone }),
      monthlyPartitions({ start: '2020-01-01', timezone }),
    ]);
    fc.assert(
      fc.property(
        fc.constantFrom(...spaces),
        fc.integer({ min: Date.UTC(2021, 0, 1), max: Date.UTC(2030, 0, 1) }),
        (space, instant) => {
          const period = space.containing(instant)!;
          expect(space.parse(period.key)).toEqual(period);
          const next = space.next(period)!;
          expect(next.start).toBe(period.end);
          expect(next.key).not.toBe(period.key);
          expect(space.parse(next.key)).toEqual(next);
        },
      ),
      { numRuns: 200 },
    );
  });
});
