import { setImmediate as realSetImmediate } from 'node:timers';
import { toError, TributaryError } from '../errors/index.js';
import type {
  DynamicModification,
  EngineObserver,
  ModificationRecord,
  NodeSpec,
  NodeState,
  RetryPolicy,
  RunEngine,
  RunEvent,
} from '../engine/index.js';
import type { Period } from '../time/index.js';
import { wallClock } from './clock.js';
import { captureConsole, withConsoleOf, type ConsoleSink } from './console-capture.js';
import { isThenable } from './thenable.js';
import { retryDelay, shouldRetry } from './retry.js';
import { AttemptContext, type AttemptHandoff, type AttemptHost } from './task-context.js';
import type { RegisteredTask, TaskResolver } from './task-resolver.js';
import type { NodeWaits, WaitOutcome } from './node-waits.js';
import type {
  ExecutorHooks,
  Interceptor,
  Materialization,
  TaskFn,
  TaskLogger,
  TaskTrigger,
} from './types.js';

/*
 * RunDriver: carries out what the engine decides, in this process.
 *
 * The engine (src/engine) owns every state; the driver owns the effects: calling task
 * functions, timers, AbortSignals, and handing outcomes back as events. Its own state:
 *
 * - `#active[id]`: the attempt in flight for node `id` (its {@link AttemptContext}), or
 *   undefined. An outcome is accepted only while its attempt is still the active one: a
 *   timeout, a cancellation or the end of the run releases it first, and a late outcome is
 *   then dropped.
 * - `#completed`: outcomes of sync tasks (and launch failures) waiting to be settled by the
 *   pump. Async outcomes settle from their promise callbacks.
 * - `#timers`: retry and run-deadline timers; per-attempt timeout timers live on the attempt.
 * - `#pumping` / `#yieldScheduled`: the pump is not re-entrant, and it hands the event loop
 *   back every ~{@link YIELD_MS} ms (see below).
 *
 * The pump (`#pump`) loops: settle a completed outcome, else start the best ready node while
 * fewer than `maxWorkers` run. When the engine says the run is finished the driver resolves;
 * when nothing runs, nothing is ready and no timer is pending, the run is stalled (a bug:
 * `RUN_STALLED`).
 *
 * One task completion, end to end (async task):
 *   task promise settles → `#settleAsync` → `#settle` (drop if no longer active; check the
 *   attempt's own deadline and the run's; run the expander, sync or async) → `#succeed` /
 *   `#fail` → `engine.apply(task_succeeded | task_failed)` → the engine propagates, readies
 *   children and calls the observers (the durable journal records the event and what it
 *   derived) → back in `#settleAsync`, `#pump` starts the newly ready children.
 *
 * Changes from outside the pump (`modify` and `cancel`: an operator's request, a task's
 * `ctx.modify`) are applied to the engine the same way, then the pump starts what became ready.
 *
 * Yielding: tasks that complete at once (sync tasks, or async ones that resolve immediately)
 * would otherwise keep the whole run inside one macrotask, so no timer (run timeout, retry),
 * no I/O (the journal's group commit, a cancel poll) could run until the end. The pump checks
 * the clock every {@link CHECK_EVERY} steps and, after {@link YIELD_MS} ms, stops launching and
 * resumes from `setImmediate`, after timers and I/O had their turn; it also yields after
 * {@link YIELD_STEPS} steps whatever the clock says.
 *
 * Deadlines: an in-process task cannot be stopped while it blocks the thread. So the run
 * deadline is checked before every start and when an outcome arrives, and an attempt that
 * returns after its own `timeoutMs` is marked `timed_out` (its result discarded, its retry
 * policy applied), whatever its timer managed to do meanwhile.
 */

/** Hand the event loop back after this many ms of back-to-back work. */
export const YIELD_MS = 1;
/** ...or after this many pump steps (starts and settlements), whichever comes first. */
export const YIELD_STEPS = 4_096;
/** Read the clock once per this many pump steps. */
const CHECK_EVERY = 16;

