import { TributaryError, type ErrorContext } from '../errors/index.js';
import type { Period, PeriodSpace } from './period.js';

/**
 * The period spaces a {@link PartitionMapping} maps between: the upstream DAG's and the
 * downstream DAG's.
 *
 * @example
 * ```ts
 * const spaces: MappingSpaces = {
 *   upstream: cronSchedule('0 * * * *'),
 *   downstream: cronSchedule('0 0 * * *'),
 * };
 * ```
 */
export interface MappingSpaces {
  readonly upstream: PeriodSpace;
  readonly downstream: PeriodSpace;
  /** The time now (epoch ms), for mappings that depend on it (latest). */
  readonly now?: number;
}

/**
 * How many of a dependency's upstream periods must be accepted: all of them, or at least
 * `count`.
 *
 * @example
 * ```ts
 * const mostOfTheDay: UpstreamRequirement = { kind: 'atLeast', count: 20 };
 * ```
 */
export type UpstreamRequirement =
  { readonly kind: 'all' } | { readonly kind: 'atLeast'; readonly count: number };

/**
 * What one downstream period depends on: upstream periods (never empty, in time order) and how
 * many of them must be accepted.
 *
 * @example
 * ```ts
 * const dependency: UpstreamPeriods = { periods: [UNPARTITIONED], require: { kind: 'all' } };
 * ```
 */
export interface UpstreamPeriods {
  readonly periods: readonly Period[];
  readonly require: UpstreamRequirement;
}

/**
 * How a downstream DAG's periods depend on an upstream DAG's periods. `upstream` answers "which
 * upstream periods does this run wait for"; `downstream` is its inverse, "which downstream
 * periods may now run", used when an upstream run finishes: `d` is in `downstream(u)` exactly
 * when `u` is in `upstream(d).periods`. `name` appears in errors and lineage.
 *
 * Built now: {@link identityMapping} and {@link sameWindowMapping}. Time-window (all / last /
 * at least N of the finer periods inside a window), offset and latest mappings fit the same
 * shape: a list of periods plus a requirement.
 *
 * @example
 * ```ts
 * const yesterday: PartitionMapping = {
 *   name: 'previous',
 *   upstream: (period, { upstream }) => {
 *     const previous = upstream.previous(period);
 *     if (previous === undefined) throw new Error(`no period before ${period.key}`);
 *     return { periods: [previous], require: { kind: 'all' } };
 *   },
 *   downstream: (period, { downstream }) => {
 *     const next = downstream.next(period);
 *     return next === undefined ? [] : [next];
 *   },
 * };
 * ```
 */
export interface PartitionMapping {
  readonly name: string;
  /**
   * The upstream periods `period` (a downstream period) depends on.
   *
   * @throws `PERIOD_NOT_MAPPED` naming the mapping and the period, when none can be found.
   */
  upstream(period: Period, spaces: MappingSpaces): UpstreamPeriods;
  /** The downstream periods that depend on `period` (an upstream period), in order. */
  downstream(period: Period, spaces: MappingSpaces): Iterable<Period>;
}

/**
 * Whether a dependency is met, given which upstream periods are accepted (their run reached
 * an accepted state).
 *
 * @example
 * ```ts
 * const met = requirementMet(dependency, (period) => succeeded.has(period.key));
 * ```
 */
export function requirementMet(
  dependency: UpstreamPeriods,
  accepted: (period: Period) => boolean,
): boolean {
  const { periods, require } = dependency;
  switch (require.kind) {
    case 'all':
      return periods.every(accepted);
    case 'atLeast': {
      let count = 0;
      for (const period of periods) if (accepted(period) && ++count >= require.count) return true;
      return count >= require.count;
    }
  }
}

/**
 * The upstream period with the same key. For two DAGs that slice time alike (the same
 * schedule, or both unpartitioned).
 *
 * @throws `PERIOD_NOT_MAPPED` when the key is not a period of the upstream space.
 * @example
 * ```ts
 * identityMapping.upstream(period, spaces).periods[0]?.key === period.key; // true
 * ```
 */
export const identityMapping: PartitionMapping = Object.freeze({
  name: 'identity',
  upstream(period: Period, { upstream }: MappingSpaces): UpstreamPeriods {
    let found: Period;
    try {
      found = upstream.parse(period.key);
    } catch (error) {
      notMapped('identity', period, upstream, 'it has no period with this key', error);
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
});

/**
 * The one upstream period whose window covers the downstream period's window: `start <=
 * period.start` and `period.end <= end`. It is the period with the same window when the two
 * schedules agree (hourly and hourly in different zones), the enclosing one when the upstream
 * is coarser (an hourly run waits for its day's run). A window that spans several upstream
 * periods (a daily run over hourly ones) has no such period: use a time-window mapping.
 *
 * @throws `PERIOD_NOT_MAPPED` when no single upstream period covers the window.
 * @example
 * ```ts
 * const day = sameWindowMapping.upstream(hour, { upstream: daily, downstream: hourly });
 * ```
 */
export const sameWindowMapping: PartitionMapping = Object.freeze({
  name: 'sameWindow',
  upstream(period: Period, { upstream }: MappingSpaces): UpstreamPeriods {
    const found = upstream.containing(period.start);
    if (found === undefined || found.end < period.end) {
      notMapped(
        'sameWindow',
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
});

const ALL: UpstreamRequirement = Object.freeze({ kind: 'all' });

function notMapped(
  mapping: string,
  period: Period,
  upstream: PeriodSpace,
  why: string,
  cause?: unknown,
): never {
  const context: ErrorContext = { mapping, period: period.key, space: upstream.description };
  throw new TributaryError(
    'PERIOD_NOT_MAPPED',
    `Mapping \`${mapping}\` cannot map period \`${period.key}\` onto ${upstream.description}: ${why}`,
    { context, cause },
  );
}
