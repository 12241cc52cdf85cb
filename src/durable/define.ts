import { describeValue, invalidArgument, TributaryError } from '../errors/index.js';
import { DAG, type DagBuilder } from '../graph/index.js';
import {
  checkDuration,
  checkRetryPolicy,
  type ModificationLimits,
  type RetryPolicy,
} from '../engine/index.js';
import {
  callerModule,
  checkExecutorOptions,
  checkIsolation,
  DAG_DEFINITION as DAG_BRAND,
  TASK_DEFINITION as TASK_BRAND,
  type Expander,
  type TaskFn,
  type TaskIsolation,
} from '../executor/index.js';
import type { CronSchedule, PeriodSpace } from '../time/index.js';
import type { AssetConditionInput } from './asset-conditions.js';
import { dagAssets, taskAssets, type DagAssets, type ProducedAssetOptions } from './assets.js';
import { isParamsSchema, type ParamsSchema } from './params-schema.js';
import { sensorsOf, type Sensor, type SensorDefinition } from './sensors.js';
import { dagAlerts, type AlertOptions, type DagAlerts } from './alerts.js';
import {
  dagScheduling,
  type DagScheduling,
  type DependencyOptions,
  type ScheduleOptions,
  type SignalDependencyOptions,
  type TriggerOptions,
} from './scheduling.js';

/** A task registered by name, so durable runs and dynamic nodes can refer to it as data. */
export interface TaskDefinition extends TaskIsolation {
  readonly [TASK_BRAND]: true;
  readonly name: string;
  readonly fn: TaskFn;
  readonly retry?: RetryPolicy;
  readonly timeoutMs?: number;
  /** Assets every node running the task materializes when it succeeds. */
  readonly produces?: readonly string[];
}

/** Options of {@link defineTask}. */
export interface TaskOptions extends TaskIsolation {
  /** Retry policy of every node running the task (a node's own policy wins). */
  readonly retry?: RetryPolicy;
  /** Per-attempt timeout, in ms (a node's own timeout wins). */
  readonly timeoutMs?: number;
  /**
   * Asset URIs every node running the task materializes when it succeeds (dynamic nodes
   * included): an asset event is recorded with the success, in the same commit. The task may
   * give the data version and metadata with `ctx.materialize(uri, { ... })`.
   */
  readonly produces?: readonly string[];
}

/**
 * Register a task under a stable name.
 *
 * With `isolation: 'worker'` each attempt runs in a worker thread: a task that blocks or runs
 * away is terminated for real at its timeout, `resourceLimits` caps its memory, and running out
 * of memory fails the attempt (`WORKER_OUT_OF_MEMORY`), not the process. The thread imports the
 * module that called `defineTask` (or `module`) and finds the task by name there, so that module
 * must export the task, or a DAG definition that registers it. See `docs/isolation.md`.
 *
 * @example
 * ```ts
 * const processTable = defineTask('process_table', async (ctx) => load(ctx.input as string), {
 *   retry: { maxAttempts: 3 },
 * });
 * ```
 */
export function defineTask(name: string, fn: TaskFn, options: TaskOptions = {}): TaskDefinition {
  if (typeof name !== 'string' || name === '')
    invalidArgument('a task name', 'a non-empty string', name);
  if (typeof fn !== 'function') invalidArgument(`the function of task "${name}"`, 'a function', fn);
  checkRetryPolicy(options.retry, `retry of task "${name}"`);
  checkDuration(`\`timeoutMs\` of task "${name}"`, options.timeoutMs);
  checkIsolation(options, `task "${name}"`);
  const produces = taskAssets(name, options.produces);
  let module = options.module;
  if (options.isolation === 'worker' && module === undefined) {
    module = callerModule(defineTask);
    if (module === undefined)
      invalidArgument(
        `\`module\` of task "${name}" (its caller has no file to load in a worker thread)`,
        'a file URL such as import.meta.url',
        module,
      );
  }
  return Object.freeze({
    [TASK_BRAND]: true as const,
    name,
    fn,
    ...options,
    ...(produces === undefined ? {} : { produces }),
    ...(module === undefined ? {} : { module }),
  });
}

