import { describeValue, invalidArgument, TributaryError } from '../errors/index.js';
import type { NodeSpec, RetryPolicy } from '../engine/index.js';
import { isolatedTask } from './isolation/isolated-task.js';
import type { TaskIsolation } from './isolation/options.js';
import type { Expander, TaskFn } from './types.js';

/** A registered task: its function and the defaults that come with it. */
export interface RegisteredTask extends TaskIsolation {
  /**
   * The name it was defined under, when that differs from its key in the registry: a worker
   * thread finds an isolated task in its module by this name.
   */
  readonly name?: string;
  readonly fn: TaskFn;
  readonly retry?: RetryPolicy;
  readonly timeoutMs?: number;
}

/** An expander matched by the node's name when no exact-name expander exists. */
export interface PatternExpander {
  readonly pattern: RegExp;
  readonly expander: Expander;
}

/**
 * How a run finds the function of a node's task and its expander: the one resolution path of
 * in-memory and durable runs.
 *
 * - Task: an inline function on the spec (in-memory runs only), else the registered task named
 *   by `spec.task`, else the one named like the node. Missing: `TASK_NOT_FOUND`.
 * - Expander: an inline function on the spec (in-memory only), else the registered expander
 *   named by `spec.expander` (missing: `EXPANDER_NOT_FOUND`), else the one registered under
 *   the node's name, else the first matching pattern, else none.
 *
 * `hasTask`/`hasExpander` let the engine reject a durable modification that names an unknown
 * task or expander when the modification is made.
 */
export interface TaskResolver {
  /**
   * The node's task function, or `TASK_NOT_FOUND`. `id` (the node's run-graph id) lets a
   * resolver with a {@link TaskCache} answer a node it resolved before without a lookup.
   */
  task(spec: NodeSpec, id?: number): TaskFn | TributaryError;
  /** Retry and timeout defaults of the node's registered task, if any. */
  defaults(spec: NodeSpec): RegisteredTask | undefined;
  /** False when no registered task carries defaults: callers can skip `defaults` entirely. */
  readonly hasDefaults: boolean;
  expander(spec: NodeSpec): Expander | TributaryError | undefined;
  hasTask(name: string): boolean;
  hasExpander(name: string): boolean;
}

/**
 * Tasks already resolved, by node id: `fns[id]` is the task of the node whose spec is
 * `specs[id]`. Valid only while the tasks it was filled from are unchanged (the executor checks
 * that, entry by entry, when it validates them for a run). Both arrays are allocated at their
 * final length (the DAG's node count): ids at or past it (nodes added at run time) are not
 * cached. A task run on a worker thread is never cached (its dispatcher belongs to one run).
 */
export interface TaskCache {
  readonly specs: (NodeSpec | undefined)[];
  readonly fns: (TaskFn | undefined)[];
}

/**
 * An empty {@link TaskCache} for ids below `size`.
 *
 * @example
 * ```ts
 * const cache = taskCache(dag.size);
 * ```
 */
export function taskCache(size: number): TaskCache {
  return {
    specs: new Array<NodeSpec | undefined>(size).fill(undefined),
    fns: new Array<TaskFn | undefined>(size).fill(undefined),
  };
}

/** What {@link createTaskResolver} is built from. */
export interface TaskResolverInput {
  /** Registered tasks by name: plain functions, or functions with defaults. */
  readonly tasks: ReadonlyMap<string, RegisteredTask | TaskFn>;
  readonly expanders?: ReadonlyMap<string, Expander>;
  readonly patternExpanders?: readonly PatternExpander[];
  /** Accept functions on node specs (in-memory runs); durable runs accept names only. */
  readonly inline: boolean;
  /** Named in errors: the DAG id, or "this run". */
  readonly owner?: string;
  /** Resolved tasks by node id, shared by the runs that pass unchanged `tasks` (see above). */
  readonly cache?: TaskCache;
}

/**
 * The registry of one executor or one durable definition.
 *
 * @example
 * ```ts
 * const registry = createTaskResolver({ tasks: new Map([['load', { fn: load }]]), inline: false });
 * registry.task({ name: 'load' }); // load
 * ```
 */
export function createTaskResolver(input: TaskResolverInput): TaskResolver {
  return new Registry(input);
}

/**
 * {@link createTaskResolver}'s resolver. A class, not an object of closures: an executor makes
 * one per run, and a call site that saw another run's closure as its target lost its optimized
 * code when that run's resolver was collected, on every run. Its methods are the same
 * functions for every run.
 */
class Registry implements TaskResolver {
  readonly hasDefaults: boolean;
  readonly #tasks: ReadonlyMap<string, RegisteredTask | TaskFn>;
  readonly #expanders: ReadonlyMap<string, Expander>;
  readonly #patterns: readonly PatternExpander[];
  readonly #inline: boolean;
  readonly #cache: TaskCache | undefined;
  readonly #where: string;
  /** Isolated tasks run through a dispatcher to their worker thread, made once here. */
  readonly #isolated = new Map<string, TaskFn>();

