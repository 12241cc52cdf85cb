import { TributaryError, describeValue } from '../errors/index.js';
import type { Period, PeriodRangeOptions, PeriodSpace } from './period.js';
import { checkInstant, checkRange } from './range.js';

/**
 * The one period of a DAG without a schedule: key `''`, a window spanning every instant a
 * `Date` can hold (±8.64e15 ms, so `new Date(start)` is valid and the value survives JSON), in
 * UTC. Runs of such a DAG differ only by their run key.
 *
 * @example
 * ```ts
 * UNPARTITIONED.key; // ''
 * new Date(UNPARTITIONED.start).toISOString(); // '-271821-04-20T00:00:00.000Z'
 * ```
 */
export const UNPARTITIONED: Period = Object.freeze({
  key: '',
  start: -8.64e15,
  end: 8.64e15,
  timezone: 'UTC',
});

/**
 * The period space of a DAG without a schedule: {@link UNPARTITIONED} alone. It contains every
 * instant, never closes, and has no next or previous period.
 *
 * @example
 * ```ts
 * UNPARTITIONED_SPACE.parse('') === UNPARTITIONED; // true
 * UNPARTITIONED_SPACE.containing(Date.UTC(2026, 0, 1)) === UNPARTITIONED; // true
 * ```
 */
export const UNPARTITIONED_SPACE: PeriodSpace = Object.freeze({
  kind: 'unpartitioned',
  timezone: 'UTC',
  description: 'unpartitioned',
  parse(key: string): Period {
    if (key === '') return UNPARTITIONED;
    throw new TributaryError(
      'INVALID_PERIOD_KEY',
      `Expected the period key of an unpartitioned DAG, \`""\` (the empty string), got ${describeValue(key)}`,
      { context: { received: key, space: 'unpartitioned' } },
    );
  },
  containing(instant: number): Period {
    checkInstant('`instant`', instant);
    return UNPARTITIONED;
  },
  lastClosed(instant: number): undefined {
    checkInstant('`instant`', instant);
    return undefined;
  },
  next: (): undefined => undefined,
  previous: (): undefined => undefined,
  *periods(from: number, to: number, options?: PeriodRangeOptions): IterableIterator<Period> {
    checkRange(from, to);
    const within = options?.match !== 'overlapping';
    const selected = within
      ? from <= UNPARTITIONED.start && UNPARTITIONED.end <= to
      : from < to && from < UNPARTITIONED.end && UNPARTITIONED.start < to;
    if (selected) yield UNPARTITIONED;
  },
});
