import { describe, expect, it } from 'vitest';
import {
  UNPARTITIONED,
  UNPARTITIONED_SPACE,
  dailyPartitions,
  dynamicPartitions,
  hourlyPartitions,
  identityMapping,
  latestMapping,
  monthlyPartitions,
  offsetMapping,
  sameWindowMapping,
  staticMapping,
  staticPartitions,
  timeWindowMapping,
  weeklyPartitions,
  type MappingSpaces,
  type PartitionMapping,
  type Period,
} from '../../src/time/index.js';
import { expectError } from '../graph/random-dag.js';

const at = (iso: string) => Date.parse(iso);
const keys = (periods: Iterable<Period>) => [...periods].map((p) => p.key);
const up = (mapping: PartitionMapping, period: Period, spaces: MappingSpaces) =>
  keys(mapping.upstream(period, spaces).periods);

const zoned = (timezone: string) => ({
  hourly: hourlyPartitions({ start: '2026-01-01T00:00', timezone }),
  daily: dailyPartitions({ start: '2026-01-01', timezone }),
  weekly: weeklyPartitions({ start: '2026-01-01', timezone }),
  monthly: monthlyPartitions({ start: '2026-01-01', timezone }),
});
const paris = zoned('Europe/Paris');
const newYork = zoned('America/New_York');

describe('timeWindowMapping', () => {
  const spaces = { upstream: paris.hourly, downstream: paris.daily };

  it('maps a day onto its hours: 23 and 25 on DST days, all distinct', () => {
    const all = timeWindowMapping();
    expect(all.name).toBe('timeWindow(all)');
    expect(Object.isFrozen(all)).toBe(true);
    const spring = up(all, paris.daily.parse('2026-03-29'), spaces);
    expect(spring).toHaveLength(23);
    expect(spring[0]).toBe('2026-03-29T00:00+01:00');
    expect(spring).not.toContain('2026-03-29T02:00+01:00');
    const fall = up(all, paris.daily.parse('2026-10-25'), spaces);
    expect(fall).toHaveLength(25);
    expect(new Set(fall).size).toBe(25);
    expect(fall).toContain('2026-10-25T02:00+02:00');
    expect(fall).toContain('2026-10-25T02:00+01:00');
    expect(up(all, paris.daily.parse('2026-06-01'), spaces)).toHaveLength(24);
    const ny = { upstream: newYork.hourly, downstream: newYork.daily };
    expect(up(all, newYork.daily.parse('2026-03-08'), ny)).toHaveLength(23);
    const nyFall = up(all, newYork.daily.parse('2026-11-01'), ny);
    expect(nyFall).toHaveLength(25);
    expect(new Set(nyFall).size).toBe(25);
    expect(nyFall.filter((key) => key.startsWith('2026-11-01T01:00'))).toEqual([
      '2026-11-01T01:00-04:00',
      '2026-11-01T01:00-05:00',
    ]);
    expect(all.upstream(paris.daily.parse('2026-06-01'), spaces).require).toEqual({ kind: 'all' });
  });

  it('takes the last hour, or at least N of them (capped on short days)', () => {
    const last = timeWindowMapping({ take: 'last' });
    expect(last.name).toBe('timeWindow(last)');
    expect(up(last, paris.daily.parse('2026-10-25'), spaces)).toEqual(['2026-10-25T23:00+01:00']);
    const most = timeWindowMapping({ take: { atLeast: 24 } });
    expect(most.name).toBe('timeWindow(atLeast 24)');
    expect(most.upstream(paris.daily.parse('2026-10-25'), spaces).require).toEqual({
      kind: 'atLeast',
      count: 24,
    });
    expect(most.upstream(paris.daily.parse('2026-03-29'), spaces).require).toEqual({
      kind: 'atLeast',
      count: 23,
    });
  });

  it('maps an hour back onto its day, and only the last hour for `last`', () => {
    const hour = paris.hourly.parse('2026-10-25T02:00+01:00');
    expect(keys(timeWindowMapping().downstream(hour, spaces))).toEqual(['2026-10-25']);
    expect(keys(timeWindowMapping({ take: 'last' }).downstream(hour, spaces))).toEqual([]);
    const lastHour = paris.hourly.parse('2026-10-25T23:00+01:00');
    expect(keys(timeWindowMapping({ take: 'last' }).downstream(lastHour, spaces))).toEqual([
      '2026-10-25',
    ]);
  });

  it('maps a month onto its days and weeks onto days across zones by overlap', () => {
    const days = up(timeWindowMapping(), paris.monthly.parse('2026-02'), {
      upstream: paris.daily,
      downstream: paris.monthly,
    });
    expect(days).toHaveLength(28);
    // UTC days against Paris days: each Paris day overlaps two UTC days.
    const utcDaily = dailyPartitions({ start: '2026-01-01' });
    expect(
      up(timeWindowMapping(), paris.daily.parse('2026-06-02'), {
        upstream: utcDaily,
        downstream: paris.daily,
      }),
    ).toEqual(['2026-06-01', '2026-06-02']);
  });

  it('does not map a window the upstream does not cover, and refuses a bad `take`', () => {
    const late = hourlyPartitions({ start: '2026-03-29T12:00', timezone: 'Europe/Paris' });
    const error = expectError(
      () =>
        timeWindowMapping().upstream(paris.daily.parse('2026-03-29'), {
          upstream: late,
          downstream: paris.daily,
        }),
      'PERIOD_NOT_MAPPED',
    );
    expect(error.message).toContain('`timeWindow(all)`');
    expect(
      keys(
        timeWindowMapping().downstream(late.parse('2026-03-29T12:00+02:00'), {
          upstream: late,
          downstream: paris.daily,
        }),
      ),
    ).toEqual([]);
    for (const take of ['first', { atLeast: 0 }, { atLeast: 1.5 }, 3]) {
      expectError(() => timeWindowMapping({ take: take as 'all' }), 'INVALID_ARGUMENT');
    }
  });
});

