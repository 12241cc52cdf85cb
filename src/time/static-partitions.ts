import { TributaryError, describeValue, invalidArgument } from '../errors/index.js';
import type { Period, PeriodRangeOptions, PeriodSpace } from './period.js';
import { partitionKeyProblem } from './partition-key.js';
import { checkInstant, checkRange } from './range.js';
import { UNPARTITIONED } from './unpartitioned.js';

/**
 * A fixed, ordered list of partitions named by keys (regions, customers, tables), not by time.
 * Every period has the unpartitioned window (all of time, in UTC) and its key, so a static
 * partition is never "closed" by a clock: `containing` and `lastClosed` return `undefined`,
 * `next` and `previous` follow the list. Periods are built once; every method is O(1) but
 * `periods`, which lists them all.
 *
 * @example
 * ```ts
 * const regions = new StaticPartitionSpace(['eu', 'us', 'apac']);
 * regions.next(regions.parse('eu'))?.key; // 'us'
 * ```
 */
export class StaticPartitionSpace implements PeriodSpace {
  readonly kind = 'static';
  readonly timezone = 'UTC';
  readonly description: string;
  /** The keys, in order. */
  readonly keys: readonly string[];
  /** Invariant: `#index.get(k) === i` exactly when `#periods[i].key === k`. */
  readonly #periods: readonly Period[];
  readonly #index: ReadonlyMap<string, number>;

  /**
   * @throws `INVALID_ARGUMENT` quoting the list when it is no non-empty array, or the first
   * key that is empty, longer than 200 characters, holds whitespace or a control character,
   * or repeats an earlier key.
   */
  constructor(keys: readonly string[]) {
    if (!Array.isArray(keys) || keys.length === 0) {
      invalidArgument('the keys of static partitions', 'a non-empty array of strings', keys);
    }
    const index = new Map<string, number>();
    const periods: Period[] = [];
    for (const [i, key] of (keys as readonly unknown[]).entries()) {
      const problem = partitionKeyProblem(key);
      if (problem !== undefined) {
        invalidArgument(`static partition key ${i}`, `a partition key ${problem}`, key, {
          index: i,
        });
      }
      const k = key as string;
      if (index.has(k)) {
        invalidArgument(`static partition key ${i}`, 'unique (it repeats an earlier key)', k, {
          index: i,
        });
      }
      index.set(k, i);
      periods.push(staticPeriod(k));
    }
    this.keys = Object.freeze(periods.map((p) => p.key));
    this.#periods = Object.freeze(periods);
    this.#index = index;
    const shown = this.keys.slice(0, 5).join(', ');
    const more = this.keys.length > 5 ? `, ... ${this.keys.length - 5} more` : '';
    this.description = `static partitions [${shown}${more}]`;
  }

  parse(key: string): Period {
    const i = typeof key === 'string' ? this.#index.get(key) : undefined;
    const period = i === undefined ? undefined : this.#periods[i];
    if (period === undefined) {
      throw new TributaryError(
        'INVALID_PERIOD_KEY',
        `Expected a key of ${this.description}, got ${describeValue(key)}`,
        { context: { received: key, space: this.description } },
      );
    }
    return period;
  }

  containing(instant: number): undefined {
    checkInstant('`instant`', instant);
    return undefined;
  }

  lastClosed(instant: number): undefined {
    checkInstant('`instant`', instant);
    return undefined;
  }

  next(period: Period): Period | undefined {
    const i = this.#indexOf(period);
    return i === undefined ? undefined : this.#periods[i + 1];
  }

  previous(period: Period): Period | undefined {
    const i = this.#indexOf(period);
    return i === undefined ? undefined : this.#periods[i - 1];
  }

  *periods(from: number, to: number, options?: PeriodRangeOptions): IterableIterator<Period> {
    checkRange(from, to);
    if (selectsAllOfTime(from, to, options)) yield* this.#periods;
  }

  /** The position of a period of this space (its key and window), else `undefined`. */
  #indexOf(period: Period): number | undefined {
    if (period.start !== UNPARTITIONED.start || period.end !== UNPARTITIONED.end) return undefined;
    return this.#index.get(period.key);
  }
}

/**
 * A {@link StaticPartitionSpace} of `keys`, in their order.
 *
 * @throws `INVALID_ARGUMENT` quoting the first bad key (empty, over 200 characters, with
 * whitespace or a control character, or repeated), or the list when it is empty.
 * @example
 * ```ts
 * const regions = staticPartitions(['eu', 'us', 'apac']);
 * regions.parse('us').key; // 'us'
 * ```
 */
export function staticPartitions(keys: readonly string[]): StaticPartitionSpace {
  return new StaticPartitionSpace(keys);
}

/**
 * The period of a static or dynamic partition `key`: the unpartitioned window, in UTC.
 *
 * @example
 * ```ts
 * staticPeriod('eu').start === UNPARTITIONED.start; // true
 * ```
 */
export function staticPeriod(key: string): Period {
  return Object.freeze({
    key,
    start: UNPARTITIONED.start,
    end: UNPARTITIONED.end,
    timezone: 'UTC',
  });
}

/**
 * Whether the range `[from, to)` selects a period spanning all of time, by the rule of
 * {@link PeriodRangeOptions}.
 *
 * @example
 * ```ts
 * selectsAllOfTime(-Infinity, Infinity); // true
 * selectsAllOfTime(0, 1); // false: the window is not within the range
 * ```
 */
export function selectsAllOfTime(from: number, to: number, options?: PeriodRangeOptions): boolean {
  return options?.match === 'overlapping'
    ? from < to && from < UNPARTITIONED.end && UNPARTITIONED.start < to
    : from <= UNPARTITIONED.start && UNPARTITIONED.end <= to;
}
