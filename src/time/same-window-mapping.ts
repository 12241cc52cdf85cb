import {
  ALL,
  notMapped,
  type MappingSpaces,
  type PartitionMapping,
  type UpstreamPeriods,
} from './mapping.js';
import { incompatible, requireKinds, sampleWindows } from './mapping-check.js';
import type { Period } from './period.js';

const NAME = 'sameWindow';

/**
 * The fan-out mapping: the one upstream period whose window covers the downstream period's
 * window (`start <= period.start` and `period.end <= end`), so each finer downstream period
 * depends on its coarser upstream period (each hourly partition on its day; a day's 23, 24
 * or 25 hours when it succeeds). It is the period with the same window when the two spaces
 * agree (hourly and hourly in different zones). A window that spans several upstream periods
 * (a daily run over hourly ones) has no such period: that is {@link timeWindowMapping}, the
 * fan-in. Any period maps onto an unpartitioned upstream.
 *
 * `check` accepts a time upstream with a time downstream no coarser than it; an unpartitioned
 * upstream with any downstream; and a time upstream with an unpartitioned downstream, for
 * triggers (each upstream run starts a run of its own; as a dependency it maps nothing).
 *
 * @throws `PERIOD_NOT_MAPPED` when no single upstream period covers the window.
 * @example
 * ```ts
 * const day = sameWindowMapping.upstream(hour, { upstream: daily, downstream: hourly });
 * ```
 */
export const sameWindowMapping: PartitionMapping = Object.freeze({
  name: NAME,
  upstream(period: Period, { upstream }: MappingSpaces): UpstreamPeriods {
    const found = upstream.containing(period.start);
    if (found === undefined || found.end < period.end) {
      notMapped(
        NAME,
        period,
        upstream,
        found === undefined
          ? 'it has no period around its start'
          : `its period \`${found.key}\` ends before the window does`,
      );
    }
    return { periods: [found], require: ALL };
  },
  downstream(period: Period, { downstream }: MappingSpaces): IterableIterator<Period> {
    return downstream.periods(period.start, period.end, { match: 'within' });
  },
  check(spaces: MappingSpaces): void {
    if (spaces.upstream.kind === 'unpartitioned') return;
    requireKinds(NAME, spaces, ['time', 'unpartitioned'], ['time', 'unpartitioned']);
    if (spaces.downstream.kind !== 'time') return;
    for (const window of sampleWindows(spaces)) {
      const around = spaces.upstream.containing(window.start);
      if (around === undefined || around.end < window.end) {
        incompatible(
          NAME,
          spaces,
          `the downstream window \`${window.key}\` is not inside one upstream period` +
            ' (a window over several upstream periods takes timeWindowMapping)',
        );
      }
    }
  },
});
