import { randomUUID } from 'node:crypto';
import { invalidArgument } from '../errors/index.js';
import { RunGraph, RunGraphBase, type DAG } from '../graph/index.js';
import { RunEngine, type EdgeSpec, type NodeSpec } from '../engine/index.js';
import { ExecutionResult } from './execution-result.js';
import { nodeSpecFromPayload } from './node-options.js';
import { checkExecutorOptions } from './options.js';
import { RunDriver } from './run-driver.js';
import {
  createTaskResolver,
  taskCache,
  type RegisteredTask,
  type TaskCache,
} from './task-resolver.js';
import { RecordMap } from './record-map.js';
import type { ExecuteOptions, ExecutorOptions, Expander, TaskFn } from './types.js';

/**
 * Task functions by node name (or by registered task name, for specs that name one); a value
 * may also be a task with defaults and isolation, such as a `defineTask` result.
 */
export type TaskMap =
  Readonly<Record<string, TaskFn | RegisteredTask>> | ReadonlyMap<string, TaskFn | RegisteredTask>;

const isFunction = (value: unknown): boolean => typeof value === 'function';
const isTask = (value: unknown): boolean =>
  typeof value === 'function' ||
  (typeof value === 'object' &&
    value !== null &&
    typeof (value as RegisteredTask).fn === 'function');

/** A record or Map of functions (expanders) as a `ReadonlyMap`, checked; neither is copied. */
function toMap<V>(
  map: Readonly<Record<string, V>> | ReadonlyMap<string, V> | undefined,
  what: string,
): ReadonlyMap<string, V> {
  if (map instanceof Map) {
    // Checked, not copied: the caller's Map is used as it is.
    for (const [name, value] of map as ReadonlyMap<string, V>) {
      if (!isFunction(value))
        invalidArgument(`the ${what} for "${String(name)}"`, 'a function', value);
    }
    return map as ReadonlyMap<string, V>;
  }
  // A record is checked and then read in place: no copy into a Map.
  const record = (map ?? {}) as Readonly<Record<string, V>>;
  for (const name in record) {
    if (!Object.hasOwn(record, name)) continue;
    const value = record[name];
    if (!isFunction(value)) invalidArgument(`the ${what} for "${name}"`, 'a function', value);
  }
  return new RecordMap(record);
}

/**
 * The tasks one executor was last given in one tasks object (a Map or a record), entry by entry
 * in iteration order, and what its runs resolved from them.
 */
interface TaskMemo {
  keys: string[];
  values: unknown[];
  cache: TaskCache;
}

/**
 * Check a run's tasks (each a function or a task with `fn`) and return the resolved-task cache its runs may share:
 * the memo's when this tasks object holds exactly the entries it held last time (same keys,
 * same values, same order: a pass that compares references as it validates, sequential
 * instead of a random lookup per node), else a fresh one. O(entries).
 */
function checkTasks(
  tasks: TaskMap,
  memos: WeakMap<object, TaskMemo>,
  size: number,
): [ReadonlyMap<string, TaskFn | RegisteredTask>, TaskCache] {
  const isMap = tasks instanceof Map;
  const map: ReadonlyMap<string, TaskFn | RegisteredTask> = isMap
    ? (tasks as ReadonlyMap<string, TaskFn | RegisteredTask>)
    : new RecordMap(tasks as Readonly<Record<string, TaskFn | RegisteredTask>>);
  const memo = memos.get(tasks);
  // First a pass that only compares (no allocation): the entries were validated when recorded.
  if (memo !== undefined && sameEntries(tasks, isMap, memo)) return [map, memo.cache];
  const keys: string[] = [];
  const values: unknown[] = [];
  const visit = (name: string, value: unknown): void => {
    if (!isTask(value))
      invalidArgument(`the task for "${name}"`, 'a function or a task with `fn`', value);
    keys.push(name);
    values.push(value);
  };
  if (isMap) (tasks as ReadonlyMap<string, unknown>).forEach((value, name) => visit(name, value));
  else {
    const record = tasks as Readonly<Record<string, unknown>>;
    for (const name in record) if (Object.hasOwn(record, name)) visit(name, record[name]);
  }
  const cache = taskCache(size);
  memos.set(tasks, { keys, values, cache });
  return [map, cache];
}

/** True when `tasks` holds exactly the memo's entries, in its order. O(entries). */
function sameEntries(tasks: TaskMap, isMap: boolean, memo: TaskMemo): boolean {
  const { keys, values } = memo;
  if (isMap) {
    const walk: EntryWalk = { keys, values, index: 0, same: true };
    (tasks as ReadonlyMap<string, unknown>).forEach(compareEntry, walk);
    return walk.same && walk.index === keys.length;
  }
  const record = tasks as Readonly<Record<string, unknown>>;
  let i = 0;
  for (const name in record) {
    if (!Object.hasOwn(record, name)) continue;
    if (keys[i] !== name || values[i] !== record[name]) return false;
    i++;
  }
  return i === keys.length;
}

