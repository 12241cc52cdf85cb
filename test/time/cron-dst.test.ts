import { describe, expect, it } from 'vitest';
import { cronSchedule } from '../../src/time/index.js';

/** The keys of the periods that start in [from, to) (ISO instants). */
function keys(expression: string, timezone: string, from: string, to: string): string[] {
  const schedule = cronSchedule(expression, { timezone });
  return [...schedule.periods(Date.parse(from), Date.parse(to), { match: 'overlapping' })]
    .filter((p) => p.start >= Date.parse(from))
    .map((p) => p.key);
}

/** Local times and offsets from keys: `03:30+02:00`. */
const times = (list: string[]) => list.map((key) => key.slice(11));

describe('DST in Europe/Paris, 2026 (spring forward 29 March 02:00 -> 03:00, fall back 25 October 03:00 -> 02:00)', () => {
  it('a local time in the gap fires after it, keeping its minutes: 02:30 -> 03:30', () => {
    expect(keys('30 2 * * *', 'Europe/Paris', '2026-03-27T00:00Z', '2026-03-31T00:00Z')).toEqual([
      '2026-03-27T02:30+01:00',
      '2026-03-28T02:30+01:00',
      '2026-03-29T03:30+02:00',
      '2026-03-30T02:30+02:00',
    ]);
  });

  it('a tick exactly at the start of the gap fires at its end, and once with a tick of its own there', () => {
    expect(
      times(keys('0 2 * * *', 'Europe/Paris', '2026-03-29T00:00Z', '2026-03-30T00:00Z')),
    ).toEqual(['03:00+02:00']);
    expect(
      times(keys('0 2,3 * * *', 'Europe/Paris', '2026-03-28T12:00Z', '2026-03-30T12:00Z')),
    ).toEqual(['03:00+02:00', '02:00+02:00', '03:00+02:00']);
    // Every minute of the missing hour still fires, after the gap.
    expect(
      keys('* 2 * * *', 'Europe/Paris', '2026-03-29T00:00Z', '2026-03-30T00:00Z'),
    ).toHaveLength(60);
  });

  it('a local time that happens twice fires once, at its first occurrence', () => {
    expect(
      times(keys('30 2 * * *', 'Europe/Paris', '2026-10-24T12:00Z', '2026-10-26T12:00Z')),
    ).toEqual(['02:30+02:00', '02:30+01:00']);
    // Lists and steps in the minutes name times of day too: once each.
    expect(
      times(keys('*/30 2 * * *', 'Europe/Paris', '2026-10-24T12:00Z', '2026-10-25T12:00Z')),
    ).toEqual(['02:00+02:00', '02:30+02:00']);
    expect(
      times(keys('0 1,2 * * *', 'Europe/Paris', '2026-10-24T21:00Z', '2026-10-25T04:00Z')),
    ).toEqual(['01:00+02:00', '02:00+02:00']);
    expect(
      times(keys('0 */2 * * *', 'Europe/Paris', '2026-10-24T21:00Z', '2026-10-25T04:00Z')),
    ).toEqual(['00:00+02:00', '02:00+02:00', '04:00+01:00']);
  });

  it('an hourly schedule gives 25 distinct periods on the fall-back day and 23 on the spring-forward day', () => {
    const fallBack = keys('0 * * * *', 'Europe/Paris', '2026-10-24T22:00Z', '2026-10-25T23:00Z');
    expect(fallBack).toHaveLength(25);
    expect(new Set(fallBack).size).toBe(25);
    expect(fallBack.slice(1, 5)).toEqual([
      '2026-10-25T01:00+02:00',
      '2026-10-25T02:00+02:00',
      '2026-10-25T02:00+01:00',
      '2026-10-25T03:00+01:00',
    ]);
    const spring = keys('0 * * * *', 'Europe/Paris', '2026-03-28T23:00Z', '2026-03-29T22:00Z');
    expect(spring).toHaveLength(23);
    expect(spring.slice(1, 3)).toEqual(['2026-03-29T01:00+01:00', '2026-03-29T03:00+02:00']);
  });

  it('every 15 minutes is 15 minutes of real time across both transitions', () => {
    for (const [from, to] of [
      ['2026-03-29T00:00Z', '2026-03-29T02:00Z'],
      ['2026-10-25T00:00Z', '2026-10-25T02:00Z'],
    ] as const) {
      const schedule = cronSchedule('*/15 * * * *', { timezone: 'Europe/Paris' });
      const periods = [...schedule.periods(Date.parse(from), Date.parse(to))];
      expect(periods).toHaveLength(8);
      for (const period of periods) expect(period.end - period.start).toBe(15 * 60_000);
      expect(new Set(periods.map((p) => p.key)).size).toBe(8);
    }
    expect(
      times(keys('*/15 * * * *', 'Europe/Paris', '2026-03-29T00:30Z', '2026-03-29T01:20Z')),
    ).toEqual(['01:30+01:00', '01:45+01:00', '03:00+02:00', '03:15+02:00']);
    expect(
      times(keys('*/15 * * * *', 'Europe/Paris', '2026-10-25T00:30Z', '2026-10-25T01:20Z')),
    ).toEqual(['02:30+02:00', '02:45+02:00', '02:00+01:00', '02:15+01:00']);
  });

  it('a daily period is 23 or 25 hours long on a transition day', () => {
    const daily = cronSchedule('0 0 * * *', { timezone: 'Europe/Paris' });
    expect(daily.parse('2026-03-29T00:00+01:00').end - Date.UTC(2026, 2, 28, 23)).toBe(
      23 * 3_600_000,
    );
    expect(daily.parse('2026-10-25T00:00+02:00').end - Date.UTC(2026, 9, 24, 22)).toBe(
      25 * 3_600_000,
    );
  });
});

