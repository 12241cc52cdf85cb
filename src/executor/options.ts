import { invalidArgument } from '../errors/index.js';
import { checkDuration, checkRetryPolicy } from '../engine/index.js';
import type { ExecutorOptions } from './types.js';

/**
 * Validate the run-wide options shared by `DAGExecutor` and `defineDag`, quoting what was
 * received: `maxWorkers`, `timeoutMs`, `nodeTimeoutMs`, `retry`.
 *
 * @example
 * ```ts
 * checkExecutorOptions({ maxWorkers: 0 }); // INVALID_ARGUMENT: ... got `0` (number)
 * ```
 */
export function checkExecutorOptions(
  options: Pick<ExecutorOptions, 'maxWorkers' | 'timeoutMs' | 'nodeTimeoutMs' | 'retry'>,
  where = '',
): void {
  const { maxWorkers } = options;
  if (maxWorkers !== undefined && !(Number.isInteger(maxWorkers) && maxWorkers >= 1)) {
    invalidArgument(`\`maxWorkers\`${where}`, 'an integer >= 1', maxWorkers);
  }
  checkDuration(`\`timeoutMs\`${where}`, options.timeoutMs);
  checkDuration(`\`nodeTimeoutMs\`${where}`, options.nodeTimeoutMs);
  checkRetryPolicy(options.retry, `retry${where}`);
}
