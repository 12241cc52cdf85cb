import { describe, expect, it } from 'vitest';
import {
  UNPARTITIONED_SPACE,
  checkMapping,
  cronSchedule,
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
  type PartitionMapping,
  type PeriodSpace,
} from '../../src/time/index.js';
import { expectError } from '../graph/random-dag.js';

const hourly = hourlyPartitions({ start: '2026-01-01T00:00', timezone: 'Europe/Paris' });
const daily = dailyPartitions({ start: '2026-01-01', timezone: 'Europe/Paris' });
const dailyUtc = dailyPartitions({ start: '2026-01-01' });
const weekly = weeklyPartitions({ start: '2026-01-01', timezone: 'Europe/Paris' });
const monthly = monthlyPartitions({ start: '2026-01-01', timezone: 'Europe/Paris' });
const regions = staticPartitions(['eu', 'us']);
const customers = dynamicPartitions('customers');
const none = UNPARTITIONED_SPACE;

const ok = (mapping: PartitionMapping, upstream: PeriodSpace, downstream: PeriodSpace) =>
  expect(() => checkMapping(mapping, { upstream, downstream })).not.toThrow();
const refused = (mapping: PartitionMapping, upstream: PeriodSpace, downstream: PeriodSpace) => {
  const error = expectError(
    () => checkMapping(mapping, { upstream, downstream }),
    'MAPPING_INCOMPATIBLE',
  );
  expect(error.message).toContain(`\`${mapping.name}\``);
  expect(error.message).toContain(upstream.description);
  expect(error.message).toContain(downstream.description);
  expect(error.context).toMatchObject({
    mapping: mapping.name,
    upstream: upstream.description,
    downstream: downstream.description,
  });
  return error.message;
};

describe('checkMapping', () => {
  it('identity: the same kind, and for time the same keys', () => {
    ok(identityMapping, daily, daily);
    ok(identityMapping, dailyPartitions({ start: '2020-01-01', timezone: 'Europe/Paris' }), daily);
    ok(identityMapping, none, none);
    ok(identityMapping, customers, dynamicPartitions('other'));
    ok(identityMapping, regions, staticPartitions(['us']));
    expect(refused(identityMapping, hourly, daily)).toContain('names no upstream period');
    expect(refused(identityMapping, dailyUtc, daily)).toContain('sameWindowMapping');
    refused(identityMapping, cronSchedule('0 0 * * *', { timezone: 'Europe/Paris' }), daily);
    expect(refused(identityMapping, regions, customers)).toContain('different kinds');
    expect(refused(identityMapping, staticPartitions(['eu']), regions)).toContain('`us`');
    refused(identityMapping, none, daily);
  });

  it('sameWindow: a finer or equal time downstream, or an unpartitioned side', () => {
    ok(sameWindowMapping, daily, hourly);
    ok(sameWindowMapping, hourly, hourly);
    ok(sameWindowMapping, hourlyPartitions({ start: '2026-01-01T00:00' }), hourly);
    ok(sameWindowMapping, monthly, daily);
    ok(sameWindowMapping, none, daily);
    ok(sameWindowMapping, none, regions);
    ok(sameWindowMapping, daily, none); // triggers
    expect(refused(sameWindowMapping, hourly, daily)).toContain('timeWindowMapping');
    refused(sameWindowMapping, regions, regions);
    refused(sameWindowMapping, daily, regions);
  });

  it('timeWindow: two time spaces, the downstream at least as coarse', () => {
    for (const mapping of [timeWindowMapping(), timeWindowMapping({ take: 'last' })]) {
      ok(mapping, hourly, daily);
      ok(mapping, daily, weekly);
      ok(mapping, daily, monthly);
      ok(mapping, daily, daily);
      ok(mapping, dailyUtc, daily);
      expect(refused(mapping, daily, hourly)).toContain('at least as coarse');
      refused(mapping, monthly, weekly);
      expect(refused(mapping, daily, none)).toContain('unpartitioned');
      refused(mapping, none, daily);
      refused(mapping, regions, daily);
    }
  });

  it('offset: two time spaces of the same granularity', () => {
    ok(offsetMapping(-1), daily, daily);
    ok(offsetMapping(-1), dailyUtc, daily);
    ok(offsetMapping(3), hourly, hourlyPartitions({ start: '2026-01-01T00:00' }));
    expect(refused(offsetMapping(-1), hourly, daily)).toContain('granularity');
    refused(offsetMapping(-1), daily, hourly);
    refused(offsetMapping(-1), weekly, monthly);
    refused(offsetMapping(-1), none, daily);
    refused(offsetMapping(-1), daily, none);
  });

  it('latest: a time upstream, any downstream', () => {
    for (const downstream of [hourly, daily, monthly, none, regions, customers]) {
      ok(latestMapping, weekly, downstream);
    }
    refused(latestMapping, none, daily);
    refused(latestMapping, regions, daily);
  });

  it('static: static or dynamic spaces holding every mapped key', () => {
    const countries = staticPartitions(['fr', 'de', 'us']);
    const mapping = staticMapping({ eu: ['fr', 'de'], us: 'us' });
    ok(mapping, countries, regions);
    ok(mapping, customers, regions);
    ok(mapping, countries, customers);
    expect(refused(staticMapping({ eu: ['fr', 'it'] }), countries, regions)).toContain('`it`');
    expect(refused(staticMapping({ asia: 'fr' }), countries, regions)).toContain('`asia`');
    refused(mapping, daily, regions);
    refused(mapping, countries, none);
  });

  it('passes a mapping without `check`, and uses `now` to choose the sample', () => {
    const mine: PartitionMapping = {
      name: 'mine',
      upstream: (period) => ({ periods: [period], require: { kind: 'all' } }),
      downstream: (period) => [period],
    };
    ok(mine, regions, daily);
    const later = dailyPartitions({ start: '2030-01-01', timezone: 'Europe/Paris' });
    ok(identityMapping, later, daily);
    expect(() =>
      checkMapping(identityMapping, {
        upstream: later,
        downstream: daily,
        now: Date.UTC(2031, 0, 1),
      }),
    ).not.toThrow();
  });
});