describe('DST in America/New_York, 2026 (spring forward 8 March 02:00 -> 03:00, fall back 1 November 02:00 -> 01:00)', () => {
  it('a local time in the gap fires after it, keeping its minutes', () => {
    expect(
      keys('30 2 * * *', 'America/New_York', '2026-03-07T00:00Z', '2026-03-10T00:00Z'),
    ).toEqual(['2026-03-07T02:30-05:00', '2026-03-08T03:30-04:00', '2026-03-09T02:30-04:00']);
    expect(
      times(keys('0 2 * * *', 'America/New_York', '2026-03-08T00:00Z', '2026-03-09T00:00Z')),
    ).toEqual(['03:00-04:00']);
  });

  it('a local time that happens twice fires once, at its first occurrence', () => {
    expect(
      keys('30 1 * * *', 'America/New_York', '2026-10-31T12:00Z', '2026-11-02T12:00Z'),
    ).toEqual(['2026-11-01T01:30-04:00', '2026-11-02T01:30-05:00']);
  });

  it('hourly: 25 distinct periods on the fall-back day, 23 on the spring-forward day', () => {
    const fallBack = keys(
      '0 * * * *',
      'America/New_York',
      '2026-11-01T04:00Z',
      '2026-11-02T05:00Z',
    );
    expect(fallBack).toHaveLength(25);
    expect(fallBack.slice(1, 4)).toEqual([
      '2026-11-01T01:00-04:00',
      '2026-11-01T01:00-05:00',
      '2026-11-01T02:00-05:00',
    ]);
    expect(
      keys('0 * * * *', 'America/New_York', '2026-03-08T05:00Z', '2026-03-09T04:00Z'),
    ).toHaveLength(23);
  });

  it('every 15 minutes stays 15 minutes of real time across both transitions', () => {
    for (const from of ['2026-03-08T06:00Z', '2026-11-01T05:00Z']) {
      const schedule = cronSchedule('*/15 * * * *', { timezone: 'America/New_York' });
      const periods = [...schedule.periods(Date.parse(from), Date.parse(from) + 2 * 3_600_000)];
      expect(periods.map((p) => p.end - p.start)).toEqual(Array(8).fill(15 * 60_000));
    }
  });
});
