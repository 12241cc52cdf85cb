import { TributaryError, describeValue, invalidArgument } from '../errors/index.js';
import { CronSchedule } from './cron-schedule.js';
import type { Period, PeriodSpace } from './period.js';
import { TickSpace } from './tick-space.js';

/**
 * Options of {@link partitionRange}.
 *
 * @example
 * ```ts
 * const options: PartitionRangeOptions = { keys: await store.partitionKeys('customers') };
 * ```
 */
export interface PartitionRangeOptions {
  /**
   * The keys of a dynamic space, in the order they were added (the store keeps them).
   * Required for a dynamic space, ignored for the others.
   */
  readonly keys?: readonly string[];
}

/**
 * Options of {@link countPartitions}.
 *
 * @example
 * ```ts
 * const options: CountPartitionsOptions = { limit: 1_000_001 };
 * ```
 */
export interface CountPartitionsOptions extends PartitionRangeOptions {
  /** Stop counting here: the count returned is at most `limit`. Default: count them all. */
  readonly limit?: number;
}

/**
 * The partitions from `fromKey` to `toKey`, both included, in order, lazily (a range of
 * hourly partitions over years holds tens of thousands). Time spaces go by time, static ones
 * by their list, dynamic ones by `options.keys` (their stored keys, in the order they were
 * added); an unpartitioned space has the one range `''`..`''`. Keys are checked before the
 * first period is listed.
 *
 * @throws `INVALID_PERIOD_KEY` quoting a key that is no partition of the space (or, for a
 * dynamic space, no stored key); `INVALID_RANGE` quoting both keys when `fromKey` comes after
 * `toKey`; `INVALID_ARGUMENT` for a dynamic space without `options.keys`.
 * @example
 * ```ts
 * const days = dailyPartitions({ start: '2026-01-01', timezone: 'Europe/Paris' });
 * [...partitionRange(days, '2026-03-28', '2026-03-30')].map((p) => p.key);
 * // ['2026-03-28', '2026-03-29', '2026-03-30']
 * ```
 */
export function partitionRange(
  space: PeriodSpace,
  fromKey: string,
  toKey: string,
  options: PartitionRangeOptions = {},
): IterableIterator<Period> {
  const from = space.parse(fromKey);
  const to = space.parse(toKey);
  switch (space.kind) {
    case 'time': {
      if (from.start > to.start) invalidRange(space, fromKey, toKey);
      return space.periods(from.start, to.end);
    }
    case 'static':
    case 'dynamic': {
      const keys = space.kind === 'dynamic' ? storedKeys(space, options.keys) : listed(space);
      const first = positionOf(space, keys, fromKey);
      const last = positionOf(space, keys, toKey);
      if (first > last) invalidRange(space, fromKey, toKey);
      return slice(space, keys, first, last);
    }
    case 'unpartitioned':
      return [from][Symbol.iterator]();
  }
}

/**
 * How many partitions {@link partitionRange} lists, counting at most `limit` of them. Cron
 * schedules and hourly to monthly partitions count by arithmetic, in O(daylight-saving
 * transitions crossed) for the partitions' calendar expressions; other spaces walk at most
 * `limit` partitions.
 *
 * @throws as {@link partitionRange}; `INVALID_ARGUMENT` for a `limit` that is not an integer
 * >= 0.
 * @example
 * ```ts
 * const hours = hourlyPartitions({ start: '2000-01-01T00:00' });
 * countPartitions(hours, '2000-01-01T00:00Z', '2026-01-01T00:00Z', { limit: 1000 }); // 1000
 * ```
 */
export function countPartitions(
  space: PeriodSpace,
  fromKey: string,
  toKey: string,
  options: CountPartitionsOptions = {},
): number {
  const limit = options.limit ?? Infinity;
  if (limit !== Infinity && (!Number.isSafeInteger(limit) || limit < 0)) {
    invalidArgument('`limit`', 'an integer >= 0', limit);
  }
  const range = partitionRange(space, fromKey, toKey, options);
  if (space instanceof CronSchedule || space instanceof TickSpace) {
    // Keys checked above; arithmetic over the ticks, not a walk through a million periods.
    const count = space.countPeriods(space.parse(fromKey).start, space.parse(toKey).end);
    return Math.min(count, limit);
  }
  let count = 0;
  while (count < limit && range.next().done !== true) count++;
  return count;
}

function storedKeys(space: PeriodSpace, keys: unknown): readonly string[] {
  if (!Array.isArray(keys)) {
    invalidArgument(
      `\`options.keys\` for a range of ${space.description}`,
      'the stored keys (an array of strings)',
      keys,
    );
  }
  return keys as readonly string[];
}

function listed(space: PeriodSpace): readonly string[] {
  return (space as PeriodSpace & { readonly keys?: readonly string[] }).keys ?? [];
}

function positionOf(space: PeriodSpace, keys: readonly string[], key: string): number {
  const i = keys.indexOf(key);
  if (i < 0) {
    throw new TributaryError(
      'INVALID_PERIOD_KEY',
      `Expected a stored key of ${space.description}, got ${describeValue(key)}`,
      { context: { received: key, space: space.description } },
    );
  }
  return i;
}

function* slice(
  space: PeriodSpace,
  keys: readonly string[],
  first: number,
  last: number,
): IterableIterator<Period> {
  for (let i = first; i <= last; i++) yield space.parse(keys[i]!);
}

function invalidRange(space: PeriodSpace, fromKey: string, toKey: string): never {
  throw new TributaryError(
    'INVALID_RANGE',
    `Expected the first key of a range of ${space.description} to come no later than its ` +
      `last, got \`${fromKey}\` after \`${toKey}\``,
    { context: { received: [fromKey, toKey], from: fromKey, to: toKey, space: space.description } },
  );
}
