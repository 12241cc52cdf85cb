import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TributaryError } from '../../src/errors/index.js';
import {
  UNPARTITIONED_SPACE,
  dailyPartitions,
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
  type PeriodSpace,
} from '../../src/time/index.js';

/**
 * For every mapping and random spaces: `d ∈ downstream(u)` exactly when `u ∈ upstream(d)`,
 * and every period `upstream()` returns is the period its key parses to upstream.
 */

const DAY = 86_400_000;
const ZONES = ['UTC', 'Europe/Paris', 'America/New_York', 'Australia/Lord_Howe'];
const TIME_SPACES: PeriodSpace[] = ZONES.flatMap((timezone) => [
  hourlyPartitions({ start: '2024-01-01T00:00', timezone }),
  dailyPartitions({ start: '2024-01-01', timezone }),
  weeklyPartitions({ start: '2024-01-01', timezone }),
  weeklyPartitions({ start: '2024-01-01', timezone, weekStartsOn: 0 }),
  monthlyPartitions({ start: '2024-01-01', timezone }),
]);
const timeSpace = fc.constantFrom(...TIME_SPACES);
const instant = fc.integer({ min: Date.UTC(2024, 2, 1), max: Date.UTC(2027, 0, 1) });
/** Near a DST transition of one of the zones, where windows are irregular. */
const nearTransition = fc
  .constantFrom(
    Date.UTC(2026, 2, 29, 1),
    Date.UTC(2026, 9, 25, 1),
    Date.UTC(2026, 2, 8, 7),
    Date.UTC(2026, 10, 1, 6),
    Date.UTC(2026, 3, 4, 15),
    Date.UTC(2026, 9, 3, 15, 30),
  )
  .chain((t) => fc.integer({ min: t - 3 * DAY, max: t + 3 * DAY }));
const when = fc.oneof(instant, nearTransition);

/** The upstream periods of `d`, or `undefined` when not mapped. */
function upstreamOf(
  mapping: PartitionMapping,
  d: Period,
  spaces: MappingSpaces,
): readonly Period[] | undefined {
  try {
    return mapping.upstream(d, spaces).periods;
  } catch (error) {
    if (error instanceof TributaryError && error.code === 'PERIOD_NOT_MAPPED') return undefined;
    throw error;
  }
}

/** The keys of the (ordered, maybe endless) `periods` that start by `last`. */
function keysUpTo(periods: Iterable<Period>, last: number): string[] {
  const keys: string[] = [];
  for (const p of periods) {
    if (p.start > last) break;
    keys.push(p.key);
  }
  return keys;
}

/** Whether the (ordered, maybe endless) `periods` hold `target`. */
function holds(periods: Iterable<Period>, target: Period): boolean {
  let seen = 0;
  for (const p of periods) {
    if (p.key === target.key) return true;
    if (p.start > target.start || ++seen > 5_000) return false;
  }
  return false;
}

/** Checks the equivalence for `u` against downstream candidates around it, and the keys. */
function checkAround(
  mapping: PartitionMapping,
  spaces: MappingSpaces,
  at: number,
  span: number,
): void {
  const { upstream, downstream } = spaces;
  const u = upstream.kind === 'time' ? upstream.containing(at) : undefined;
  const d0 = downstream.kind === 'time' ? downstream.containing(at) : undefined;
  const candidates: Period[] =
    downstream.kind === 'time'
      ? [...downstream.periods(at - span, at + span, { match: 'overlapping' })].slice(0, 400)
      : [...downstream.periods(-Infinity, Infinity)];
  const us = new Map<string, Period>();
  const upstreamByCandidate = new Map<string, readonly Period[] | undefined>();
  for (const d of [...candidates, ...(d0 ? [d0] : [])]) {
    const found = upstreamOf(mapping, d, spaces);
    upstreamByCandidate.set(d.key, found);
    // Every key parses back upstream (a sample of long lists: a month holds 744 hours).
    const periods = found ?? [];
    const every = Math.max(1, Math.floor(periods.length / 8));
    periods.forEach((p, i) => {
      if (i % every === 0 || i === periods.length - 1) expect(upstream.parse(p.key)).toEqual(p);
      us.set(p.key, p);
    });
  }
  // `u` and a few of the upstream periods found, spread out: a month holds 744 hours.
  const found = [...us.values()];
  const step = Math.max(1, Math.floor(found.length / 12));
  const targets = [...(u ? [u] : []), ...found.filter((_, i) => i % step === 0)];
  const lastStart = Math.max(...candidates.map((d) => d.start));
  for (const target of targets) {
    const back = new Set(keysUpTo(mapping.downstream(target, spaces), lastStart));
    for (const d of candidates) {
      const forward = upstreamByCandidate.get(d.key)?.some((p) => p.key === target.key) ?? false;
      expect(back.has(d.key), `${d.key} in downstream(${target.key})`).toBe(forward);
    }
  }
}

