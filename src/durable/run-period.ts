import type { Period } from '../time/index.js';
import type { DagDefinition } from './define.js';

/**
 * The period a run's key names in its DAG's partitions (its schedule's windows, or its
 * `partitions`); undefined for an unpartitioned DAG (its one period is unpartitioned, and a
 * key given to one of its runs is a free label) or a run without a key. A key the partitions
 * do not hold is `INVALID_PERIOD_KEY`, quoting it.
 *
 * @example
 * ```ts
 * runPeriod(daily, '2026-12-05T00:00+01:00')?.start;
 * ```
 */
export function runPeriod(def: DagDefinition, key: string | undefined): Period | undefined {
  const { periods } = def.scheduling;
  return periods.kind === 'unpartitioned' || key === undefined || key === ''
    ? undefined
    : periods.parse(key);
}
