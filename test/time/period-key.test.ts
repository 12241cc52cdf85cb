import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TIME_DOMAIN, formatInstantKey, parseInstantKey, zoneRules } from '../../src/time/index.js';
import { ZONES } from './schedules.js';

describe('period keys', () => {
  it('write the local start with its UTC offset, Z for offset zero', () => {
    const paris = zoneRules('Europe/Paris');
    expect(formatInstantKey(Date.UTC(2026, 2, 29, 0), paris)).toBe('2026-03-29T01:00+01:00');
    expect(formatInstantKey(Date.UTC(2026, 9, 25, 0), paris)).toBe('2026-10-25T02:00+02:00');
    expect(formatInstantKey(Date.UTC(2026, 9, 25, 1), paris)).toBe('2026-10-25T02:00+01:00');
    expect(formatInstantKey(Date.UTC(2026, 0, 1), zoneRules('UTC'))).toBe('2026-01-01T00:00Z');
    expect(formatInstantKey(Date.UTC(2026, 0, 1), zoneRules('Asia/Kathmandu'))).toBe(
      '2026-01-01T05:45+05:45',
    );
    expect(formatInstantKey(Date.UTC(2026, 0, 1, 0, 0, 7, 5), zoneRules('America/New_York'))).toBe(
      '2025-12-31T19:00:07.005-05:00',
    );
    expect(formatInstantKey(Date.UTC(1890, 0, 1), paris)).toBe('1890-01-01T00:09:21+00:09:21');
  });

  it('read back the exact instant', () => {
    expect(parseInstantKey('2026-10-25T02:00+02:00')).toBe(Date.UTC(2026, 9, 25, 0));
    expect(parseInstantKey('2026-10-25T02:00+01:00')).toBe(Date.UTC(2026, 9, 25, 1));
    expect(parseInstantKey('2026-01-01T00:00Z')).toBe(Date.UTC(2026, 0, 1));
    expect(parseInstantKey('1890-01-01T00:09:21+00:09:21')).toBe(Date.UTC(1890, 0, 1));
  });

  it('are refused when malformed or out of range', () => {
    for (const key of [
      '',
      '2026-01-01',
      '2026-01-01T00:00',
      '2026-01-01 00:00Z',
      '2026-02-30T00:00Z',
      '2026-01-01T24:00Z',
      '2026-01-01T00:60Z',
      '2026-01-01T00:00+01:60',
      '2026-1-01T00:00Z',
    ]) {
      expect(parseInstantKey(key), key).toBeUndefined();
    }
  });

  it('round-trip for any instant and zone', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: TIME_DOMAIN.min, max: TIME_DOMAIN.max }),
        fc.constantFrom(...ZONES),
        (instant, zone) => {
          expect(parseInstantKey(formatInstantKey(instant, zoneRules(zone)))).toBe(instant);
        },
      ),
    );
  });
});