const mappings: PartitionMapping[] = [
  timeWindowMapping(),
  timeWindowMapping({ take: 'last' }),
  timeWindowMapping({ take: { atLeast: 3 } }),
  sameWindowMapping,
  identityMapping,
  offsetMapping(-1),
  offsetMapping(2),
  latestMapping,
];

describe('mappings agree with their inverse', () => {
  for (const mapping of mappings) {
    it(`${mapping.name}, between random time spaces`, () => {
      fc.assert(
        fc.property(
          timeSpace,
          timeSpace,
          when,
          fc.option(fc.integer({ min: -3 * DAY, max: 3 * DAY }), { nil: undefined }),
          (upstream, downstream, at, late) => {
            const now = late === undefined ? undefined : at + late;
            const spaces: MappingSpaces =
              mapping === latestMapping && now !== undefined
                ? { upstream, downstream, now }
                : { upstream, downstream };
            checkAround(mapping, spaces, at, 2 * DAY);
          },
        ),
        { numRuns: 50 },
      );
    });
  }

  it('latest and sameWindow, from time partitions to unpartitioned and static ones', () => {
    const regions = staticPartitions(['eu', 'us', 'apac']);
    fc.assert(
      fc.property(
        timeSpace,
        fc.constantFrom<PeriodSpace>(UNPARTITIONED_SPACE, regions),
        fc.constantFrom(latestMapping, sameWindowMapping, timeWindowMapping()),
        when,
        fc.option(when, { nil: undefined }),
        (upstream, downstream, mapping, at, now) => {
          const spaces: MappingSpaces =
            now === undefined ? { upstream, downstream } : { upstream, downstream, now };
          const u = upstream.containing(at)!;
          for (const d of downstream.periods(-Infinity, Infinity)) {
            const found = upstreamOf(mapping, d, spaces)?.some((p) => p.key === u.key) ?? false;
            expect(holds(mapping.downstream(u, spaces), d)).toBe(found);
          }
          const closed = now === undefined ? undefined : upstream.lastClosed(now);
          if (mapping === latestMapping && closed !== undefined) {
            expect(keysOf(mapping.downstream(closed, spaces))).toEqual(
              keysOf(downstream.periods(-Infinity, Infinity)),
            );
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('static and identity, between random static sets', () => {
    const key = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
    const set = fc
      .uniqueArray(key, { minLength: 1, maxLength: 6 })
      .map((keys) => staticPartitions(keys));
    const map = fc.dictionary(key, fc.uniqueArray(key, { minLength: 1, maxLength: 3 }));
    fc.assert(
      fc.property(set, set, map, fc.boolean(), (upstream, downstream, entries, identity) => {
        const mapping = identity ? identityMapping : staticMapping(entries);
        const spaces = { upstream, downstream };
        for (const u of upstream.periods(-Infinity, Infinity)) {
          const back = keysOf(mapping.downstream(u, spaces));
          for (const d of downstream.periods(-Infinity, Infinity)) {
            const found = upstreamOf(mapping, d, spaces);
            for (const p of found ?? []) expect(upstream.parse(p.key)).toEqual(p);
            expect(back.includes(d.key)).toBe(found?.some((p) => p.key === u.key) ?? false);
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});

function keysOf(periods: Iterable<Period>): string[] {
  return [...periods].map((p) => p.key);
}