describe('sameWindowMapping, the fan-out', () => {
  it('maps each hour onto its day', () => {
    const spaces = { upstream: paris.daily, downstream: paris.hourly };
    expect(up(sameWindowMapping, paris.hourly.parse('2026-10-25T02:00+01:00'), spaces)).toEqual([
      '2026-10-25',
    ]);
    expect(
      keys(sameWindowMapping.downstream(paris.daily.parse('2026-10-25'), spaces)),
    ).toHaveLength(25);
  });
});

describe('offsetMapping', () => {
  it('maps onto the previous (or next) period of the same granularity', () => {
    const spaces = { upstream: paris.daily, downstream: paris.daily };
    const yesterday = offsetMapping(-1);
    expect(yesterday.name).toBe('offset(-1)');
    expect(up(yesterday, paris.daily.parse('2026-10-26'), spaces)).toEqual(['2026-10-25']);
    expect(keys(yesterday.downstream(paris.daily.parse('2026-10-25'), spaces))).toEqual([
      '2026-10-26',
    ]);
    expect(up(offsetMapping(2), paris.daily.parse('2026-10-24'), spaces)).toEqual(['2026-10-26']);
    const hourly = { upstream: paris.hourly, downstream: paris.hourly };
    expect(up(yesterday, paris.hourly.parse('2026-10-25T03:00+01:00'), hourly)).toEqual([
      '2026-10-25T02:00+01:00',
    ]);
    expect(up(yesterday, paris.hourly.parse('2026-10-25T02:00+01:00'), hourly)).toEqual([
      '2026-10-25T02:00+02:00',
    ]);
  });

  it('aligns windows in other zones by the one containing the start', () => {
    const utcDaily = dailyPartitions({ start: '2026-01-01' });
    expect(
      up(offsetMapping(-1), paris.daily.parse('2026-06-02'), {
        upstream: utcDaily,
        downstream: paris.daily,
      }),
    ).toEqual(['2026-05-31']);
  });

  it('does not map before the first period, and refuses a bad offset', () => {
    const spaces = { upstream: paris.daily, downstream: paris.daily };
    const error = expectError(
      () => offsetMapping(-1).upstream(paris.daily.parse('2026-01-01'), spaces),
      'PERIOD_NOT_MAPPED',
    );
    expect(error.message).toContain('`2026-01-01`');
    for (const offset of [0, 1.5, Number.NaN, '1']) {
      const bad = expectError(() => offsetMapping(offset as number), 'INVALID_ARGUMENT');
      expect(bad.message).toContain('`offset`');
    }
  });
});

