import { invalidArgument } from '../errors/index.js';
import {
  ALL,
  notMapped,
  type MappingSpaces,
  type PartitionMapping,
  type UpstreamPeriods,
} from './mapping.js';
import { incompatible, requireKinds, sampleWindows } from './mapping-check.js';
import type { Period, PeriodSpace } from './period.js';

/**
 * The upstream period `offset` periods away from the one aligned with the downstream period
 * (the one with the same window, else the one containing its start): `offsetMapping(-1)` is
 * the previous period, the "compare with yesterday" dependency; `offsetMapping(1)` the next.
 * `downstream(u)` is the exact inverse: the downstream periods that start in the window
 * `-offset` periods from `u`. Costs `|offset|` steps of `next`/`previous`.
 *
 * `check` takes two time spaces of the same granularity: on sample windows, the aligned periods'
 * lengths are within 1.5 times of each other (days of 23 to 25 hours, months of 28 to 31 days).
 *
 * @throws `INVALID_ARGUMENT` quoting an `offset` that is not a non-zero integer.
 * @example
 * ```ts
 * const daily = dailyPartitions({ start: '2026-01-01', timezone: 'Europe/Paris' });
 * const spaces = { upstream: daily, downstream: daily };
 * offsetMapping(-1).upstream(daily.parse('2026-10-25'), spaces).periods[0]?.key; // '2026-10-24'
 * ```
 */
export function offsetMapping(offset: number): PartitionMapping {
  if (!Number.isSafeInteger(offset) || offset === 0) {
    invalidArgument('`offset`', 'a non-zero integer (negative: earlier periods)', offset);
  }
  const name = `offset(${offset})`;
  return Object.freeze({
    name,
    upstream(period: Period, { upstream }: MappingSpaces): UpstreamPeriods {
      const aligned = upstream.containing(period.start);
      if (aligned === undefined)
        notMapped(name, period, upstream, 'it has no period around its start');
      const moved = move(upstream, aligned, offset);
      if (moved === undefined) {
        notMapped(
          name,
          period,
          upstream,
          `it has no period ${Math.abs(offset)} ${offset < 0 ? 'before' : 'after'} \`${aligned.key}\``,
        );
      }
      return { periods: [moved], require: ALL };
    },
    *downstream(period: Period, { upstream, downstream }: MappingSpaces): IterableIterator<Period> {
      const origin = move(upstream, period, -offset);
      if (origin === undefined) return;
      for (const candidate of downstream.periods(origin.start, origin.end, {
        match: 'overlapping',
      })) {
        if (candidate.start >= origin.start) yield candidate;
      }
    },
    check(spaces: MappingSpaces): void {
      requireKinds(name, spaces, ['time'], ['time']);
      for (const window of sampleWindows(spaces)) {
        const aligned = spaces.upstream.containing(window.start);
        if (aligned !== undefined && !similarLengths(aligned, window)) {
          incompatible(
            name,
            spaces,
            `the spaces differ in granularity: the downstream window \`${window.key}\` is aligned ` +
              `with the upstream period \`${aligned.key}\`, of another length`,
          );
        }
      }
    },
  });
}

/** The period `steps` periods after `period` (before, when negative), if there is one. */
function move(space: PeriodSpace, period: Period, steps: number): Period | undefined {
  let at: Period | undefined = period;
  for (let i = 0; i < Math.abs(steps) && at !== undefined; i++) {
    at = steps < 0 ? space.previous(at) : space.next(at);
  }
  return at;
}

/** Same granularity: lengths within 1.5 times (a 23-hour day is a day; a week is no month). */
function similarLengths(a: Period, b: Period): boolean {
  const [x, y] = [a.end - a.start, b.end - b.start];
  return Math.max(x, y) <= 1.5 * Math.min(x, y);
}
