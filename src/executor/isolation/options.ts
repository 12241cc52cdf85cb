import { isAbsolute } from 'node:path';
import { invalidArgument } from '../../errors/index.js';

/**
 * Memory limits of the worker thread an isolated task runs in (Node's `resourceLimits`). A task
 * that goes past `maxOldGenerationSizeMb` fails its attempt with `WORKER_OUT_OF_MEMORY`; the
 * process lives on.
 */
export interface TaskResourceLimits {
  /** The main heap, in MB. */
  readonly maxOldGenerationSizeMb?: number;
  /** The heap for new objects, in MB. */
  readonly maxYoungGenerationSizeMb?: number;
  /** Pre-allocated memory for generated code, in MB. */
  readonly codeRangeSizeMb?: number;
  /** The thread's stack, in MB (default 4). */
  readonly stackSizeMb?: number;
}

/** How a registered task runs: on the run's thread (default), or in a worker thread. */
export interface TaskIsolation {
  /**
   * `'worker'`: every attempt runs in a worker thread taken from a pool (threads are reused),
   * so a blocking or runaway task is really terminated when it times out or is cancelled, and
   * an out-of-memory crash fails the attempt instead of the process. Input, params, upstream
   * results and the result cross threads through the JSON codec.
   */
  readonly isolation?: 'thread' | 'worker';
  /** Memory limits of the worker thread (`isolation: 'worker'` only). */
  readonly resourceLimits?: TaskResourceLimits;
  /**
   * The module that exports the task (or the DAG definition that registers it), as a file URL
   * or an absolute path: the worker thread imports it to find the task by name. Defaults to
   * the module that called `defineTask`.
   */
  readonly module?: string;
}

const LIMIT_KEYS: readonly (keyof TaskResourceLimits)[] = [
  'maxOldGenerationSizeMb',
  'maxYoungGenerationSizeMb',
  'codeRangeSizeMb',
  'stackSizeMb',
];

/**
 * Check the isolation options of a task, with errors naming the task and quoting the value.
 *
 * @example
 * ```ts
 * checkIsolation({ isolation: 'worker', resourceLimits: { maxOldGenerationSizeMb: 64 } }, 'task "parse"');
 * ```
 */
export function checkIsolation(options: TaskIsolation, where: string): void {
  const { isolation, resourceLimits, module } = options;
  if (isolation !== undefined && isolation !== 'thread' && isolation !== 'worker')
    invalidArgument(`\`isolation\` of ${where}`, "'thread' or 'worker'", isolation);
  if (resourceLimits !== undefined) {
    if (isolation !== 'worker')
      invalidArgument(
        `\`isolation\` of ${where}, which sets \`resourceLimits\``,
        "'worker'",
        isolation,
      );
    if (typeof resourceLimits !== 'object' || resourceLimits === null)
      invalidArgument(`\`resourceLimits\` of ${where}`, 'an object', resourceLimits);
    for (const [key, value] of Object.entries(resourceLimits)) {
      if (!(LIMIT_KEYS as readonly string[]).includes(key))
        invalidArgument(`a key of \`resourceLimits\` of ${where}`, LIMIT_KEYS.join(', '), key);
      if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
        invalidArgument(`\`resourceLimits.${key}\` of ${where}`, 'a positive number of MB', value);
    }
  }
  if (
    module !== undefined &&
    (typeof module !== 'string' || !(module.startsWith('file:') || isAbsolute(module)))
  )
    invalidArgument(`\`module\` of ${where}`, 'a file URL or an absolute path', module);
}
