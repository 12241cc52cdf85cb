import { randomUUID } from 'node:crypto';
import { isThenable } from '../executor/thenable.js';
import { runNotFound } from '../store/errors.js';
import { currentOwner, isOwnerAlive } from './owner.js';
import { jsonCodec, type Codec } from '../codec/codec.js';
import { describeValue, toError, TributaryError } from '../errors/index.js';
import { findUnserializable } from '../engine/modification.js';
import type { RunEngine } from '../engine/run-engine.js';
import { ExecutionResult } from '../executor/execution-result.js';
import { RunDriver } from '../executor/run-driver.js';
import type {
  Expander,
  ExecutorHooks,
  Interceptor,
  TaskFn,
  TaskLogger,
} from '../executor/types.js';
import type { RunRecord, RunStore } from '../store/run-store.js';
import type { DagDefinition } from './define.js';
import { Journal } from './journal.js';
import type { InfoEntry } from './journal-entry.js';
import { createEngine, loadJournal, replay, restoreEngine } from './replay.js';

/** Options of {@link startRun} and {@link resumeRun}. */
export interface DurableRunOptions {
  readonly store: RunStore;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly runId?: string;
  readonly partitionKey?: string;
  /** Absolute path of the definition module, recorded so `resume <runId>` can reload it. */
  readonly module?: string;
  readonly codec?: Codec;
  /** Results whose encoding exceeds this many characters go to the artifact area. Default 256 KiB. */
  readonly artifactThreshold?: number;
  readonly signal?: AbortSignal;
  readonly hooks?: ExecutorHooks;
  readonly interceptors?: readonly Interceptor[];
  readonly logger?: TaskLogger;
  /** How often the owner looks for a cancel request from another process, in ms. Default 250. */
  readonly cancelPollMs?: number;
  /**
   * Journal entries between engine snapshots (at least twice the graph size). A resume restores
   * the latest snapshot and replays only the entries after it. Default 10,000.
   */
  readonly snapshotEvery?: number;
}

/** What `resumeRun` did. */
export type ResumeOutcome =
  | {
      readonly resumed: true;
      readonly result: ExecutionResult;
      readonly interrupted: readonly string[];
    }
  | { readonly resumed: false; readonly run: RunRecord };

/**
 * Start a durable run: the run is recorded, every engine event is journaled with group commits,
 * and the run can be resumed after a crash with {@link resumeRun}.
 *
 * @example
 * ```ts
 * const store = SqliteStore.open('.tributary/tributary.db');
 * const result = await startRun(etl, { store, params: { day: '2026-11-21' } });
 * ```
 */
export async function startRun(
  def: DagDefinition,
  options: DurableRunOptions,
): Promise<ExecutionResult> {
  const params = { ...def.params, ...options.params };
  const bad = findUnserializable(params);
  if (bad !== undefined) {
    throw new TributaryError(
      'NOT_SERIALIZABLE',
      `Run parameter \`params${bad.path}\` must be JSON-serializable, got ${describeValue(bad.value)}`,
      {
        context: { field: `params${bad.path}` },
      },
    );
  }
  const runId = options.runId ?? randomUUID();
  const engine = createEngine(def);
  const now = Date.now();
  await options.store.createRun({
    runId,
    dagId: def.id,
    status: 'running',
    params,
    ...(options.partitionKey === undefined ? {} : { partitionKey: options.partitionKey }),
    ...(options.module === undefined ? {} : { module: options.module }),
    graph: JSON.stringify(def.dag.toJSON()),
    createdAt: now,
    updatedAt: now,
    owner: currentOwner(),
  });
  return drive(def, engine, runId, params, 1, options, []);
}

/**
 * Resume a run after a crash: replay its journal (every applied modification included), re-run
 * the attempts that were in flight as new attempts (same idempotency key), honour pending
 * retries, and go on. Nodes that succeeded never run again. A finished run is left alone.
 *
 * @example
 * ```ts
 * const outcome = await resumeRun(etl, runId, { store });
 * if (!outcome.resumed) console.log(`already ${outcome.run.status}`);
 * ```
 */