/** The state of {@link compareEntry}'s walk over a tasks Map. */
interface EntryWalk {
  readonly keys: string[];
  readonly values: unknown[];
  index: number;
  same: boolean;
}

/**
 * One Map entry against the memo's. A function of the module with its state as `this`, not a
 * closure per call: a closure made per run had its optimized code made again in every run.
 */
function compareEntry(this: EntryWalk, value: unknown, name: string): void {
  if (this.same && (this.keys[this.index] !== name || this.values[this.index] !== value))
    this.same = false;
  this.index++;
}

/** Run-graph bases by DAG: built on a DAG's first run, shared by all later ones. */
const BASES = new WeakMap<DAG, RunGraphBase<NodeSpec, EdgeSpec>>();

/**
 * The mutable run graph of a DAG: node specs from payloads, edge conditions and labels. The
 * first call for a DAG builds its shared base, O(V + E); later calls are O(1) (the graph copies
 * the base only if the run changes it). The DAG's topological order is the initial order, so
 * no edge reorders.
 *
 * @example
 * ```ts
 * const graph = runGraphFromDag(dag);
 * graph.idOf('load'); // its id, in topological order
 * ```
 */
export function runGraphFromDag(dag: DAG): RunGraph<NodeSpec, EdgeSpec> {
  let base = BASES.get(dag);
  if (base === undefined) {
    base = RunGraphBase.of<NodeSpec, EdgeSpec>(dag, nodeSpecFromPayload, (label, condition) =>
      condition === undefined && label === undefined
        ? undefined
        : { ...(condition && { condition }), ...(label !== undefined && { label }) },
    );
    BASES.set(dag, base);
  }
  return RunGraph.fromBase(base);
}

/**
 * Runs a DAG in-process: a ready queue ordered by priority then critical path, `maxWorkers`
 * tasks at once, sync or async tasks, retries with backoff and jitter, node and run timeouts,
 * cancellation, fail-fast, interceptors and hooks, and runtime modification through expanders.
 * `DynamicExecutor` is the same class under dagron's name.
 *
 * A node's execution options come from its payload (`{ triggerRule, critical, retry, ... }`).
 *
 * @example
 * ```ts
 * const dag = DAG.builder().addEdge('extract', 'load').build();
 * const result = await new DAGExecutor(dag, { maxWorkers: 4 }).execute({
 *   extract: () => [1, 2, 3],
 *   load: (ctx) => (ctx.upstream('extract') as number[]).length,
 * });
 * result.status; // 'succeeded'
 * ```
 */
export class DAGExecutor {
  readonly #dag: DAG;
  readonly #options: ExecutorOptions;
  readonly #expanders: ReadonlyMap<string, Expander>;
  /** Per tasks object: its entries last time and the tasks its runs resolved (see checkTasks). */
  readonly #taskMemos = new WeakMap<object, TaskMemo>();

  constructor(dag: DAG, options: ExecutorOptions = {}) {
    checkExecutorOptions(options);
    this.#expanders = toMap(options.expanders, 'expander');
    this.#dag = dag;
    this.#options = options;
  }

  /**
   * Run every node once its trigger rule allows; resolves with the outcome (task failures do
   * not reject). Rejects only for invalid input (`INVALID_ARGUMENT`) or an internal error.
   */
  async execute(tasks: TaskMap = {}, options: ExecuteOptions = {}): Promise<ExecutionResult> {
    if (typeof tasks !== 'object' || tasks === null)
      invalidArgument('`tasks`', 'an object or Map of functions', tasks);
    const [taskMap, cache] = checkTasks(tasks, this.#taskMemos, this.#dag.nodeCount);
    const graph = runGraphFromDag(this.#dag);
    const opts = this.#options;
    const engine = new RunEngine(graph, {
      ...(opts.limits === undefined ? {} : { limits: opts.limits }),
      ...(opts.failFast === undefined ? {} : { failFast: opts.failFast }),
    });
    const runId = options.runId ?? randomUUID();
    const started = performance.now();
    const driver = new RunDriver(engine, {
      runId,
      params: options.params ?? {},
      maxWorkers: opts.maxWorkers ?? 4,
      resolver: createTaskResolver({
        tasks: taskMap,
        expanders: this.#expanders,
        ...(opts.patternExpanders === undefined ? {} : { patternExpanders: opts.patternExpanders }),
        inline: true,
        cache,
      }),
      noRegisteredExpanders:
        this.#expanders.size === 0 && (opts.patternExpanders?.length ?? 0) === 0,
      ...pick(opts, ['retry', 'nodeTimeoutMs', 'timeoutMs', 'interceptors', 'hooks', 'logger']),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    await driver.run();
    return new ExecutionResult(runId, engine, performance.now() - started);
  }
}

/** dagron's name for the executor with expanders; the same class as {@link DAGExecutor}. */
export class DynamicExecutor extends DAGExecutor {}

function pick<T extends object, K extends keyof T>(
  obj: T,
  keys: readonly K[],
): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (obj[key] !== undefined) out[key] = obj[key];
  return out;
}
