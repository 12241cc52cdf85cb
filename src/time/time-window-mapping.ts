import { invalidArgument } from '../errors/index.js';
import {
  ALL,
  notMapped,
  type MappingSpaces,
  type PartitionMapping,
  type UpstreamPeriods,
} from './mapping.js';
import { incompatible, requireKinds, sampleWindows, strictlyCovers } from './mapping-check.js';
import type { Period } from './period.js';

/**
 * Options of {@link timeWindowMapping}.
 *
 * @example
 * ```ts
 * const options: TimeWindowMappingOptions = { take: { atLeast: 20 } };
 * ```
 */
export interface TimeWindowMappingOptions {
  /**
   * Which of the upstream periods in the window the downstream period waits for: `'all'` (the
   * default), the `'last'` one, or all of them of which `atLeast` must be accepted (capped at
   * their number, so a 23-hour day never waits for a 24th hour).
   */
  readonly take?: 'all' | 'last' | { readonly atLeast: number };
}

/**
 * The fan-in mapping: a downstream period depends on the finer upstream periods in its window,
 * those whose windows overlap it (exactly those inside it when the boundaries agree). A daily
 * partition waits for its 24 hourly ones (23 or 25 on daylight-saving days), a month for its
 * days. With `take: 'last'` only the last of them; with `take: { atLeast: n }` all of them,
 * `n` of which must be accepted. A window the upstream does not cover entirely (it starts
 * later) is not mapped. `downstream(u)` is the exact inverse: the downstream periods whose
 * windows overlap `u`'s (for `'last'`, those whose last upstream period is `u`).
 *
 * `check` takes two time spaces, the downstream at least as coarse as the upstream. The
 * reverse, an hour on its day, is {@link sameWindowMapping}.
 *
 * @throws `INVALID_ARGUMENT` quoting a `take` that is none of the above.
 * @example
 * ```ts
 * const hourly = hourlyPartitions({ start: '2026-01-01T00:00', timezone: 'Europe/Paris' });
 * const daily = dailyPartitions({ start: '2026-01-01', timezone: 'Europe/Paris' });
 * const spaces = { upstream: hourly, downstream: daily };
 * timeWindowMapping().upstream(daily.parse('2026-10-25'), spaces).periods.length; // 25
 * timeWindowMapping({ take: 'last' }).upstream(daily.parse('2026-10-25'), spaces).periods[0]?.key;
 * // '2026-10-25T23:00+01:00'
 * ```
 */
export function timeWindowMapping(options: TimeWindowMappingOptions = {}): PartitionMapping {
  const take = options?.take ?? 'all';
  const atLeast = typeof take === 'object' && take !== null ? take.atLeast : undefined;
  if (take !== 'all' && take !== 'last' && !(Number.isSafeInteger(atLeast) && atLeast! >= 1)) {
    invalidArgument('`take`', "'all', 'last' or { atLeast: n } with n an integer >= 1", take);
  }
  const last = take === 'last';
  const name = `timeWindow(${atLeast === undefined ? (last ? 'last' : 'all') : `atLeast ${atLeast}`})`;

  /** The first and last upstream periods of a window, if the upstream covers it. */
  const ends = (period: Period, { upstream }: MappingSpaces) => {
    const first = upstream.containing(period.start);
    const final = first === undefined ? undefined : upstream.containing(period.end - 1);
    return final === undefined ? undefined : { first: first!, final };
  };

  return Object.freeze({
    name,
    upstream(period: Period, spaces: MappingSpaces): UpstreamPeriods {
      const found = ends(period, spaces);
      if (found === undefined) {
        notMapped(name, period, spaces.upstream, 'its periods do not cover the window');
      }
      if (last) return { periods: [found.final], require: ALL };
      const periods = [
        ...spaces.upstream.periods(period.start, period.end, { match: 'overlapping' }),
      ];
      return {
        periods,
        require:
          atLeast === undefined
            ? ALL
            : { kind: 'atLeast', count: Math.min(atLeast, periods.length) },
      };
    },
    *downstream(period: Period, spaces: MappingSpaces): IterableIterator<Period> {
      const { upstream } = spaces;
      for (const candidate of spaces.downstream.periods(period.start, period.end, {
        match: 'overlapping',
      })) {
        // As `upstream(candidate)` decides, with look-ups only for the ends outside `period`.
        if (last && !(period.start < candidate.end && candidate.end <= period.end)) continue;
        const startCovered =
          candidate.start >= period.start || upstream.containing(candidate.start) !== undefined;
        const endCovered =
          candidate.end <= period.end || upstream.containing(candidate.end - 1) !== undefined;
        if (startCovered && endCovered) yield candidate;
      }
    },
    check(spaces: MappingSpaces): void {
      requireKinds(name, spaces, ['time'], ['time']);
      for (const window of sampleWindows(spaces)) {
        const around = spaces.upstream.containing(window.start);
        if (around !== undefined && strictlyCovers(around, window)) {
          incompatible(
            name,
            spaces,
            `the upstream period \`${around.key}\` is longer than the downstream window ` +
              `\`${window.key}\` it covers: the downstream must be at least as coarse ` +
              '(an hour on its day takes sameWindowMapping)',
          );
        }
      }
    },
  });
}