/** What the driver needs besides the engine. */
export interface DriverConfig {
  readonly runId: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** The run's period, handed to tasks as `ctx.period`. */
  readonly period?: Period | undefined;
  /**
   * Where a succeeding attempt's hand-over goes (its `ctx.trigger` triggers, its
   * `ctx.materialize` details), just before its success reaches the engine: called for an
   * attempt that has one, and for every success of a node `produces` names assets for. Without
   * it `ctx.trigger` and `ctx.materialize` throw: they need a store.
   */
  readonly onHandoff?: (node: string, attempt: number, handoff: AttemptHandoff) => void;
  /** The assets a node produces (declared); a node with none needs no hand-over. */
  readonly produces?: (node: string) => readonly string[] | undefined;
  /** Checks a `ctx.materialize` call's details (its partition key); throws to refuse it. */
  readonly checkMaterialization?: (node: string, asset: string, details: Materialization) => void;
  readonly maxWorkers: number;
  /** Finds each node's task, its defaults and its expander. */
  readonly resolver: TaskResolver;
  readonly retry?: RetryPolicy;
  readonly nodeTimeoutMs?: number;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Watches the run's waiting nodes (sensors); a run with none needs none. */
  readonly waits?: NodeWaits;
  readonly interceptors?: readonly Interceptor[];
  readonly hooks?: ExecutorHooks;
  readonly logger?: TaskLogger;
  /** Receives every line a task logs through its context, with its node and attempt. */
  readonly logSink?: (ctx: AttemptContext, line: LogRecord) => void;
  /**
   * Also send to `logSink` what tasks write to the console (attributed through async context;
   * the output still reaches the terminal).
   */
  readonly captureConsole?: boolean;
  /**
   * Called unguarded before the user hooks: the durable journal. Its exceptions are bugs and
   * fail the run (user hooks' exceptions are logged and ignored).
   */
  readonly observer?: EngineObserver;
  /**
   * Checked before an outcome is reported: an error fails the attempt instead (a durable run's
   * results must be encodable).
   */
  readonly checkOutcome?: (node: string, what: 'result' | 'modification', value: unknown) => void;
  readonly now?: () => number;
  readonly random?: () => number;
  /**
   * True when the resolver has no expander registered by name or pattern: then only a node
   * whose spec names one has an expander, and no other node pays for a lookup.
   */
  readonly noRegisteredExpanders?: boolean;
}

/** One line a task logged. */
export interface LogRecord {
  readonly level: Parameters<TaskLogger>[0];
  /** `log`: the context logger; `stdout`/`stderr`: captured console output. */
  readonly source: 'log' | 'stdout' | 'stderr';
  readonly message: string;
  readonly fields: Record<string, unknown> | undefined;
  readonly at: number;
}

/**
 * Drives a {@link RunEngine} in-process: takes ready nodes in priority order while fewer than
 * `maxWorkers` run, runs sync and async tasks, applies expanders, retries with backoff,
 * enforces node and run deadlines, and cancels on request. All state changes go through the
 * engine; the driver only carries out effects (calling functions, timers, aborts).
 *
 * Hot path per node: one engine pop and one attempt object (its context); an event object only
 * when an observer listens. Sync tasks complete without a microtask hop.
 */
export class RunDriver implements AttemptHost {
  readonly #engine: RunEngine;
  readonly #config: DriverConfig;
  readonly #now: () => number;
  readonly #resolver: TaskResolver;
  /**
   * Attempts in flight, by node id (an array: ids are dense), made at the graph's size: grown
   * one node at a time, it was copied about 30 times per large run.
   */
  readonly #active: (AttemptContext | undefined)[];
  /** Nodes in `waiting`, watched by `config.waits`: they hold no worker slot. */
  readonly #waiting = new Set<number>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #runController = new AbortController();
  readonly #completed: [AttemptContext, boolean, unknown][] = [];
  readonly #deadline: number;
  readonly #captureConsole: boolean;
  readonly #noExpanders: boolean;
  #running = 0;
  #pumping = false;
  #started = false;
  #done = false;
  #steps = 0;
  #sliceSteps = 0;
  #sliceStart = 0;
  #yieldScheduled = false;
  /**
   * A clock reading taken by the settlement of a success just now, with no task run since, or
   * -1: the pump's next start uses it instead of reading the clock again (see #pump).
   */
  #reading = -1;
  #resolve!: () => void;
  #reject!: (error: unknown) => void;
  #onAbort: (() => void) | undefined;
  #releaseConsole: (() => void) | undefined;