/** Options of {@link defineDag}. */
export interface DagOptions {
  /** Stable id: runs are recorded under it. */
  readonly id: string;
  readonly description?: string;
  /**
   * The environment the DAG belongs to (`prod`, `staging`, ...): letters, digits, `_`, `.`, `-`.
   * Default: the project's (`defineProject({ environment })`), else `default`. A dependency,
   * trigger or run sensor on a DAG of another environment is refused by `validate` unless it
   * says `crossEnvironment: true`.
   */
  readonly environment?: string;
  /** The graph, or a function that fills a builder. Node `n` runs task `n` unless its payload names one. */
  readonly dag: DAG | ((builder: DagBuilder<DAG>) => DagBuilder<DAG> | DAG);
  /** Registered tasks: definitions, or plain functions keyed by task name. */
  readonly tasks: readonly TaskDefinition[] | Readonly<Record<string, TaskFn | TaskDefinition>>;
  /** Expanders by node name (or by the name a node spec's `expander` field gives). */
  readonly expanders?: Readonly<Record<string, Expander>>;
  /** Default run parameters; `--param k=v` overrides them. */
  readonly params?: Readonly<Record<string, unknown>>;
  /**
   * A Standard Schema (zod, valibot, ArkType, ...) the params of every run must match, checked
   * when the run is created (defaults merged first); the run gets the schema's output.
   */
  readonly paramsSchema?: ParamsSchema;
  readonly maxWorkers?: number;
  readonly retry?: RetryPolicy;
  readonly nodeTimeoutMs?: number;
  readonly timeoutMs?: number;
  readonly failFast?: boolean;
  readonly limits?: ModificationLimits;
  /** Journal entries between engine snapshots of this DAG's runs (see `DurableRunOptions`). */
  readonly snapshotEvery?: number;
  /**
   * When the scheduler runs the DAG: a cron expression (UTC), `{ cron, timezone, delayMs,
   * start }`, or a `cronSchedule(...)`. Each tick runs the window that just closed; the DAG's
   * periods are these windows. Without one the DAG has one unpartitioned period (key `''`).
   */
  readonly schedule?: string | ScheduleOptions | CronSchedule;
  /**
   * The DAG's partitions when it has no schedule: `dailyPartitions(...)` (and hourly, weekly,
   * monthly), `staticPartitions([...])` or `dynamicPartitions(name)`. A run is for one partition
   * key. A time partition set can be the `schedule` instead, to run each window when it closes.
   */
  readonly partitions?: PeriodSpace;
  /**
   * Run when assets are updated: an asset URI, `allOf(...)` / `anyOf(...)` of them, or an array
   * (all of). One run per partition consumes every event it has not consumed yet.
   */
  readonly onAssets?: AssetConditionInput | readonly AssetConditionInput[];
  /**
   * Assets the DAG materializes: URIs (produced by the DAG's one sink) or `{ asset, node }`.
   * An asset event is recorded when the node succeeds, in the commit that holds its success.
   */
  readonly produces?: readonly (string | ProducedAssetOptions)[];
  /**
   * What a run waits for: DAGs whose runs for the mapped periods must have ended in an accepted
   * state (`{ dag }`), and signals that must be set (`{ signal }`).
   */
  readonly dependsOn?: readonly (DependencyOptions | SignalDependencyOptions)[];
  /** DAGs to start when a run of this one ends (on success by default). */
  readonly triggers?: readonly TriggerOptions[];
  /** Runs active at once; the scheduler keeps more `queued`. */
  readonly maxActiveRuns?: number;
  /**
   * Sensor nodes by name: nodes of the graph that wait for a condition (another DAG's run, a
   * signal, a file, an HTTP endpoint, a check) instead of running a task; see {@link sensor}.
   */
  readonly sensors?: Readonly<Record<string, SensorDefinition>>;
  /**
   * Alerts of failures, successes and late periods (an SLA: a period's run must succeed within
   * `slaMs` of the period's end), to webhooks or hooks; the scheduler delivers them, each once.
   */
  readonly alerts?: AlertOptions;
}