export async function resumeRun(
  def: DagDefinition,
  runId: string,
  options: DurableRunOptions,
): Promise<ResumeOutcome> {
  const store = options.store;
  const run = await store.getRun(runId);
  if (run === undefined) throw runNotFound(runId);
  if (run.status !== 'running') return { resumed: false, run };
  if (run.owner !== currentOwner() && isOwnerAlive(run.owner)) {
    throw new TributaryError(
      'RUN_ACTIVE',
      `Run "${runId}" is still being run by ${run.owner}; resume only a run whose process is gone`,
      { context: { runId, owner: run.owner } },
    );
  }
  if (run.dagId !== def.id || run.graph !== JSON.stringify(def.dag.toJSON())) {
    throw new TributaryError(
      'DEFINITION_CHANGED',
      `Run "${runId}" was started from a different definition of "${run.dagId}"; resume it with the definition it started with`,
      { context: { runId, dagId: run.dagId } },
    );
  }
  const codec = options.codec ?? jsonCodec;
  // Start from the latest snapshot when there is one; replay only the journal after it.
  const snapshot = await store.getSnapshot(runId);
  const base = snapshot === undefined ? undefined : restoreEngine(def, snapshot.body, codec);
  const entries = await loadJournal(store, runId, codec, snapshot?.seq ?? 0);
  const engine = replay(def, entries, base);
  const interrupted: string[] = [];
  const retries: [number, number][] = [];
  for (const id of engine.graph.ids()) {
    const state = engine.stateOf(id);
    if (state === 'running') interrupted.push(engine.graph.nameOf(id));
    if (state === 'retrying') retries.push([id, retryDueAt(entries, engine.graph.nameOf(id))]);
  }
  await store.commit(runId, { events: [], run: { owner: currentOwner() } });
  const result = await drive(
    def,
    engine,
    runId,
    run.params,
    (snapshot?.seq ?? 0) + entries.length + 1,
    options,
    interrupted,
    retries,
  );
  return { resumed: true, result, interrupted };
}

/** `value` if the codec can encode it; otherwise `NOT_SERIALIZABLE` naming the node. */
function storable<T>(codec: Codec, value: T, node: string, what: string): T {
  try {
    codec.encode(value);
  } catch (caught) {
    const cause = toError(caught);
    throw new TributaryError(
      'NOT_SERIALIZABLE',
      `The ${what} of "${node}" cannot be stored in the run's journal: ${cause.message}`,
      { context: { node }, cause },
    );
  }
  return value;
}

/**
 * A durable run journals every result: one the codec cannot encode (a cycle) fails the attempt
 * with `NOT_SERIALIZABLE` here, before the engine records it, instead of breaking the journal
 * after. Sync tasks stay sync. Costs one more encoding of each result.
 */
function storableTask(fn: TaskFn, codec: Codec): TaskFn {
  return (ctx) => {
    const value = fn(ctx);
    return isThenable(value)
      ? Promise.resolve(value).then((result) => storable(codec, result, ctx.node, 'result'))
      : storable(codec, value, ctx.node, 'result');
  };
}

/** The same for an expander's modification: one that cannot be encoded fails the expander. */
function storableExpander(fn: Expander, codec: Codec): Expander {
  return (name, result, ctx) => {
    const value = fn(name, result, ctx);
    return isThenable(value)
      ? Promise.resolve(value).then((mod) => storable(codec, mod, name, 'expander output'))
      : storable(codec, value, name, 'expander output');
  };
}

/** `wrap(fn)`, made once per function. */
function memoize<F extends object>(wrap: (fn: F) => F): (fn: F) => F {
  const made = new Map<F, F>();
  return (fn) => {
    let wrapped = made.get(fn);
    if (wrapped === undefined) made.set(fn, (wrapped = wrap(fn)));
    return wrapped;
  };
}

function retryDueAt(
  entries: readonly { type: string; node?: string; retryAt?: number }[],
  node: string,
): number {
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!;
    if (e.type === 'task_failed' && e.node === node) return e.retryAt ?? 0;
  }
  return 0;
}

