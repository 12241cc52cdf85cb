import type { TaskFn } from '../types.js';

/** The brand of a task made by `defineTask`, in any copy of Tributary. */
export const TASK_DEFINITION = Symbol.for('tributary.task-definition');
/** The brand of a DAG made by `defineDag`, in any copy of Tributary. */
export const DAG_DEFINITION = Symbol.for('tributary.dag-definition');

interface Branded {
  readonly [TASK_DEFINITION]?: true;
  readonly [DAG_DEFINITION]?: true;
  readonly name?: unknown;
  readonly fn?: unknown;
  readonly tasks?: unknown;
}

/**
 * Find a registered task in a module's exports, as a worker thread does: a task definition
 * exported under any name, or registered in an exported DAG definition (also inside an array or
 * a CommonJS `module.exports` object). Returns the task's own function, not a dispatcher.
 *
 * @example
 * ```ts
 * const fn = findTask(await import('./etl.dag.js'), 'parse');
 * ```
 */
export function findTask(
  namespace: Readonly<Record<string, unknown>>,
  name: string,
): TaskFn | undefined {
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): TaskFn | undefined => {
    if (typeof value !== 'object' || value === null || seen.has(value) || depth > 2)
      return undefined;
    seen.add(value);
    const branded = value as Branded;
    if (branded[TASK_DEFINITION] === true)
      return branded.name === name && typeof branded.fn === 'function'
        ? (branded.fn as TaskFn)
        : undefined;
    if (branded[DAG_DEFINITION] === true) {
      const task =
        branded.tasks instanceof Map ? (branded.tasks.get(name) as Branded | undefined) : undefined;
      return task?.[TASK_DEFINITION] === true && typeof task.fn === 'function'
        ? (task.fn as TaskFn)
        : undefined;
    }
    for (const inner of Array.isArray(value) ? value : Object.values(value)) {
      const found = visit(inner, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return visit(namespace, 0);
}
