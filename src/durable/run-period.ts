import type { Period } from '../time/index.js';
import type { DagDefinition } from './define.js';

/**
 * The period a run's key names in its DAG's schedule; undefined for a DAG without a schedule
 * (its one period is unpartitioned, and a key given to one of its runs is a free label) or a run
 * without a key. A key the schedule does not write is `INVALID_PERIOD_KEY`, quoting it.
 *
 * @example
 * ```ts
 * runPeriod(daily, '2026-12-05T00:00+01:00')?.start;
 * ```
 */
export function runPeriod(def: DagDefinition, key: string | undefined): Period | undefined {
  const { schedule } = def.scheduling;
  return schedule === undefined || key === undefined || key === ''
    ? undefined
    : schedule.parse(key);
}
