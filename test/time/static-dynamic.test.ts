import { describe, expect, it } from 'vitest';
import {
  DynamicPartitionSpace,
  StaticPartitionSpace,
  UNPARTITIONED,
  dynamicPartitions,
  staticPartitions,
} from '../../src/time/index.js';
import { expectError } from '../graph/random-dag.js';

describe('static partitions', () => {
  const regions = staticPartitions(['eu', 'us', 'apac']);

  it('are keys in order, each with the unpartitioned window', () => {
    expect(regions).toBeInstanceOf(StaticPartitionSpace);
    expect(regions.kind).toBe('static');
    expect(regions.keys).toEqual(['eu', 'us', 'apac']);
    expect(Object.isFrozen(regions.keys)).toBe(true);
    expect(regions.description).toBe('static partitions [eu, us, apac]');
    const eu = regions.parse('eu');
    expect(eu).toEqual({
      key: 'eu',
      start: UNPARTITIONED.start,
      end: UNPARTITIONED.end,
      timezone: 'UTC',
    });
    expect(Object.isFrozen(eu)).toBe(true);
    expect(regions.parse('eu')).toBe(eu);
  });

  it('go by list order, have no clock, and list by the window rule', () => {
    expect(regions.next(regions.parse('eu'))?.key).toBe('us');
    expect(regions.next(regions.parse('apac'))).toBeUndefined();
    expect(regions.previous(regions.parse('us'))?.key).toBe('eu');
    expect(regions.previous(regions.parse('eu'))).toBeUndefined();
    expect(regions.next({ ...UNPARTITIONED, key: 'nope' })).toBeUndefined();
    expect(regions.next({ key: 'eu', start: 0, end: 1, timezone: 'UTC' })).toBeUndefined();
    expect(regions.containing(0)).toBeUndefined();
    expect(regions.lastClosed(8e15)).toBeUndefined();
    expect([...regions.periods(-Infinity, Infinity)].map((p) => p.key)).toEqual([
      'eu',
      'us',
      'apac',
    ]);
    expect([...regions.periods(0, 1)]).toEqual([]);
    expect([...regions.periods(0, 1, { match: 'overlapping' })]).toHaveLength(3);
    expectError(() => regions.containing(Number.NaN), 'INVALID_ARGUMENT');
  });

  it('refuse a key that is not listed, quoting it', () => {
    const error = expectError(() => regions.parse('mars'), 'INVALID_PERIOD_KEY');
    expect(error.message).toContain('`"mars"` (string)');
    expect(error.message).toContain('static partitions [eu, us, apac]');
  });

  it('refuse bad keys, quoting the bad one', () => {
    const cases: [unknown, string][] = [
      [[], '`[]`'],
      ['eu', '`"eu"`'],
      [['eu', ''], '`""`'],
      [['eu', 'north america'], '"north america"'],
      [['eu', 'tab\there'], 'tab\\there'],
      [['eu', 'bell\u0007'], 'bell'],
      [['eu', 'x'.repeat(201)], '201'],
      [['eu', 'us', 'eu'], 'unique'],
      [['eu', 3], '`3` (number)'],
    ];
    for (const [keys, quoted] of cases) {
      const error = expectError(() => staticPartitions(keys as string[]), 'INVALID_ARGUMENT');
      expect(error.message).toContain(quoted);
    }
    expect(staticPartitions(['x'.repeat(200), 'été', 'a/b:c']).keys).toHaveLength(3);
  });

  it('describe a long list by its first keys', () => {
    const many = staticPartitions(Array.from({ length: 8 }, (_, i) => `k${i}`));
    expect(many.description).toBe('static partitions [k0, k1, k2, k3, k4, ... 3 more]');
  });
});

describe('dynamic partitions', () => {
  const customers = dynamicPartitions('customers');

  it('accept any key of the key shape, and know no order', () => {
    expect(customers).toBeInstanceOf(DynamicPartitionSpace);
    expect(customers.kind).toBe('dynamic');
    expect(customers.name).toBe('customers');
    expect(customers.description).toBe('dynamic partitions "customers"');
    const acme = customers.parse('acme');
    expect(acme).toEqual({
      key: 'acme',
      start: UNPARTITIONED.start,
      end: UNPARTITIONED.end,
      timezone: 'UTC',
    });
    expect(customers.next(acme)).toBeUndefined();
    expect(customers.previous(acme)).toBeUndefined();
    expect(customers.containing(0)).toBeUndefined();
    expect(customers.lastClosed(0)).toBeUndefined();
    expect([...customers.periods(-Infinity, Infinity)]).toEqual([]);
  });

  it('refuse keys and names of the wrong shape, quoting them', () => {
    for (const key of ['', 'a b', 'x'.repeat(201), 'line\n']) {
      const error = expectError(() => customers.parse(key), 'INVALID_PERIOD_KEY');
      expect(error.message).toContain(JSON.stringify(key).slice(0, 20));
    }
    expectError(() => dynamicPartitions(''), 'INVALID_ARGUMENT');
    expect(
      expectError(() => dynamicPartitions('my customers'), 'INVALID_ARGUMENT').message,
    ).toContain('"my customers"');
  });
});
