import {
  notMapped,
  ALL,
  type MappingSpaces,
  type PartitionMapping,
  type UpstreamPeriods,
} from './mapping.js';
import { requireKinds } from './mapping-check.js';
import type { Period } from './period.js';
import { TIME_DOMAIN } from './zoned-time.js';

const NAME = 'latest';

/**
 * The upstream's latest period closed by the end of the downstream period, or by `spaces.now`
 * (the scheduler's clock) when that is earlier: a daily report on the latest weekly snapshot,
 * or a static or unpartitioned DAG on the latest day of data. A downstream period that has not
 * ended needs `now` (an unpartitioned or static one always does; without it, it is not mapped).
 *
 * `downstream(u)` is the inverse, lazily: the downstream periods whose end (or `now`) falls
 * between `u`'s end and the next upstream period's end. When `u` is the latest period closed at
 * `now`, every downstream period that ends after `now` maps to it too: the list runs to the
 * end of the downstream space, in time order; take what you need. A dynamic downstream lists
 * nothing (its keys are in the store).
 *
 * `check` takes a time upstream; the downstream may be of any kind.
 *
 * @throws `PERIOD_NOT_MAPPED` when no upstream period has closed by then.
 * @example
 * ```ts
 * const weekly = weeklyPartitions({ start: '2026-01-05' });
 * const daily = dailyPartitions({ start: '2026-01-01' });
 * const spaces = { upstream: weekly, downstream: daily };
 * latestMapping.upstream(daily.parse('2026-10-21'), spaces).periods[0]?.key; // '2026-10-12'
 * ```
 */
export const latestMapping: PartitionMapping = Object.freeze({
  name: NAME,
  upstream(period: Period, { upstream, now }: MappingSpaces): UpstreamPeriods {
    const at = closedBy(period, now);
    if (at === undefined) {
      notMapped(
        NAME,
        period,
        upstream,
        'its window has no end before the year 2999: it needs `now`',
      );
    }
    const found = upstream.lastClosed(at);
    if (found === undefined) {
      notMapped(
        NAME,
        period,
        upstream,
        `none of its periods has closed by ${new Date(at).toISOString()}`,
      );
    }
    return { periods: [found], require: ALL };
  },
  *downstream(
    period: Period,
    { upstream, downstream, now }: MappingSpaces,
  ): IterableIterator<Period> {
    // lastClosed(x) is `period` exactly when period.end <= x < (the next period's end).
    if (now !== undefined && now < period.end) return;
    const nextEnd = upstream.next(period)?.end ?? Infinity;
    // `closedBy` grows with the candidates' ends: stop at the first past the range.
    for (const candidate of downstream.periods(period.end - 1, Infinity, {
      match: 'overlapping',
    })) {
      const at = closedBy(candidate, now);
      if (at === undefined || at >= nextEnd) return;
      if (at >= period.end) yield candidate;
    }
  },
  check(spaces: MappingSpaces): void {
    requireKinds(NAME, spaces, ['time'], ['time', 'static', 'dynamic', 'unpartitioned']);
  },
});

/** The instant the upstream's periods are read at for `period`, if in the time domain. */
function closedBy(period: Period, now: number | undefined): number | undefined {
  const at = Math.min(period.end, now ?? Infinity);
  return at <= TIME_DOMAIN.max ? at : undefined;
}
