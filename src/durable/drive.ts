import { jsonCodec, type Codec } from '../codec/index.js';
import { toError, TributaryError } from '../errors/index.js';
import type { DynamicModification, RunEngine } from '../engine/index.js';
import {
  ExecutionResult,
  RunDriver,
  wallClock,
  type AttemptContext,
  type LogRecord,
  type Materialization,
} from '../executor/index.js';
import { DEFAULT_LEASE_MS, type Durability, type Lease, type RunRequest } from '../store/index.js';
import type { DagDefinition } from './define.js';
import { Journal } from './journal.js';
import { JournalRecorder } from './journal-recorder.js';
import type { DurableRunOptions } from './options.js';
import { definitionResolver } from './resolver.js';
import { SensorWatch } from './sensor-watch.js';
import { controlEvent, type ControlRequest } from './control-event.js';
import type { Period } from '../time/index.js';
import { checkMaterialization, materializationEvents } from './asset-events.js';

/*
 * One owner session of a durable run: from the moment this process holds the run's lease to
 * the run's end (or the loss of the lease).
 *
 * The session wires three things around the in-process RunDriver:
 * - the journal: a JournalRecorder observes the engine and appends every event and what it
 *   derived; the Journal group-commits them with the session's lease fence, so a session that
 *   lost its lease can never write again;
 * - the owner loop: one interval (`pollMs`, 250 ms) that applies requests from other processes
 *   (cancel, modify, clear, mark) through the engine, completing each in the same commit as its journal
 *   entries, and renews the lease every third of its time;
 * - the task logs: every line a task logs through its context is kept with the run, bounded per
 *   attempt.
 *
 * Before the driver starts, the session re-runs the attempts a crash interrupted (a
 * `task_interrupted` event each), schedules the pending retries at their recorded due times,
 * and applies requests that arrived while nobody owned the run. It ends with a `run_finished`
 * entry committed together with the run's final status, then releases the lease.
 */

/** Everything a session needs; built by `startRun` and `resumeRun`. */
export interface Session {
  readonly def: DagDefinition;
  readonly engine: RunEngine;
  readonly runId: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** The run's period (undefined: unpartitioned). */
  readonly period: Period | undefined;
  /** The run's period key as recorded (`''`: none; a free label for a DAG without a schedule). */
  readonly periodKey: string;
  /** The seq the next journal entry gets. */
  readonly nextSeq: number;
  readonly lease: Lease;
  readonly codec: Codec;
  readonly durability: Durability;
  readonly options: Omit<DurableRunOptions, 'durability' | 'codec'>;
  /** Nodes whose attempt was in flight when the previous owner died. */
  readonly interrupted: readonly string[];
  /** Nodes waiting in `retrying`, with their due times. */
  readonly retries: readonly (readonly [number, number])[];
}

const DEFAULT_MAX_LOG_BYTES = 256 * 1024;