  constructor(engine: RunEngine, config: DriverConfig) {
    this.#engine = engine;
    this.#config = config;
    this.#active = new Array<AttemptContext | undefined>(engine.graph.idLimit).fill(undefined);
    this.#resolver = config.resolver;
    this.#now = config.now ?? wallClock;
    this.#captureConsole = config.captureConsole === true && config.logSink !== undefined;
    this.#noExpanders = config.noRegisteredExpanders === true;
    this.#deadline =
      config.timeoutMs === undefined ? Number.POSITIVE_INFINITY : this.#now() + config.timeoutMs;
    const log = config.logger;
    // A hook that throws is logged and ignored: observers must not break the state machine.
    const guard =
      <A extends unknown[]>(name: string, fn: ((...args: A) => void) | undefined) =>
      (...args: A): void => {
        try {
          fn?.(...args);
        } catch (error) {
          log?.('error', `hook ${name} threw: ${toError(error).message}`, { error });
        }
      };
    const hooks = config.hooks;
    const inner = config.observer;
    const onEvent = guard('onEvent', hooks?.onEvent?.bind(hooks));
    const onTransition = guard('onTransition', hooks?.onTransition?.bind(hooks));
    const onModification = guard('onModification', hooks?.onModification?.bind(hooks));
    const userTransitions = hooks?.onTransition !== undefined;
    engine.observe({
      // Only when someone listens: without it the engine builds no start events at all.
      ...(inner?.onEvent === undefined && hooks?.onEvent === undefined
        ? {}
        : {
            onEvent: (event: RunEvent) => {
              inner?.onEvent?.(event);
              onEvent(event);
            },
          }),
      // Only when someone listens: a call per transition (3 per node) costs on the hot path.
      ...(inner?.onTransition === undefined && !userTransitions
        ? {}
        : {
            onTransition: (id: number, from: NodeState, to: NodeState) => {
              inner?.onTransition?.(id, from, to);
              if (userTransitions) onTransition(engine.graph.nameOf(id), from, to);
            },
          }),
      onStopped: (id, to) => this.#terminatedByEngine(id, to),
      onModification: (record) => {
        inner?.onModification?.(record);
        onModification(record);
      },
    });
    // Nodes that became ready while the engine was built (roots) did so before these hooks
    // were attached: report those transitions now, so hooks see every node's whole life.
    if (hooks?.onTransition !== undefined) {
      for (const id of engine.graph.ids()) {
        if (engine.stateOf(id) === 'ready')
          onTransition(engine.graph.nameOf(id), 'pending', 'ready');
      }
    }
  }

  /** Run until every node is terminal. Resolves (never rejects) for task failures; rejects only on internal errors. */
  run(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
      this.#started = true;
      if (this.#captureConsole) this.#releaseConsole = captureConsole();
      const { signal, timeoutMs } = this.#config;
      if (signal !== undefined) {
        this.#onAbort = () => this.#guard(() => this.#cancel('cancelled'));
        if (signal.aborted) this.#onAbort();
        else signal.addEventListener('abort', this.#onAbort, { once: true });
      }
      if (timeoutMs !== undefined && !this.#done) {
        this.#schedule(timeoutMs, () => this.#cancel('timeout'));
      }
      this.#sliceStart = performance.now();
      this.#guard(() => this.#pump());
    });
  }