/** A validated DAG definition that the CLI, the durable runner and (later) workers load by id. */
export interface DagDefinition {
  readonly [DAG_BRAND]: true;
  readonly id: string;
  readonly description?: string;
  /** Its environment as declared; undefined: the project's default (see `DagRegistry`). */
  readonly environment?: string;
  readonly dag: DAG;
  readonly tasks: ReadonlyMap<string, TaskDefinition>;
  readonly expanders: ReadonlyMap<string, Expander>;
  readonly params: Readonly<Record<string, unknown>>;
  /** Its schedule, periods, dependencies and triggers, checked and with defaults. */
  readonly scheduling: DagScheduling;
  /** Its sensor nodes by name (empty without sensors). */
  readonly sensors: ReadonlyMap<string, Sensor>;
  /** The assets it produces, by node. */
  readonly assets: DagAssets;
  /** Its alerts, checked (no targets without `alerts`). */
  readonly alerts: DagAlerts;
  readonly paramsSchema?: ParamsSchema;
  readonly options: Omit<
    DagOptions,
    | 'id'
    | 'description'
    | 'environment'
    | 'dag'
    | 'tasks'
    | 'expanders'
    | 'params'
    | 'paramsSchema'
    | 'schedule'
    | 'partitions'
    | 'onAssets'
    | 'produces'
    | 'dependsOn'
    | 'triggers'
    | 'maxActiveRuns'
    | 'sensors'
    | 'alerts'
  >;
}

/**
 * Define a DAG for durable runs. Validates the graph (acyclic, unique names), that every node
 * resolves to a registered task, and the options, with typed errors naming what was wrong.
 *
 * @example
 * ```ts
 * export default defineDag({
 *   id: 'etl',
 *   dag: (b) => b.addEdge('discover_tables', 'aggregate').addEdge('aggregate', 'publish'),
 *   tasks: { discover_tables, aggregate, publish, process_table },
 *   expanders: { discover_tables: tableExpander },
 * });
 * ```
 */
export function defineDag(options: DagOptions): DagDefinition {
  if (typeof options !== 'object' || options === null)
    invalidArgument('the DAG definition', 'an object', options);
  const {
    id,
    description,
    environment,
    dag,
    tasks,
    expanders,
    params,
    paramsSchema,
    schedule,
    partitions,
    onAssets,
    produces,
    dependsOn,
    triggers,
    maxActiveRuns,
    sensors: sensorOptions,
    alerts,
    ...rest
  } = options;
  if (typeof id !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(id)) {
    invalidArgument('`id`', 'a non-empty string of letters, digits, `_`, `.` or `-`', id);
  }
  if (environment !== undefined && !isEnvironmentName(environment))
    invalidArgument(
      `\`environment\` of "${id}"`,
      'a non-empty string of letters, digits, `_`, `.` or `-`',
      environment,
    );
  const graph =
    dag instanceof DAG
      ? dag
      : typeof dag === 'function'
        ? finish(dag(DAG.builder()))
        : invalidArgument(`\`dag\` of "${id}"`, 'a DAG or a builder function', dag);
  const registry = new Map<string, TaskDefinition>();
  const entries: [string, unknown][] = Array.isArray(tasks)
    ? (tasks as readonly unknown[]).map((t, i) => [isTaskDefinition(t) ? t.name : `[${i}]`, t])
    : Object.entries(tasks ?? {});
  for (const [key, value] of entries) {
    const def = isTaskDefinition(value)
      ? value
      : typeof value === 'function'
        ? defineTask(key, value as TaskFn)
        : undefined;
    if (def === undefined)
      invalidArgument(`task "${key}" of "${id}"`, 'a function or defineTask(...)', value);
    registry.set(def.name, def);
  }
  const sensors = sensorsOf(id, sensorOptions, new Set(graph.nodeNames()));
  for (const node of graph.nodes()) {
    if (sensors.has(node.name)) {
      if (registry.has(node.name) || (node.payload as { task?: unknown } | undefined)?.task)
        invalidArgument(
          `node "${node.name}" of "${id}"`,
          'a task or a sensor, not both',
          node.name,
        );
      continue;
    }
    const named = (node.payload as { task?: unknown } | undefined)?.task;
    const taskName = typeof named === 'string' ? named : node.name;
    if (named !== undefined && typeof named !== 'string') {
      throw new TributaryError(
        'NOT_SERIALIZABLE',
        `Node "${node.name}" of "${id}" must name a registered task, got ${describeValue(named)}`,
        {
          context: { node: node.name },
        },
      );
    }
    if (!registry.has(taskName)) {
      throw new TributaryError(
        'TASK_NOT_FOUND',
        `Node "${node.name}" of "${id}" runs task "${taskName}", which is not in \`tasks\``,
        {
          context: { node: node.name, task: taskName },
        },
      );
    }
  }
  for (const [key, fn] of Object.entries(expanders ?? {})) {
    if (typeof fn !== 'function') invalidArgument(`expander "${key}" of "${id}"`, 'a function', fn);
  }
  checkExecutorOptions(rest, ` of "${id}"`);
  const scheduling = dagScheduling(id, {
    schedule,
    partitions,
    onAssets,
    dependsOn,
    triggers,
    maxActiveRuns,
  });
  const taskProduces = new Map<string, readonly string[]>();
  for (const task of registry.values())
    if (task.produces !== undefined) taskProduces.set(task.name, task.produces);
  const assets = dagAssets(id, produces, graph, taskProduces, (node) => {
    const named = (graph.node(node).payload as { task?: unknown } | undefined)?.task;
    return typeof named === 'string' ? named : node;
  });
  if (paramsSchema !== undefined && !isParamsSchema(paramsSchema))
    invalidArgument(
      `\`paramsSchema\` of "${id}"`,
      'a Standard Schema (with `~standard.validate`)',
      paramsSchema,
    );
  if (
    rest.snapshotEvery !== undefined &&
    !(Number.isInteger(rest.snapshotEvery) && rest.snapshotEvery >= 1)
  ) {
    invalidArgument(`\`snapshotEvery\` of "${id}"`, 'an integer >= 1', rest.snapshotEvery);
  }
  return Object.freeze({
    [DAG_BRAND]: true as const,
    id,
    ...(description === undefined ? {} : { description }),
    ...(environment === undefined ? {} : { environment }),
    dag: graph,
    tasks: registry,
    expanders: new Map(Object.entries(expanders ?? {})),
    params: { ...params },
    scheduling,
    sensors,
    assets,
    alerts: dagAlerts(id, alerts),
    ...(paramsSchema === undefined ? {} : { paramsSchema }),
    options: rest,
  });
}

