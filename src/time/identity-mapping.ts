import { TributaryError } from '../errors/index.js';
import {
  ALL,
  notMapped,
  type MappingSpaces,
  type PartitionMapping,
  type UpstreamPeriods,
} from './mapping.js';
import { incompatible, sampleWindows } from './mapping-check.js';
import type { Period } from './period.js';

const NAME = 'identity';

/**
 * The upstream period with the same key. For two DAGs partitioned alike: the same time
 * partitions or schedule in the same zone, static partitions sharing keys (every downstream
 * key must be an upstream key), dynamic partitions, or both unpartitioned.
 *
 * @throws `PERIOD_NOT_MAPPED` when the key is not a period of the upstream space.
 * @example
 * ```ts
 * identityMapping.upstream(period, spaces).periods[0]?.key === period.key; // true
 * ```
 */
export const identityMapping: PartitionMapping = Object.freeze({
  name: NAME,
  upstream(period: Period, { upstream }: MappingSpaces): UpstreamPeriods {
    let found: Period;
    try {
      found = upstream.parse(period.key);
    } catch (error) {
      notMapped(NAME, period, upstream, 'it has no period with this key', error);
    }
    return { periods: [found], require: ALL };
  },
  *downstream(period: Period, { downstream }: MappingSpaces): IterableIterator<Period> {
    try {
      yield downstream.parse(period.key);
    } catch (error) {
      if (!(error instanceof TributaryError && error.code === 'INVALID_PERIOD_KEY')) throw error;
    }
  },
  check(spaces: MappingSpaces): void {
    const { upstream, downstream } = spaces;
    if (upstream.kind !== downstream.kind) {
      incompatible(
        NAME,
        spaces,
        `the spaces are of different kinds (${upstream.kind} upstream, ${downstream.kind} downstream)`,
      );
    }
    const keys =
      downstream.kind === 'time'
        ? sampleWindows(spaces)
        : downstream.kind === 'static'
          ? [...downstream.periods(-Infinity, Infinity)]
          : [];
    for (const period of keys) {
      let found: Period | undefined;
      try {
        found = upstream.parse(period.key);
      } catch {
        found = undefined;
      }
      if (found === undefined || found.start !== period.start || found.end !== period.end) {
        incompatible(
          NAME,
          spaces,
          `the downstream key \`${period.key}\` names no upstream period of the same window` +
            (downstream.kind === 'time' ? ' (to match windows, use sameWindowMapping)' : ''),
        );
      }
    }
  },
});
