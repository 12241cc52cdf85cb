import { describe, expect, it } from 'vitest';
import { TIME_DOMAIN, cronSchedule } from '../../src/time/index.js';
import { expectError } from '../graph/random-dag.js';

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);

describe('a cron schedule as periods', () => {
  const hourly = cronSchedule('0 * * * *', { timezone: 'Europe/Paris' });

  it('finds the period containing an instant and the last one closed', () => {
    expect(hourly.containing(at('2026-06-01T10:30Z'))).toEqual({
      key: '2026-06-01T12:00+02:00',
      start: at('2026-06-01T10:00Z'),
      end: at('2026-06-01T11:00Z'),
      timezone: 'Europe/Paris',
    });
    expect(hourly.lastClosed(at('2026-06-01T10:30Z'))?.key).toBe('2026-06-01T11:00+02:00');
    // A tick closes its window at that very instant.
    expect(hourly.lastClosed(at('2026-06-01T11:00Z'))?.key).toBe('2026-06-01T12:00+02:00');
    expect(hourly.containing(at('2026-06-01T11:00Z'))?.key).toBe('2026-06-01T13:00+02:00');
  });

  it('steps to the next and previous periods, also from another space', () => {
    const period = hourly.parse('2026-10-25T02:00+02:00');
    expect(hourly.next(period)?.key).toBe('2026-10-25T02:00+01:00');
    expect(hourly.previous(period)?.key).toBe('2026-10-25T01:00+02:00');
    const daily = cronSchedule('0 0 * * *', { timezone: 'UTC' });
    const day = daily.parse('2026-06-01T00:00Z');
    expect(hourly.next(day)?.key).toBe('2026-06-02T02:00+02:00');
    expect(hourly.previous(day)?.key).toBe('2026-06-01T01:00+02:00');
  });

  it('lists the periods inside or overlapping a range, lazily', () => {
    const from = at('2026-06-01T10:30Z');
    const to = at('2026-06-01T13:30Z');
    expect([...hourly.periods(from, to)].map((p) => p.key)).toEqual([
      '2026-06-01T13:00+02:00',
      '2026-06-01T14:00+02:00',
    ]);
    expect([...hourly.periods(from, to, { match: 'overlapping' })]).toHaveLength(4);
    expect([...hourly.periods(from, from)]).toEqual([]);
    const everyMinute = cronSchedule('* * * * *');
    const forever = everyMinute.periods(-Infinity, Infinity);
    expect(forever.next().value?.key).toBe('0001-01-02T00:00Z');
    expectError(() => [...hourly.periods(to, from)], 'INVALID_ARGUMENT');
    expectError(() => hourly.containing(Number.NaN), 'INVALID_ARGUMENT');
  });

  it('has periods from the year 0001 to 2999, and none outside', () => {
    const daily = cronSchedule('0 0 * * *', { timezone: 'America/New_York' });
    // Local mean time of New York before 1883: -04:56:02.
    expect(daily.periods(-Infinity, Infinity).next().value?.key).toBe('0001-01-02T00:00-04:56:02');
    expect(daily.containing(TIME_DOMAIN.max - 3 * 86_400_000)?.key).toBe('2999-12-27T00:00-05:00');
    expect(daily.containing(TIME_DOMAIN.max + 86_400_000)).toBeUndefined();
    expect(daily.containing(-1e15)).toBeUndefined();
    expect([...daily.periods(TIME_DOMAIN.max - 2 * 86_400_000, Infinity)]).toHaveLength(1);
  });

  it('starts no period before its start', () => {
    const schedule = cronSchedule('0 0 * * *', { start: at('2026-01-01T12:00Z') });
    expect(schedule.containing(at('2026-01-01T18:00Z'))).toBeUndefined();
    expect(schedule.containing(at('2026-01-02T18:00Z'))?.key).toBe('2026-01-02T00:00Z');
    expect(schedule.lastClosed(at('2026-01-02T18:00Z'))).toBeUndefined();
    expect(schedule.previous(schedule.parse('2026-01-02T00:00Z'))).toBeUndefined();
    expect([...schedule.periods(0, at('2026-01-04T00:00Z'))].map((p) => p.key)).toEqual([
      '2026-01-02T00:00Z',
      '2026-01-03T00:00Z',
    ]);
    expectError(() => schedule.parse('2026-01-01T00:00Z'), 'INVALID_PERIOD_KEY');
  });

  it('is due a delay after a window closes, and lists what fell due in a span', () => {
    const schedule = cronSchedule('0 * * * *', { delay: 10 * 60_000 });
    const period = schedule.parse('2026-06-01T10:00Z');
    expect(schedule.dueAt(period)).toBe(at('2026-06-01T11:10Z'));
    const due = [...schedule.due(at('2026-06-01T11:10Z'), at('2026-06-01T14:10Z'))];
    expect(due.map((p) => p.key)).toEqual([
      '2026-06-01T11:00Z',
      '2026-06-01T12:00Z',
      '2026-06-01T13:00Z',
    ]);
    expect(schedule.due(at('2026-06-01T11:09Z')).next().value?.key).toBe('2026-06-01T10:00Z');
    const started = cronSchedule('0 0 * * *', { start: at('2026-01-01T00:00Z') });
    expect(started.due(0).next().value?.key).toBe('2026-01-01T00:00Z');
  });

  it('reads nicknames and weekday names, with day-of-month OR day-of-week as in Vixie cron', () => {
    expect(cronSchedule('@daily').containing(at('2026-06-01T10:00Z'))?.end).toBe(
      at('2026-06-02T00:00Z'),
    );
    const both = cronSchedule('0 0 13 * FRI');
    const starts = [...both.periods(at('2026-02-01T00:00Z'), at('2026-02-28T00:00Z'))].map(
      (p) => p.key,
    );
    expect(starts).toContain('2026-02-13T00:00Z');
    expect(starts).toContain('2026-02-06T00:00Z');
  });

  it('parses a key into its period and refuses keys that name none, quoting them', () => {
    expect(hourly.parse('2026-10-25T02:00+01:00').start).toBe(at('2026-10-25T01:00Z'));
    const shape = expectError(() => hourly.parse('yesterday'), 'INVALID_PERIOD_KEY');
    expect(shape.message).toContain('`"yesterday"` (string)');
    expect(shape.message).toContain('cron `0 * * * *` in Europe/Paris');
    expect(shape.context).toMatchObject({
      received: 'yesterday',
      space: 'cron `0 * * * *` in Europe/Paris',
    });
    const between = expectError(() => hourly.parse('2026-06-01T12:30+02:00'), 'INVALID_PERIOD_KEY');
    expect(between.message).toContain('`2026-06-01T12:00+02:00`');
    // The right instant, written in another zone: the message gives the key to use.
    const zone = expectError(() => hourly.parse('2026-06-01T10:00Z'), 'INVALID_PERIOD_KEY');
    expect(zone.message).toContain('`2026-06-01T12:00+02:00`');
    // The offset must be the one in force: 02:00 happens with +02:00 and +01:00 only.
    expectError(() => hourly.parse('2026-10-25T02:00+03:00'), 'INVALID_PERIOD_KEY');
    expectError(() => hourly.parse(42 as unknown as string), 'INVALID_PERIOD_KEY');
  });

  it('rejects an expression that does not parse or never fires, quoting it', () => {
    for (const expression of [
      '61 * * * *',
      '* * *',
      '0 0 * * * *',
      'every day',
      '2026-01-01T00:00',
      '@sometimes',
      '0 0 30 2 *',
    ]) {
      const error = expectError(() => cronSchedule(expression), 'INVALID_CRON');
      expect(error.message).toContain(`\`"${expression}"\` (string)`);
      expect(error.context.received).toBe(expression);
    }
    expectError(() => cronSchedule(undefined as unknown as string), 'INVALID_CRON');
  });

  it('rejects an unknown zone, a negative delay and a start out of range', () => {
    const zone = expectError(
      () => cronSchedule('0 * * * *', { timezone: 'Europe/Pariss' }),
      'UNKNOWN_TIMEZONE',
    );
    expect(zone.message).toContain('`"Europe/Pariss"` (string)');
    expectError(() => cronSchedule('0 * * * *', { delay: -1 }), 'INVALID_ARGUMENT');
    expectError(() => cronSchedule('0 * * * *', { delay: 1.5 }), 'INVALID_ARGUMENT');
    expectError(() => cronSchedule('0 * * * *', { start: -1e16 }), 'INVALID_ARGUMENT');
  });

  it('describes itself and keeps the zone as Intl names it', () => {
    const schedule = cronSchedule('0 * * * *', { timezone: 'europe/paris', delay: HOUR });
    expect(schedule.timezone).toBe('Europe/Paris');
    expect(schedule.description).toBe('cron `0 * * * *` in Europe/Paris');
    expect(schedule.expression).toBe('0 * * * *');
    expect(schedule.delay).toBe(HOUR);
  });
});