  constructor(input: TaskResolverInput) {
    this.#tasks = input.tasks;
    this.#inline = input.inline;
    this.#cache = input.cache;
    this.#expanders = input.expanders ?? new Map<string, Expander>();
    this.#patterns = input.patternExpanders ?? [];
    this.#where = input.owner === undefined ? '' : ` in "${input.owner}"`;
    // forEach with a function of the module, not for…of (an entries iterator allocates a pair
    // per task) nor a closure (made per run, its optimized code was made again every run).
    const scan: TaskScan = { hasDefaults: false, isolated: this.#isolated, where: this.#where };
    input.tasks.forEach(scanTask, scan);
    this.hasDefaults = scan.hasDefaults;
  }

  task(spec: NodeSpec, id?: number): TaskFn | TributaryError {
    // A spec is frozen and the tasks unchanged: the same spec resolves to the same function.
    // The lookup by name it saves is a cache miss or several per node in a large run.
    const cache = this.#cache;
    const cached = cache !== undefined && id !== undefined && id < cache.specs.length;
    if (cached && cache.specs[id] === spec) return cache.fns[id]!;
    let fn: TaskFn | undefined;
    const name = taskName(spec);
    if (this.#inline && typeof spec.task === 'function') fn = spec.task as TaskFn;
    else {
      const found = typeof name === 'string' ? this.#tasks.get(name) : undefined;
      if (found !== undefined && typeof found !== 'function' && found.isolation === 'worker')
        return this.#isolated.get(name as string)!;
      fn = found === undefined || typeof found === 'function' ? found : found.fn;
    }
    if (fn !== undefined) {
      if (cached) {
        cache.specs[id] = spec;
        cache.fns[id] = fn;
      }
      return fn;
    }
    return new TributaryError(
      'TASK_NOT_FOUND',
      spec.task === undefined
        ? `No task for node "${spec.name}"${this.#where}: register one named "${spec.name}" or name one in the node's spec`
        : `Node "${spec.name}" runs task ${describeValue(spec.task)}, which is not registered${this.#where}`,
      { context: { node: spec.name, task: typeof name === 'string' ? name : String(name) } },
    );
  }

  defaults(spec: NodeSpec): RegisteredTask | undefined {
    const name = taskName(spec);
    const found = typeof name === 'string' ? this.#tasks.get(name) : undefined;
    return typeof found === 'object' ? found : undefined;
  }

  expander(spec: NodeSpec): Expander | TributaryError | undefined {
    if (this.#inline && typeof spec.expander === 'function') return spec.expander as Expander;
    if (spec.expander !== undefined) {
      const named =
        typeof spec.expander === 'string' ? this.#expanders.get(spec.expander) : undefined;
      return (
        named ??
        new TributaryError(
          'EXPANDER_NOT_FOUND',
          `Node "${spec.name}" names expander ${describeValue(spec.expander)}, which is not registered${this.#where}`,
          { context: { node: spec.name, expander: describeValue(spec.expander) } },
        )
      );
    }
    const exact = this.#expanders.get(spec.name);
    if (exact !== undefined) return exact;
    for (const { pattern, expander } of this.#patterns) {
      pattern.lastIndex = 0;
      if (pattern.test(spec.name)) return expander;
    }
    return undefined;
  }

  hasTask(name: string): boolean {
    return this.#tasks.has(name);
  }

  hasExpander(name: string): boolean {
    return this.#expanders.has(name);
  }
}

/** What {@link scanTask} finds in a registry's tasks. */
interface TaskScan {
  hasDefaults: boolean;
  readonly isolated: Map<string, TaskFn>;
  readonly where: string;
}

/** Note a task's defaults, and make the dispatcher of a task isolated in a worker thread. */
function scanTask(this: TaskScan, task: RegisteredTask | TaskFn, key: string): void {
  if (typeof task !== 'object') return;
  if (task.retry !== undefined || task.timeoutMs !== undefined) this.hasDefaults = true;
  if (task.isolation === 'worker') {
    const name = task.name ?? key;
    if (task.module === undefined)
      invalidArgument(
        `\`module\` of isolated task "${name}"${this.where}`,
        'a file URL',
        undefined,
      );
    this.isolated.set(
      key,
      isolatedTask({ module: task.module, task: name, resourceLimits: task.resourceLimits }),
    );
  }
}

/** The name a node's task is registered under: the spec's `task`, else the node's name. */
function taskName(spec: NodeSpec): unknown {
  return spec.task === undefined ? spec.name : spec.task;
}
