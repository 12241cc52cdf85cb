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
  /**
   * The scheduler's clock (epoch milliseconds), for mappings that depend on what has closed
   * by now (`latestMapping`). A mapping never reads a clock itself.
   */
  readonly now?: number | undefined;
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
 * Built in: `identityMapping` (same key), `sameWindowMapping` (fan-out: an hour on its day),
 * `timeWindowMapping` (fan-in: a day on its hours), `offsetMapping` (the previous period),
 * `latestMapping` (the latest closed period) and `staticMapping` (an explicit map of keys).
 * `check`, when present, says whether two spaces can be mapped at all (`checkMapping`).
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
  /**
   * Whether the mapping can map between these two spaces at all, checked once when a
   * dependency is declared (see `checkMapping`), not per period.
   *
   * @throws `MAPPING_INCOMPATIBLE` naming the mapping, both spaces and why.
   */
  check?(spaces: MappingSpaces): void;
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
 * The requirement `all`, shared.
 *
 * @example
 * ```ts
 * const dependency: UpstreamPeriods = { periods: [period], require: ALL };
 * ```
 */
export const ALL: UpstreamRequirement = Object.freeze({ kind: 'all' });

/**
 * Throw `PERIOD_NOT_MAPPED`: `mapping` found no upstream period of `upstream` for `period`.
 *
 * @example
 * ```ts
 * notMapped('offset(-1)', period, upstream, 'it has no period before the aligned one');
 * ```
 */
export function notMapped(
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
