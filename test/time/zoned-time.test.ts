import { describe, expect, it } from 'vitest';
import { TIME_DOMAIN, utcInstant, zoneRules } from '../../src/time/index.js';
import { expectError } from '../graph/random-dag.js';

const HOUR = 3_600_000;

describe('zone rules', () => {
  it('finds the 2026 transitions of Europe/Paris and America/New_York to the millisecond', () => {
    const year = [Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1)] as const;
    expect(zoneRules('Europe/Paris').transitionsIn(...year)).toEqual([
      { at: Date.UTC(2026, 2, 29, 1), before: HOUR, after: 2 * HOUR },
      { at: Date.UTC(2026, 9, 25, 1), before: 2 * HOUR, after: HOUR },
    ]);
    expect(zoneRules('America/New_York').transitionsIn(...year)).toEqual([
      { at: Date.UTC(2026, 2, 8, 7), before: -5 * HOUR, after: -4 * HOUR },
      { at: Date.UTC(2026, 10, 1, 6), before: -4 * HOUR, after: -5 * HOUR },
    ]);
    expect(zoneRules('UTC').transitionsIn(...year)).toEqual([]);
  });

  it('gives the offset in force, switching exactly at the transition', () => {
    const paris = zoneRules('Europe/Paris');
    const at = Date.UTC(2026, 2, 29, 1);
    expect(paris.offsetAt(at - 1)).toBe(HOUR);
    expect(paris.offsetAt(at)).toBe(2 * HOUR);
    expect(paris.wallTime(at)).toBe(Date.UTC(2026, 2, 29, 3));
    expect(zoneRules('Asia/Kathmandu').offsetAt(at)).toBe(5.75 * HOUR);
  });

  it('lists transitions in half-open ranges (from, to], also across a year boundary', () => {
    const paris = zoneRules('Europe/Paris');
    const at = Date.UTC(2026, 9, 25, 1);
    expect(paris.transitionsIn(at - 1, at)).toHaveLength(1);
    expect(paris.transitionsIn(at, at + 1)).toHaveLength(0);
    expect(paris.transitionsIn(Date.UTC(2025, 5, 1), Date.UTC(2026, 5, 1))).toHaveLength(2);
  });

  it('reads offsets with seconds (local mean time) and years before 100', () => {
    expect(zoneRules('Europe/Paris').offsetAt(Date.UTC(1890, 0, 1))).toBe(561_000);
    expect(new Date(utcInstant(50, 3, 1, 12)).toISOString()).toBe('0050-03-01T12:00:00.000Z');
    expect(new Date(TIME_DOMAIN.min).toISOString()).toBe('0001-01-02T00:00:00.000Z');
  });

  it('names zones as Intl spells them, and refuses unknown zones and fixed offsets', () => {
    expect(zoneRules('europe/paris').timezone).toBe('Europe/Paris');
    for (const zone of ['Mars/Olympus', '+01:00', '', 42, undefined]) {
      const error = expectError(() => zoneRules(zone), 'UNKNOWN_TIMEZONE');
      expect(error.message).toContain(`\`${JSON.stringify(zone) ?? 'undefined'}\``);
    }
  });
});
