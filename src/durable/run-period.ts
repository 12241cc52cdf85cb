import type { Period } from '../time/index.js';
import type { DagDefinition } from './define.js';

/**
 * The period a run's key names in its DAG's period space; undefined for an unpartitioned run
 * (no key, or `''`). A key the DAG's schedule cannot parse is `INVALID_PERIOD_KEY`, quoting it.
 *
 * @example
 * ```ts
 * runPeriod(daily, '2026-12-05T00:00+01:00')?.start;
 * ```
 */
export function runPeriod(def: DagDefinition, key: string | undefined): Period | undefined {
  return key === undefined || key === '' ? undefined : def.scheduling.periods.parse(key);
}
