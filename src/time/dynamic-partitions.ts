import { TributaryError, describeValue, invalidArgument } from '../errors/index.js';
import type { Period, PeriodRangeOptions, PeriodSpace } from './period.js';
import { partitionKeyProblem } from './partition-key.js';
import { checkInstant, checkRange } from './range.js';
import { staticPeriod } from './static-partitions.js';

/**
 * Partitions whose keys are added while the project runs (a new customer, a new file), and
 * kept by the store, not by the definition. The space knows their shape, not the keys: `parse`
 * accepts any key of the partition-key shape (as static keys: non-empty, at most 200
 * characters, no whitespace or control characters), `periods` lists nothing, and `next` and
 * `previous` return `undefined`. Ranges over stored keys: `partitionRange(space, from, to,
 * { keys })`. Periods have the unpartitioned window, in UTC.
 *
 * @example
 * ```ts
 * const customers = new DynamicPartitionSpace('customers');
 * customers.parse('acme').key; // 'acme'
 * ```
 */
export class DynamicPartitionSpace implements PeriodSpace {
  readonly kind = 'dynamic';
  readonly timezone = 'UTC';
  readonly description: string;
  /** The name of the set of keys, which the store keeps them under. */
  readonly name: string;

  /** @throws `INVALID_ARGUMENT` quoting a name that does not have the shape of a key. */
  constructor(name: string) {
    const problem = partitionKeyProblem(name);
    if (problem !== undefined) {
      invalidArgument('the name of dynamic partitions', `a name ${problem}`, name);
    }
    this.name = name;
    this.description = `dynamic partitions "${name}"`;
  }

  parse(key: string): Period {
    const problem = partitionKeyProblem(key);
    if (problem !== undefined) {
      throw new TributaryError(
        'INVALID_PERIOD_KEY',
        `Expected a key of ${this.description}, a partition key ${problem}, got ${describeValue(key)}`,
        { context: { received: key, space: this.description } },
      );
    }
    return staticPeriod(key);
  }

  containing(instant: number): undefined {
    checkInstant('`instant`', instant);
    return undefined;
  }

  lastClosed(instant: number): undefined {
    checkInstant('`instant`', instant);
    return undefined;
  }

  next(_period: Period): undefined {
    return undefined;
  }

  previous(_period: Period): undefined {
    return undefined;
  }

  // eslint-disable-next-line require-yield -- the keys live in the store: nothing to list.
  *periods(from: number, to: number, _options?: PeriodRangeOptions): IterableIterator<Period> {
    checkRange(from, to);
  }
}

/**
 * A {@link DynamicPartitionSpace} named `name`: keys are added at run time and kept by the
 * store under that name.
 *
 * @throws `INVALID_ARGUMENT` quoting a name that is empty, over 200 characters, or holds
 * whitespace or a control character.
 * @example
 * ```ts
 * const customers = dynamicPartitions('customers');
 * customers.kind; // 'dynamic'
 * ```
 */
export function dynamicPartitions(name: string): DynamicPartitionSpace {
  return new DynamicPartitionSpace(name);
}