/**
 * True for a valid environment name: 1 to 100 letters, digits, `_`, `.` or `-`.
 *
 * @example
 * ```ts
 * isEnvironmentName('prod'); // true
 * isEnvironmentName('prod eu'); // false
 * ```
 */
export function isEnvironmentName(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_.-]{1,100}$/.test(value);
}

function finish(value: DagBuilder<DAG> | DAG): DAG {
  return value instanceof DAG ? value : value.build();
}

/** True for a value made by {@link defineTask} (in this copy of Tributary or another). */
export function isTaskDefinition(value: unknown): value is TaskDefinition {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[TASK_BRAND] === true
  );
}

/** True for a value made by {@link defineDag} (in this copy of Tributary or another). */
export function isDagDefinition(value: unknown): value is DagDefinition {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[DAG_BRAND] === true
  );
}

/**
 * Make a definition usable by this copy of Tributary. A definition made by another copy (a global
 * CLI running a project's own `tributary`, or `dist/` beside `src/`) carries that copy's `DAG`,
 * whose private fields this copy cannot read; its graph is rebuilt here from public data: nodes
 * with payload and metadata, edges with weight, label and condition (the same functions). A
 * definition of this copy is returned as it is. O(V + E).
 *
 * @example
 * ```ts
 * const def = adoptDefinition((await import('./etl.js')).default as DagDefinition);
 * def.dag instanceof DAG; // true
 * ```
 */
export function adoptDefinition(def: DagDefinition): DagDefinition {
  if (def.dag instanceof DAG) return def;
  const foreign: DAG = def.dag;
  const builder = DAG.builder();
  // toJSON keeps a node's payload and metadata only when they were given, like this copy's.
  for (const { name, payload, metadata } of foreign.toJSON().nodes) {
    builder.addNode(name, {
      ...(payload === undefined ? {} : { payload }),
      ...(metadata === undefined ? {} : { metadata }),
    });
  }
  for (const { from, to, ...options } of foreign.edges()) builder.addEdge(from, to, options);
  return Object.freeze({ ...def, dag: builder.build() });
}