  /** Schedule the retry of a node already in `retrying` (used on resume). */
  scheduleRetry(id: number, dueAt: number): void {
    const attempt = this.#engine.attemptOf(id);
    this.#schedule(Math.max(0, dueAt - this.#now()), () => {
      // The run may have moved on meanwhile (cancelled, timed out): then the retry is moot.
      if (this.#engine.stateOf(id) !== 'retrying' || this.#engine.attemptOf(id) !== attempt) return;
      this.#engine.apply({
        type: 'task_retry_due',
        node: this.#engine.graph.nameOf(id),
        at: this.#now(),
      });
    });
  }

  /**
   * Apply a modification from outside the engine's own flow (an operator, a task through its
   * context). Throws the rejection; it is in the audit trail either way.
   */
  modify(modification: DynamicModification, actor: string, origin?: string): ModificationRecord {
    const record = this.#engine.modify(modification, actor, this.#now(), origin);
    this.#afterExternal();
    return record;
  }

  /**
   * Apply a clear or a mark from outside (an operator's request): what it reopens or settles is
   * acted on at once. Throws the engine's refusal, which changes nothing.
   */
  control(event: Extract<RunEvent, { type: 'nodes_cleared' | 'node_marked' }>): void {
    this.#engine.apply(event);
    // A mark may have settled a waiting node: stop watching it.
    for (const id of this.#waiting) if (this.#engine.stateOf(id) !== 'waiting') this.#unwatch(id);
    this.#afterExternal();
  }

  /**
   * Watch again a node that was `waiting` when the previous owner died (used on resume): its
   * wait goes on from `since`, when it began.
   */
  resumeWait(id: number, since: number): void {
    this.#watch(id, since);
  }

  #watch(id: number, since: number): void {
    const waits = this.#config.waits;
    const node = this.#engine.graph.nameOf(id);
    if (waits === undefined) {
      throw new TributaryError(
        'INVALID_ARGUMENT',
        `Node "${node}" waits for a condition, but nothing watches this run's waiting nodes (sensors run in durable runs: startRun)`,
        { context: { node } },
      );
    }
    this.#waiting.add(id);
    waits.watch(id, node, since, (outcome) => this.#guard(() => this.#endWait(id, outcome)));
  }

  #unwatch(id: number): void {
    if (this.#waiting.delete(id)) this.#config.waits?.unwatch(id);
  }

  /** A watched node's wait is over: journal it through the engine and go on. */
  #endWait(id: number, outcome: WaitOutcome): void {
    if (!this.#waiting.delete(id) || this.#engine.stateOf(id) !== 'waiting') return;
    this.#engine.apply({
      type: 'wait_ended',
      node: this.#engine.graph.nameOf(id),
      at: this.#now(),
      outcome: outcome.outcome,
      ...(outcome.result === undefined ? {} : { result: outcome.result }),
      ...(outcome.error === undefined ? {} : { error: outcome.error }),
    });
    this.#afterExternal();
  }

  triggerFrom(ctx: AttemptContext, dag: string, options: TaskTrigger): void {
    if (this.#config.onHandoff === undefined) {
      throw new TributaryError(
        'INVALID_ARGUMENT',
        `Node "${ctx.node}" called ctx.trigger("${dag}") in an in-memory run: triggers need a durable run (startRun), whose store hands them to the scheduler`,
        { context: { node: ctx.node, received: dag } },
      );
    }
    if (typeof dag !== 'string' || dag === '')
      throw new TributaryError(
        'INVALID_ARGUMENT',
        `ctx.trigger needs a DAG id, got ${String(dag)}`,
        {
          context: { node: ctx.node, received: String(dag) },
        },
      );
    if (this.#active[ctx.id] !== ctx) return; // the attempt is over: nothing to hand over
    handoffOf(ctx).triggers.push({ dag, options });
  }

  materializeFrom(ctx: AttemptContext, asset: string, details: Materialization): void {
    const declared = this.#config.produces?.(ctx.node);
    if (this.#config.onHandoff === undefined || declared?.includes(asset) !== true) {
      throw new TributaryError(
        'UNKNOWN_ASSET',
        this.#config.onHandoff === undefined
          ? `Node "${ctx.node}" called ctx.materialize(${JSON.stringify(asset)}) in an in-memory run: asset events need a durable run (startRun)`
          : `Node "${ctx.node}" called ctx.materialize(${JSON.stringify(asset)}), an asset it does not produce (it produces ${declared === undefined || declared.length === 0 ? 'none' : declared.join(', ')}): declare it in the DAG's or the task's \`produces\``,
        { context: { node: ctx.node, received: asset } },
      );
    }
    if (typeof details !== 'object' || details === null)
      throw new TributaryError(
        'INVALID_ARGUMENT',
        `ctx.materialize details must be an object, got ${String(details)}`,
        { context: { node: ctx.node, received: String(details) } },
      );
    this.#config.checkMaterialization?.(ctx.node, asset, details);
    if (this.#active[ctx.id] !== ctx) return; // the attempt is over: nothing to hand over
    handoffOf(ctx).materializations.set(asset, details);
  }

  /** The run's period (see {@link AttemptHost}). */
  get period(): Period | undefined {
    return this.#config.period;
  }

  /** {@link AttemptHost}: the engine this driver drives. */
  get engine(): RunEngine {
    return this.#engine;
  }

  /** {@link AttemptHost}: the run's id. */
  get runId(): string {
    return this.#config.runId;
  }

  /** {@link AttemptHost}: the run's params. */
  get params(): Readonly<Record<string, unknown>> {
    return this.#config.params;
  }

  /** {@link AttemptHost}: the run's signal, shared by attempts without a controller of their own. */
  get signal(): AbortSignal {
    return this.#runController.signal;
  }

  /** Cancel the run (as an aborted signal would). */
  cancel(): void {
    if (this.#started) this.#guard(() => this.#cancel('cancelled'));
    else this.#engine.apply({ type: 'run_cancelled', at: this.#now(), reason: 'cancelled' });
  }

  /** {@link AttemptHost}: a task modifies its own run. */
  modifyFrom(ctx: AttemptContext, modification: DynamicModification): ModificationRecord {
    if (this.#active[ctx.id] !== ctx) {
      throw new TributaryError(
        'RUN_FINISHED',
        `Attempt ${ctx.attempt} of "${ctx.node}" is over: it can no longer modify the run`,
        { context: { node: ctx.node, runId: ctx.runId } },
      );
    }
    return this.modify(modification, `task:${ctx.node}`, ctx.node);
  }

  /** {@link AttemptHost}: a task logs through its context. */
  logFrom(
    ctx: AttemptContext,
    level: LogRecord['level'],
    message: string,
    fields?: Record<string, unknown>,
  ): void {
    this.#config.logger?.(level, message, { ...fields, node: ctx.node, attempt: ctx.attempt });
    this.#config.logSink?.(ctx, { level, source: 'log', message, fields, at: this.#now() });
  }

  /** The node's registered task defaults; no lookup at all when no task has any. */
  #defaults(spec: NodeSpec): RegisteredTask | undefined {
    return this.#resolver.hasDefaults ? this.#resolver.defaults(spec) : undefined;
  }

  #consoleSink(ctx: AttemptContext): ConsoleSink {
    const sink = this.#config.logSink!;
    return (level, source, message) =>
      sink(ctx, { level, source, message, fields: undefined, at: this.#now() });
  }

  /**
   * After a change made outside the pump: start what became ready, unless inside the pump or
   * before `run()` (which pumps first thing).
   */
  #afterExternal(): void {
    if (this.#started && !this.#pumping) this.#guard(() => this.#pump());
  }

  #guard(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#finish();
      this.#reject(error);
    }
  }

  #cancel(reason: 'cancelled' | 'timeout'): void {
    if (this.#done) return;
    this.#engine.apply({ type: 'run_cancelled', at: this.#now(), reason });
    this.#pump();
  }

  #pump(): void {
    if (this.#pumping || this.#done || this.#yieldScheduled) {
      // A reading left for a start this pump will not make is stale by the time it resumes.
      if (!this.#pumping) this.#reading = -1;
      return;
    }
    this.#pumping = true;
    const engine = this.#engine;
    const max = this.#config.maxWorkers;
    try {
      for (;;) {
        if (++this.#steps % CHECK_EVERY === 0 && this.#sliceOver()) break;
        if (this.#completed.length > 0) {
          const completed = this.#completed.shift()!;
          this.#settle(completed[0], completed[1], completed[2]);
          continue;
        }
        if (this.#running >= max || engine.isFinished) break;
        // The completion just settled read the clock, and no task ran since: one reading per
        // completion serves the start it makes room for. Any other start reads the clock.
        let now = this.#reading;
        if (now < 0) now = this.#now();
        else this.#reading = -1;
        if (now >= this.#deadline) {
          // Overdue: a blocking task kept the run timer from firing. Nothing more starts.
          this.#pumping = false;
          this.#cancel('timeout');
          return;
        }
        const id = engine.startNextId(now);
        if (id < 0) break;
        // A node that waits instead of running takes no slot: it is watched.
        if (engine.stateOf(id) === 'waiting') {
          this.#watch(id, now);
          continue;
        }
        // A hook may have cancelled the run while the start was applied: then do not launch.
        if (this.#done || engine.stateOf(id) !== 'running') continue;
        this.#launch(id, engine.attemptOf(id));
      }
    } finally {
      this.#pumping = false;
      this.#reading = -1;
    }
    if (this.#yieldScheduled) return;
    if (engine.isFinished) {
      this.#finish();
      this.#resolve();
    } else if (
      this.#running === 0 &&
      this.#waiting.size === 0 &&
      this.#timers.size === 0 &&
      this.#completed.length === 0
    ) {
      this.#finish();
      this.#reject(
        new TributaryError(
          'RUN_STALLED',
          `Run ${this.#config.runId} stalled: nothing running, ready or scheduled`,
          { context: { runId: this.#config.runId } },
        ),
      );
    }
  }

  /** True (and a resume scheduled) once this slice of back-to-back work has run long enough. */
  #sliceOver(): boolean {
    if (
      this.#steps - this.#sliceSteps < YIELD_STEPS &&
      performance.now() - this.#sliceStart < YIELD_MS
    )
      return false;
    this.#yieldScheduled = true;
    realSetImmediate(() => {
      this.#yieldScheduled = false;
      this.#sliceStart = performance.now();
      this.#sliceSteps = this.#steps;
      this.#guard(() => this.#pump());
    });
    return true;
  }

  #launch(id: number, attempt: number): void {
    const engine = this.#engine;
    const spec = engine.spec(id);
    const timeoutMs =
      spec.timeoutMs ?? this.#defaults(spec)?.timeoutMs ?? this.#config.nodeTimeoutMs;
    // Own controllers only where the shared one will not do: a timeout aborts this attempt
    // alone, and a cleanup node keeps running (signal intact) when fail-fast aborts the rest.
    const controller =
      timeoutMs === undefined && spec.cleanup !== true ? undefined : new AbortController();
    const ctx = new AttemptContext(
      this,
      id,
      engine.graph.nameOf(id),
      attempt,
      controller,
      timeoutMs,
    );
    this.#active[id] = ctx;
    this.#running++;
    if (timeoutMs !== undefined) {
      ctx.timer = setTimeout(() => {
        if (this.#active[id] !== ctx) return;
        const error = timeoutError(ctx, timeoutMs);
        controller!.abort(error);
        this.#guard(() => {
          this.#fail(ctx, error, true);
          this.#pump();
        });
      }, timeoutMs);
    }
    const task = this.#resolver.task(spec, id);
    if (task instanceof TributaryError) {
      this.#completed.push([ctx, false, task]);
      return;
    }
    let value: unknown;
    try {
      // No closure per attempt on the common path: only console capture needs one.
      value = this.#captureConsole
        ? withConsoleOf(this.#consoleSink(ctx), () => this.#call(task, ctx))
        : this.#call(task, ctx);
    } catch (error) {
      this.#completed.push([ctx, false, error]);
      return;
    }
    if (isThenable(value)) {
      // One closure per outcome handler and none inside it (#settleAsync guards itself).
      value.then(
        (result) => this.#settleAsync(ctx, true, result),
        (error: unknown) => this.#settleAsync(ctx, false, error),
      );
    } else {
      this.#completed.push([ctx, true, value]);
    }
  }

  #call(task: TaskFn, ctx: AttemptContext): unknown {
    const interceptors = this.#config.interceptors;
    return interceptors === undefined || interceptors.length === 0
      ? task(ctx)
      : intercept(interceptors, ctx, task);
  }

  /** An async attempt's outcome; what {@link #guard} does, without a closure per call. */
  #settleAsync(ctx: AttemptContext, ok: boolean, value: unknown): void {
    try {
      this.#settle(ctx, ok, value);
      this.#pump();
    } catch (error) {
      this.#finish();
      this.#reject(error);
    }
  }

  /** A task attempt returned or threw: check deadlines, run the expander, report to the engine. */
  #settle(ctx: AttemptContext, ok: boolean, value: unknown): void {
    if (this.#active[ctx.id] !== ctx) return; // timed out or cancelled meanwhile
    const now = this.#now();
    if (now >= this.#deadline) {
      // The run is overdue (a blocking task held the thread past it): this attempt and every
      // other running one end `timed_out` through the engine's timeout cancellation.
      this.#cancel('timeout');
      return;
    }
    if (
      ctx.timeoutMs !== undefined &&
      now - this.#engine.attemptStartedAt(ctx.id)! > ctx.timeoutMs
    ) {
      this.#fail(ctx, timeoutError(ctx, ctx.timeoutMs), true);
      return;
    }
    if (!ok) {
      this.#fail(ctx, toError(value), false);
      return;
    }
    const node = ctx.node;
    const check = this.#config.checkOutcome;
    if (check !== undefined) {
      try {
        check(node, 'result', value);
      } catch (error) {
        this.#fail(ctx, toError(error), false);
        return;
      }
    }
    const spec = this.#engine.spec(ctx.id);
    const expander =
      this.#noExpanders && spec.expander === undefined ? undefined : this.#resolver.expander(spec);
    if (expander === undefined) {
      this.#succeed(ctx, value, undefined, now);
      // No user code runs between here and the pump's next start: it may use this reading.
      this.#reading = now;
      return;
    }
    if (expander instanceof TributaryError) {
      this.#fail(ctx, expander, false);
      return;
    }
    let modification: ReturnType<typeof expander>;
    try {
      modification = expander(node, value, ctx);
    } catch (error) {
      this.#fail(ctx, expanderError(node, error), false);
      return;
    }
    if (!isThenable(modification)) {
      this.#expanded(ctx, value, modification);
      return;
    }
    modification.then(
      (mod) =>
        this.#guard(() => {
          if (this.#active[ctx.id] === ctx) this.#expanded(ctx, value, mod);
          this.#pump();
        }),
      (error: unknown) =>
        this.#guard(() => {
          if (this.#active[ctx.id] === ctx) this.#fail(ctx, expanderError(node, error), false);
          this.#pump();
        }),
    );
  }

  #expanded(ctx: AttemptContext, result: unknown, modification: unknown): void {
    if (modification !== undefined && modification !== null && this.#config.checkOutcome) {
      try {
        this.#config.checkOutcome(ctx.node, 'modification', modification);
      } catch (error) {
        this.#fail(ctx, expanderError(ctx.node, error), false);
        return;
      }
    }
    this.#succeed(ctx, result, modification as DynamicModification | null | undefined);
  }

  #release(ctx: AttemptContext): void {
    this.#active[ctx.id] = undefined;
    this.#running--;
    if (ctx.timer !== undefined) clearTimeout(ctx.timer);
  }

  /** Report a success; `at` when the caller has just read the clock (one reading per completion). */
  #succeed(
    ctx: AttemptContext,
    result: unknown,
    modification: DynamicModification | null | undefined,
    at = this.#now(),
  ): void {
    this.#release(ctx);
    const produces = this.#config.produces;
    if (ctx.handoff !== undefined || (produces !== undefined && produces(ctx.node)))
      this.#config.onHandoff?.(ctx.node, ctx.attempt, handoffOf(ctx));
    if (modification === undefined || modification === null) {
      this.#engine.succeedId(ctx.id, ctx.attempt, at, result);
      return;
    }
    this.#engine.apply({
      type: 'task_succeeded',
      node: ctx.node,
      attempt: ctx.attempt,
      at,
      result,
      modification,
    });
  }

  #fail(ctx: AttemptContext, error: Error, timedOut: boolean): void {
    this.#release(ctx);
    const engine = this.#engine;
    const spec = engine.spec(ctx.id);
    const policy = spec.retry ?? this.#defaults(spec)?.retry ?? this.#config.retry;
    const node = ctx.node;
    const at = this.#now();
    if (shouldRetry(policy, ctx.attempt, error)) {
      const retryAt = at + retryDelay(policy!, ctx.attempt, this.#config.random);
      engine.apply({
        type: 'task_failed',
        node,
        attempt: ctx.attempt,
        at,
        error,
        retryAt,
        timedOut,
      });
      this.scheduleRetry(ctx.id, retryAt);
    } else {
      engine.apply({ type: 'task_failed', node, attempt: ctx.attempt, at, error, timedOut });
    }
  }

  /** The engine ended a running node (cancellation, run timeout, fail-fast): abort it. */
  #terminatedByEngine(id: number, to: NodeState): void {
    if (this.#waiting.has(id)) {
      this.#unwatch(id);
      return;
    }
    const ctx = this.#active[id];
    if (ctx === undefined) return; // our own completion: already released
    this.#release(ctx);
    const reason = new TributaryError(
      to === 'timed_out' ? 'RUN_TIMEOUT' : 'RUN_CANCELLED',
      to === 'timed_out'
        ? `Run ${this.#config.runId} timed out`
        : `Run ${this.#config.runId} was cancelled`,
      { context: { runId: this.#config.runId, node: ctx.node } },
    );
    if (ctx.controller !== undefined) ctx.controller.abort(reason);
    else if (!this.#runController.signal.aborted) this.#runController.abort(reason);
  }

  #schedule(delay: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#guard(() => {
        fn();
        this.#pump();
      });
    }, delay);
    this.#timers.add(timer);
  }

  #finish(): void {
    if (this.#done) return;
    this.#done = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    const active = this.#active;
    for (let id = 0; id < active.length; id++) {
      const timer = active[id]?.timer;
      if (timer !== undefined) clearTimeout(timer);
    }
    if (this.#onAbort !== undefined)
      this.#config.signal?.removeEventListener('abort', this.#onAbort);
    this.#releaseConsole?.();
  }
}

