/**
 * A window of time that a run is for: the half-open interval `[start, end)` in epoch
 * milliseconds, named by `key`. The key is unique within its {@link PeriodSpace} and is the
 * period's identity (runs, dependencies and backfills compare keys); `timezone` is the IANA zone
 * the key is written in. Periods are frozen values.
 *
 * @example
 * ```ts
 * const period: Period = {
 *   key: '2026-03-29T01:00+01:00',
 *   start: Date.UTC(2026, 2, 29, 0, 0),
 *   end: Date.UTC(2026, 2, 29, 1, 0),
 *   timezone: 'Europe/Paris',
 * };
 * ```
 */
export interface Period {
  readonly key: string;
  readonly start: number;
  readonly end: number;
  readonly timezone: string;
}

/**
 * Which periods of a range {@link PeriodSpace.periods} lists: those whose window lies inside
 * the range (`'within'`, the default) or those whose window overlaps it (`'overlapping'`).
 *
 * @example
 * ```ts
 * const options: PeriodRangeOptions = { match: 'overlapping' };
 * ```
 */
export interface PeriodRangeOptions {
  readonly match?: 'within' | 'overlapping';
}

/**
 * The kinds of {@link PeriodSpace}: see {@link PeriodSpace.kind}.
 *
 * @example
 * ```ts
 * const isTime = (space: PeriodSpace): boolean => space.kind === ('time' satisfies PeriodSpaceKind);
 * ```
 */
export type PeriodSpaceKind = 'time' | 'static' | 'dynamic' | 'unpartitioned';

/**
 * How one DAG slices time into {@link Period}s: an ordered sequence of disjoint windows with
 * unique keys. A cron schedule is one (`cronSchedule`); a DAG without a schedule has
 * `UNPARTITIONED_SPACE`. Instants are epoch milliseconds and are always passed in: a space
 * never reads a clock.
 *
 * `next` and `previous` accept a period of any space (they compare windows, not keys), which
 * is what aligns two DAGs on different schedules.
 *
 * @example
 * ```ts
 * function latestTwo(space: PeriodSpace, now: number): Period[] {
 *   const last = space.lastClosed(now);
 *   const before = last && space.previous(last);
 *   return [before, last].filter((p) => p !== undefined);
 * }
 * ```
 */
export interface PeriodSpace {
  /**
   * What slices the space: time windows (`'time'`: cron schedules, hourly to monthly
   * partitions), a fixed list of keys (`'static'`), keys added at run time (`'dynamic'`), or
   * the one period of a DAG without partitions (`'unpartitioned'`).
   */
  readonly kind: PeriodSpaceKind;
  /** The IANA zone this space's keys are written in. */
  readonly timezone: string;
  /** What the space is, for messages: ``cron `0 * * * *` in Europe/Paris``. */
  readonly description: string;
  /**
   * The period named `key`, exactly as {@link Period.key} writes it.
   *
   * @throws `INVALID_PERIOD_KEY` quoting the key, when it names no period of this space.
   */
  parse(key: string): Period;
  /** The period whose window contains `instant` (`start <= instant < end`), if any. */
  containing(instant: number): Period | undefined;
  /** The latest period that has closed at `instant` (`end <= instant`), if any. */
  lastClosed(instant: number): Period | undefined;
  /** The first period that starts at or after `period.end`, if any. */
  next(period: Period): Period | undefined;
  /** The last period that ends at or before `period.start`, if any. */
  previous(period: Period): Period | undefined;
  /**
   * The periods of the range `[from, to)`, in order, lazily (a range may hold millions).
   *
   * @throws `INVALID_ARGUMENT` when `from` or `to` is not a number, or `from > to`.
   */
  periods(from: number, to: number, options?: PeriodRangeOptions): IterableIterator<Period>;
}