describe('latestMapping', () => {
  const spaces = { upstream: paris.weekly, downstream: paris.daily };

  it('maps onto the latest upstream period closed by the end of the window, or by now', () => {
    expect(up(latestMapping, paris.daily.parse('2026-10-21'), spaces)).toEqual(['2026-10-12']);
    expect(up(latestMapping, paris.daily.parse('2026-10-25'), spaces)).toEqual(['2026-10-19']);
    const now = at('2026-10-20T12:00Z');
    expect(up(latestMapping, paris.daily.parse('2026-10-25'), { ...spaces, now })).toEqual([
      '2026-10-12',
    ]);
  });

  it('maps the unpartitioned and static periods by now, and not without it', () => {
    const none = {
      upstream: paris.daily,
      downstream: UNPARTITIONED_SPACE,
      now: at('2026-10-25T12:00Z'),
    };
    expect(up(latestMapping, UNPARTITIONED, none)).toEqual(['2026-10-24']);
    expect(keys(latestMapping.downstream(paris.daily.parse('2026-10-24'), none))).toEqual(['']);
    expect(keys(latestMapping.downstream(paris.daily.parse('2026-10-23'), none))).toEqual([]);
    const regions = staticPartitions(['eu', 'us']);
    const byRegion = { upstream: paris.daily, downstream: regions, now: none.now };
    expect(keys(latestMapping.downstream(paris.daily.parse('2026-10-24'), byRegion))).toEqual([
      'eu',
      'us',
    ]);
    const error = expectError(
      () => latestMapping.upstream(UNPARTITIONED, { ...none, now: undefined }),
      'PERIOD_NOT_MAPPED',
    );
    expect(error.message).toContain('`now`');
    expect(
      keys(
        latestMapping.downstream(paris.daily.parse('2026-10-24'), {
          upstream: paris.daily,
          downstream: UNPARTITIONED_SPACE,
        }),
      ),
    ).toEqual([]);
  });

  it('maps back the days whose latest week it is', () => {
    expect(keys(latestMapping.downstream(paris.weekly.parse('2026-10-12'), spaces))).toEqual([
      '2026-10-18',
      '2026-10-19',
      '2026-10-20',
      '2026-10-21',
      '2026-10-22',
      '2026-10-23',
      '2026-10-24',
    ]);
    const now = at('2026-10-20T12:00Z');
    const lazy = latestMapping.downstream(paris.weekly.parse('2026-10-12'), { ...spaces, now });
    const first: string[] = [];
    for (const period of lazy) {
      first.push(period.key);
      if (first.length === 10) break;
    }
    expect(first).toEqual([
      '2026-10-18',
      '2026-10-19',
      '2026-10-20',
      '2026-10-21',
      '2026-10-22',
      '2026-10-23',
      '2026-10-24',
      '2026-10-25',
      '2026-10-26',
      '2026-10-27',
    ]);
    expect(
      keys(latestMapping.downstream(paris.weekly.parse('2026-10-19'), { ...spaces, now })),
    ).toEqual([]);
  });

  it('fails with PERIOD_NOT_MAPPED when nothing has closed', () => {
    const error = expectError(
      () => latestMapping.upstream(paris.daily.parse('2026-01-03'), spaces),
      'PERIOD_NOT_MAPPED',
    );
    expect(error.message).toContain('`latest`');
  });
});

describe('staticMapping', () => {
  const countries = staticPartitions(['fr', 'de', 'us', 'ca']);
  const regions = staticPartitions(['europe', 'americas']);
  const spaces = { upstream: countries, downstream: regions };
  const mapping = staticMapping({ europe: ['fr', 'de'], americas: ['us', 'ca'] });

  it('maps keys to keys and back', () => {
    expect(mapping.name).toBe('static({europe: [fr, de], americas: [us, ca]})');
    expect(up(mapping, regions.parse('europe'), spaces)).toEqual(['fr', 'de']);
    expect(keys(mapping.downstream(countries.parse('ca'), spaces))).toEqual(['americas']);
    const single = staticMapping({ europe: 'fr' });
    expect(up(single, regions.parse('europe'), spaces)).toEqual(['fr']);
    expectError(() => single.upstream(regions.parse('americas'), spaces), 'PERIOD_NOT_MAPPED');
    expect(keys(single.downstream(countries.parse('us'), spaces))).toEqual([]);
  });

  it('maps onto dynamic partitions by key shape', () => {
    const customers = dynamicPartitions('customers');
    const byCustomer = staticMapping({ europe: ['acme', 'globex'] });
    expect(
      up(byCustomer, regions.parse('europe'), { upstream: customers, downstream: regions }),
    ).toEqual(['acme', 'globex']);
  });

  it('refuses a bad map, quoting the bad key', () => {
    expectError(() => staticMapping(null as never), 'INVALID_ARGUMENT');
    expect(expectError(() => staticMapping({ 'a b': 'x' }), 'INVALID_ARGUMENT').message).toContain(
      'a b',
    );
    expect(
      expectError(() => staticMapping({ a: ['x', 'x'] }), 'INVALID_ARGUMENT').message,
    ).toContain('distinct');
    expectError(() => staticMapping({ a: [] }), 'INVALID_ARGUMENT');
    expect(
      expectError(() => staticMapping({ a: ['x', ''] }), 'INVALID_ARGUMENT').message,
    ).toContain('`""`');
  });
});

describe('identityMapping on static and dynamic partitions', () => {
  it('maps a key onto the same key', () => {
    const regions = staticPartitions(['eu', 'us']);
    const spaces = { upstream: regions, downstream: staticPartitions(['us']) };
    expect(up(identityMapping, spaces.downstream.parse('us'), spaces)).toEqual(['us']);
    expect(keys(identityMapping.downstream(regions.parse('eu'), spaces))).toEqual([]);
    const customers = dynamicPartitions('customers');
    const dynamic = { upstream: customers, downstream: customers };
    expect(up(identityMapping, customers.parse('acme'), dynamic)).toEqual(['acme']);
  });
});