/** Drive a run for one owner session; resolves with the outcome when the run is finished. */
export async function drive(session: Session): Promise<ExecutionResult> {
  const { def, engine, runId, lease, codec, options } = session;
  const store = options.store;
  const stop = new AbortController();
  let lost: unknown;
  const journal = new Journal(store, runId, codec, session.nextSeq, {
    fence: lease.fence,
    durability: session.durability,
    ...(options.artifactThreshold === undefined ? {} : { threshold: options.artifactThreshold }),
    ...(options.maxCommitEntries === undefined ? {} : { maxEntries: options.maxCommitEntries }),
    ...(options.maxCommitBytes === undefined ? {} : { maxBytes: options.maxCommitBytes }),
    onFailure: () => stop.abort(),
  });
  const now = wallClock;
  /** The assets a node produces: declared on the DAG for it, or on the task it runs. */
  const producesOf = (node: string): readonly string[] | undefined => {
    const declared = def.assets.byNode.get(node);
    if (declared !== undefined || def.assets.byTask.size === 0) return declared;
    const id = engine.graph.idOf(node);
    const task = id === undefined ? undefined : engine.spec(id).task;
    return def.assets.byTask.get(typeof task === 'string' ? task : node);
  };
  const recorder = new JournalRecorder(
    journal,
    engine,
    codec,
    options.snapshotEvery ?? def.options.snapshotEvery ?? 10_000,
    now,
  );
  const maxLogBytes = options.maxLogBytes ?? DEFAULT_MAX_LOG_BYTES;
  const { retry, nodeTimeoutMs, timeoutMs, maxWorkers } = def.options;
  const started = performance.now();
  const waits =
    def.sensors.size === 0
      ? undefined
      : new SensorWatch({
          def,
          store,
          runId,
          period: session.period,
          periodKey: session.periodKey,
          params: session.params,
          dags: options.dags,
          onCheckFailed: (node, error) =>
            journal.log({
              node,
              attempt: engine.attemptOf(engine.graph.requireId(node)),
              at: Date.now(),
              level: 'warn',
              source: 'log',
              message: `sensor check failed: ${error.message}`,
            }),
        });
  const driver = new RunDriver(engine, {
    runId,
    params: session.params,
    period: session.period,
    onHandoff: (node, attempt, { triggers: fired, materializations }) => {
      const at = Date.now();
      const produced = producesOf(node);
      journal.stage(node, attempt, {
        assets:
          produced === undefined
            ? []
            : materializationEvents(produced, materializations, {
                runId,
                dagId: def.id,
                node,
                periodKey: session.period?.key ?? '',
                at,
              }),
        triggers: fired.map(({ dag, options }) => {
          const periodKey = options.period ?? session.period?.key ?? '';
          return {
            dagId: dag,
            periodKey,
            // Unpartitioned: one run per firing node of this run (a retry fires the same one).
            runKey: options.key ?? (periodKey === '' ? `task:${runId}/${node}` : ''),
            ...(options.params === undefined ? {} : { params: JSON.stringify(options.params) }),
            origin: `task:${runId}/${node}`,
            at,
          };
        }),
      });
    },
    ...(def.assets.produces.length === 0 && def.assets.byTask.size === 0
      ? {}
      : {
          produces: producesOf,
          checkMaterialization: (node: string, asset: string, details: Materialization) =>
            checkMaterialization(
              `ctx.materialize(${JSON.stringify(asset)}) of node "${node}"`,
              details,
              def.scheduling.periods,
            ),
        }),
    maxWorkers: maxWorkers ?? 4,
    resolver: definitionResolver(def),
    observer: recorder,
    checkOutcome: (node, what, value) => encodable(codec, node, what, value),
    logSink: (ctx, line) => keepLog(journal, ctx, line, maxLogBytes),
    ...(options.captureConsole === true ? { captureConsole: true } : {}),
    signal: stop.signal,
    ...(waits === undefined ? {} : { waits }),
    now,
    ...(retry === undefined ? {} : { retry }),
    ...(nodeTimeoutMs === undefined ? {} : { nodeTimeoutMs }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(options.hooks === undefined ? {} : { hooks: options.hooks }),
    ...(options.interceptors === undefined ? {} : { interceptors: options.interceptors }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  const at = now();
  for (const node of session.interrupted) {
    engine.apply({
      type: 'task_interrupted',
      node,
      attempt: engine.attemptOf(engine.graph.requireId(node)),
      at,
    });
  }
  // Requests that arrived while nobody owned the run come first; then the owner loop.
  const requests = new RequestHandler(journal, {
    modify: (mod, actor) => driver.modify(mod, actor),
    cancel: () => driver.cancel(),
    control: (request, actor) => {
      const event = controlEvent(engine, request, actor, now());
      driver.control(event);
      return event.type === 'nodes_cleared' ? event.nodes : [event.node];
    },
  });
  requests.apply(await store.pendingRequests(runId));
  // From here on nothing awaits before the driver runs: its timers cannot be left behind.
  for (const [id, dueAt] of session.retries) driver.scheduleRetry(id, dueAt);
  // Sensors that were waiting when the previous owner died wait on, from when they began.
  if (waits !== undefined) {
    for (const id of engine.graph.ids())
      if (engine.stateOf(id) === 'waiting')
        driver.resumeWait(id, engine.attemptStartedAt(id) ?? at);
  }
  const userSignal = options.signal;
  const onUserAbort = (): void => stop.abort();
  if (userSignal?.aborted === true) stop.abort();
  userSignal?.addEventListener('abort', onUserAbort, { once: true });
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  let current = lease;
  let renewAt = Date.now() + leaseMs / 3;
  let polling = false;
  const poll = setInterval(() => {
    if (polling) return;
    polling = true;
    void (async () => {
      try {
        if (Date.now() >= renewAt) {
          current = await store.renewLease(current, leaseMs);
          renewAt = Date.now() + leaseMs / 3;
        }
        requests.apply(await store.pendingRequests(runId));
      } catch (error) {
        if (error instanceof TributaryError && error.code === 'LEASE_LOST') {
          lost = error;
          stop.abort();
        }
        // Anything else (a busy database) is retried at the next tick.
      } finally {
        polling = false;
      }
    })();
  }, options.pollMs ?? 250);
  try {
    await driver.run();
  } finally {
    clearInterval(poll);
    waits?.close();
    requests.close();
    userSignal?.removeEventListener('abort', onUserAbort);
  }
  const failure = lost ?? journal.failure;
  if (failure !== undefined) {
    await journal.flush(); // settles; a fenced-off commit writes nothing
    if (lost === undefined) await store.releaseLease(current).catch(() => undefined);
    throw toError(failure);
  }
  const status = engine.status;
  const finishedAt = now();
  // Requests that came too late are answered, not left pending forever.
  requests.refuse(await store.pendingRequests(runId));
  journal.append({ type: 'run_finished', at: finishedAt, status });
  await journal.flush({ status, finishedAt });
  if (journal.failure !== undefined) throw toError(journal.failure);
  await store.releaseLease(current);
  return new ExecutionResult(runId, engine, performance.now() - started);
}

/** What requests act on: the driven run. */
interface RequestTarget {
  modify(modification: DynamicModification, actor: string): unknown;
  cancel(): void;
  /** A clear or a mark; returns the nodes it reopened or marked. */
  control(request: ControlRequest, actor: string): readonly string[];
}

/**
 * Applies requests from other processes through the engine, each once: its outcome is
 * committed with the journal entries it caused, and a request already seen in this session is
 * skipped while its completion is in flight.
 */
class RequestHandler {
  readonly #journal: Journal;
  readonly #run: RequestTarget;
  readonly #seen = new Set<number>();
  #closed = false;

  constructor(journal: Journal, run: RequestTarget) {
    this.#journal = journal;
    this.#run = run;
  }

  /** The run is over: a poll still in flight must not act on it. */
  close(): void {
    this.#closed = true;
  }

  apply(requests: readonly RunRequest[]): void {
    if (this.#closed) return;
    for (const request of requests) {
      if (this.#seen.has(request.id)) continue;
      this.#seen.add(request.id);
      this.#journal.complete({ id: request.id, ...this.#outcome(request) });
    }
  }

  /** Answer requests that arrived after the run finished: `RUN_FINISHED`. */
  refuse(requests: readonly RunRequest[]): void {
    for (const request of requests) {
      if (this.#seen.has(request.id)) continue;
      this.#seen.add(request.id);
      this.#journal.complete({
        id: request.id,
        state: 'rejected',
        outcome: JSON.stringify({
          code: 'RUN_FINISHED',
          message: 'The run finished before the request was applied',
        }),
      });
    }
  }

  #outcome(request: RunRequest): { state: 'applied' | 'rejected'; outcome: string } {
    try {
      if (request.kind === 'cancel') {
        this.#run.cancel();
        return { state: 'applied', outcome: JSON.stringify({ cancelled: true }) };
      }
      if (request.kind === 'clear' || request.kind === 'mark') {
        const body = JSON.parse(request.body ?? 'null') as ControlRequest;
        const nodes = this.#run.control(body, request.actor);
        return { state: 'applied', outcome: JSON.stringify({ nodes }) };
      }
      const modification = JSON.parse(request.body ?? 'null') as DynamicModification;
      const record = this.#run.modify(modification, request.actor);
      return { state: 'applied', outcome: JSON.stringify(record) };
    } catch (caught) {
      const error = toError(caught);
      const code = error instanceof TributaryError ? error.code : 'INVALID_ARGUMENT';
      return { state: 'rejected', outcome: JSON.stringify({ code, message: error.message }) };
    }
  }
}

/** Throw `NOT_SERIALIZABLE` unless the codec can encode a result or expander output. */
function encodable(
  codec: Codec,
  node: string,
  what: 'result' | 'modification',
  value: unknown,
): void {
  // The JSON codec encodes every value but an object (a cycle): nothing to try for the others.
  if (codec === jsonCodec && (typeof value !== 'object' || value === null)) return;
  try {
    codec.encode(value);
  } catch (caught) {
    const cause = toError(caught);
    throw new TributaryError(
      'NOT_SERIALIZABLE',
      `The ${what === 'result' ? 'result' : 'expander output'} of "${node}" cannot be stored in the run's journal: ${cause.message}`,
      { context: { node }, cause },
    );
  }
}

/** Keep one log line of an attempt, up to `max` characters per attempt and one marker after. */
function keepLog(journal: Journal, ctx: AttemptContext, line: LogRecord, max: number): void {
  if (ctx.logBytes > max) return;
  let fields: string | undefined;
  if (line.fields !== undefined) {
    try {
      fields = JSON.stringify(line.fields);
    } catch {
      fields = JSON.stringify({ unserializable: Object.keys(line.fields) });
    }
  }
  ctx.logBytes += line.message.length + (fields?.length ?? 0);
  const base = { node: ctx.node, attempt: ctx.attempt, at: line.at };
  if (ctx.logBytes > max) {
    journal.log({
      ...base,
      level: 'warn',
      source: 'log',
      message: `[log cut: this attempt logged more than ${max} characters; the rest is not kept]`,
    });
    return;
  }
  journal.log({
    ...base,
    level: line.level,
    source: line.source,
    message: line.message,
    ...(fields === undefined ? {} : { fields }),
  });
}
