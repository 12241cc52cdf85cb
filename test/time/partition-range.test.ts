import { describe, expect, it } from 'vitest';
import {
  UNPARTITIONED,
  UNPARTITIONED_SPACE,
  countPartitions,
  dailyPartitions,
  dynamicPartitions,
  hourlyPartitions,
  monthlyPartitions,
  partitionRange,
  staticPartitions,
} from '../../src/time/index.js';
import { expectError } from '../graph/random-dag.js';

const keys = (periods: Iterable<{ key: string }>) => [...periods].map((p) => p.key);

describe('partitionRange', () => {
  it('lists time partitions from one key to another, both included', () => {
    const daily = dailyPartitions({ start: '2026-01-01', timezone: 'Europe/Paris' });
    expect(keys(partitionRange(daily, '2026-03-28', '2026-03-30'))).toEqual([
      '2026-03-28',
      '2026-03-29',
      '2026-03-30',
    ]);
    expect(keys(partitionRange(daily, '2026-03-28', '2026-03-28'))).toEqual(['2026-03-28']);
    const hourly = hourlyPartitions({ start: '2026-01-01T00:00', timezone: 'Europe/Paris' });
    expect(
      keys(partitionRange(hourly, '2026-10-25T02:00+02:00', '2026-10-25T02:00+01:00')),
    ).toEqual(['2026-10-25T02:00+02:00', '2026-10-25T02:00+01:00']);
    expect(countPartitions(hourly, '2026-10-25T00:00+02:00', '2026-10-25T23:00+01:00')).toBe(25);
    expect(countPartitions(monthly(), '2026-01', '2026-12')).toBe(12);
  });

  it('is lazy, and counting stops at the limit', () => {
    const hourly = hourlyPartitions({ start: '2000-01-01T00:00' });
    const range = partitionRange(hourly, '2000-01-01T00:00Z', '2999-01-01T00:00Z');
    expect(range.next().value?.key).toBe('2000-01-01T00:00Z');
    expect(countPartitions(hourly, '2000-01-01T00:00Z', '2999-01-01T00:00Z', { limit: 1000 })).toBe(
      1000,
    );
    expect(countPartitions(hourly, '2000-01-01T00:00Z', '2000-01-01T09:00Z', { limit: 1000 })).toBe(
      10,
    );
    expect(countPartitions(hourly, '2000-01-01T00:00Z', '2000-01-01T09:00Z', { limit: 0 })).toBe(0);
    expectError(
      () => countPartitions(hourly, '2000-01-01T00:00Z', '2000-01-01T00:00Z', { limit: -1 }),
      'INVALID_ARGUMENT',
    );
  });

  it('goes by list order for static partitions, and by the stored keys for dynamic ones', () => {
    const regions = staticPartitions(['eu', 'us', 'apac', 'latam']);
    expect(keys(partitionRange(regions, 'us', 'latam'))).toEqual(['us', 'apac', 'latam']);
    const customers = dynamicPartitions('customers');
    const stored = ['zeta', 'acme', 'initech', 'globex'];
    expect(keys(partitionRange(customers, 'acme', 'globex', { keys: stored }))).toEqual([
      'acme',
      'initech',
      'globex',
    ]);
    expect(countPartitions(customers, 'zeta', 'globex', { keys: stored, limit: 2 })).toBe(2);
    const error = expectError(
      () => partitionRange(customers, 'acme', 'globex'),
      'INVALID_ARGUMENT',
    );
    expect(error.message).toContain('dynamic partitions "customers"');
    expect(
      expectError(
        () => partitionRange(customers, 'acme', 'hooli', { keys: stored }),
        'INVALID_PERIOD_KEY',
      ).message,
    ).toContain('"hooli"');
  });

  it('has one range for an unpartitioned space', () => {
    expect([...partitionRange(UNPARTITIONED_SPACE, '', '')]).toEqual([UNPARTITIONED]);
    expectError(() => partitionRange(UNPARTITIONED_SPACE, '', 'x'), 'INVALID_PERIOD_KEY');
  });

  it('checks both keys before listing anything, quoting them', () => {
    const daily = dailyPartitions({ start: '2026-01-01' });
    let error = expectError(
      () => partitionRange(daily, '2026-03-30', '2026-03-28'),
      'INVALID_RANGE',
    );
    expect(error.message).toContain('`2026-03-30`');
    expect(error.message).toContain('`2026-03-28`');
    expect(error.context).toMatchObject({ from: '2026-03-30', to: '2026-03-28' });
    error = expectError(
      () => partitionRange(daily, '2025-12-31', '2026-03-28'),
      'INVALID_PERIOD_KEY',
    );
    expect(error.message).toContain('"2025-12-31"');
    expectError(() => partitionRange(daily, '2026-01-01', '2026-02-30'), 'INVALID_PERIOD_KEY');
    const regions = staticPartitions(['eu', 'us']);
    expect(
      expectError(() => partitionRange(regions, 'us', 'eu'), 'INVALID_RANGE').message,
    ).toContain('`us`');
    expectError(() => countPartitions(regions, 'us', 'eu'), 'INVALID_RANGE');
    expectError(() => partitionRange(regions, 'eu', 'mars'), 'INVALID_PERIOD_KEY');
  });
});

function monthly() {
  return monthlyPartitions({ start: '2026-01-01', timezone: 'Australia/Lord_Howe' });
}