/**
 * Run `task` inside the interceptors, outermost first. Each interceptor may call its `next`
 * once: a second call rejects with `INTERCEPTOR_MISUSE` and never runs the task again.
 */
function intercept(
  interceptors: readonly Interceptor[],
  ctx: AttemptContext,
  task: TaskFn,
): Promise<unknown> {
  const dispatch = (i: number): Promise<unknown> => {
    if (i === interceptors.length) return Promise.resolve().then(() => task(ctx));
    let called = false;
    return interceptors[i]!(ctx, () => {
      if (called) {
        return Promise.reject(
          new TributaryError(
            'INTERCEPTOR_MISUSE',
            `Interceptor ${i} called next() more than once for "${ctx.node}" (attempt ${ctx.attempt}); the task runs once per attempt`,
            { context: { node: ctx.node, interceptor: i } },
          ),
        );
      }
      called = true;
      return dispatch(i + 1);
    });
  };
  return dispatch(0);
}

function timeoutError(ctx: AttemptContext, timeoutMs: number): TributaryError {
  return new TributaryError('TASK_TIMEOUT', `Node "${ctx.node}" timed out after ${timeoutMs} ms`, {
    context: { node: ctx.node, runId: ctx.runId },
    retryable: true,
  });
}

function expanderError(node: string, error: unknown): TributaryError {
  const cause = toError(error);
  return new TributaryError(
    'EXPANDER_FAILED',
    `The expander of "${node}" threw: ${cause.message}`,
    { context: { node }, cause },
  );
}

/** The attempt's handoff, made on its first trigger or asset event. */
function handoffOf(ctx: AttemptContext): AttemptHandoff {
  return (ctx.handoff ??= { triggers: [], materializations: new Map() });
}