async function drive(
  def: DagDefinition,
  engine: RunEngine,
  runId: string,
  params: Readonly<Record<string, unknown>>,
  nextSeq: number,
  options: DurableRunOptions,
  interrupted: readonly string[],
  retries: readonly [number, number][] = [],
): Promise<ExecutionResult> {
  const store = options.store;
  const stop = new AbortController();
  const codec = options.codec ?? jsonCodec;
  const taskOf = memoize<TaskFn>((fn) => storableTask(fn, codec));
  const expanderOf = memoize<Expander>((fn) => storableExpander(fn, codec));
  const journal = new Journal(store, runId, codec, nextSeq, {
    ...(options.artifactThreshold === undefined ? {} : { threshold: options.artifactThreshold }),
    onFailure: () => stop.abort(),
  });
  const userSignal = options.signal;
  const onUserAbort = (): void => stop.abort();
  if (userSignal?.aborted === true) stop.abort();
  userSignal?.addEventListener('abort', onUserAbort, { once: true });
  const hooks = options.hooks;
  const { retry, nodeTimeoutMs, timeoutMs, maxWorkers } = def.options;
  const started = performance.now();
  const derived: InfoEntry[] = [];
  const snapshotEvery = options.snapshotEvery ?? def.options.snapshotEvery ?? 10_000;
  let sinceSnapshot = 0;
  const driver = new RunDriver(engine, {
    runId,
    params,
    maxWorkers: maxWorkers ?? 4,
    resolveTask: (id) => {
      const spec = engine.spec(id);
      const name = typeof spec.task === 'string' ? spec.task : spec.name;
      const task = def.tasks.get(name);
      return task === undefined
        ? new TributaryError(
            'TASK_NOT_FOUND',
            `Node "${spec.name}" runs task "${name}", which is not registered in "${def.id}"`,
            {
              context: { node: spec.name, task: name },
            },
          )
        : taskOf(task.fn);
    },
    resolveExpander: (id) => {
      const spec = engine.spec(id);
      const expander = def.expanders.get(
        typeof spec.expander === 'string' ? spec.expander : spec.name,
      );
      return expander === undefined ? undefined : expanderOf(expander);
    },
    taskDefaults: (id) => {
      const spec = engine.spec(id);
      return def.tasks.get(typeof spec.task === 'string' ? spec.task : spec.name);
    },
    // Derived entries are noted while the engine applies an event and journaled right after it.
    record: (event) => {
      journal.append(event);
      for (const entry of derived) journal.append(entry);
      sinceSnapshot += 1 + derived.length;
      derived.length = 0;
      // A snapshot costs O(graph); taking one only after at least twice the graph size in
      // entries keeps its cost O(1) per entry and bounds what a resume replays.
      if (sinceSnapshot >= Math.max(snapshotEvery, 2 * engine.graph.nodeCount)) {
        sinceSnapshot = 0;
        journal.snapshot(codec.encode(engine.snapshot()));
      }
    },
    hooks: {
      ...hooks,
      onTransition: (node, from, to) => {
        if (
          to === 'skipped' ||
          to === 'upstream_failed' ||
          to === 'cancelled' ||
          to === 'failed' ||
          to === 'timed_out'
        ) {
          derived.push({ type: 'node_settled', node, state: to, at: Date.now() });
        }
        hooks?.onTransition?.(node, from, to);
      },
      onModification: (record) => {
        derived.push({ type: 'modification', at: record.at, record });
        hooks?.onModification?.(record);
      },
    },
    signal: stop.signal,
    ...(retry === undefined ? {} : { retry }),
    ...(nodeTimeoutMs === undefined ? {} : { nodeTimeoutMs }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(options.interceptors === undefined ? {} : { interceptors: options.interceptors }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  const at = Date.now();
  for (const node of interrupted) {
    engine.apply({
      type: 'task_interrupted',
      node,
      attempt: engine.attemptOf(engine.graph.requireId(node)),
      at,
    });
  }
  for (const [id, dueAt] of retries) driver.scheduleRetry(id, dueAt);
  const poll = setInterval(() => {
    store.isCancelRequested(runId).then(
      (requested) => {
        if (requested) stop.abort();
      },
      () => undefined,
    );
  }, options.cancelPollMs ?? 250);
  try {
    await driver.run();
  } finally {
    clearInterval(poll);
    userSignal?.removeEventListener('abort', onUserAbort);
  }
  const status = engine.status;
  const finishedAt = Date.now();
  journal.append({ type: 'run_finished', at: finishedAt, status });
  await journal.flush({ status, finishedAt, owner: '' });
  if (journal.failure !== undefined) throw toError(journal.failure);
  return new ExecutionResult(runId, engine, performance.now() - started);
}
