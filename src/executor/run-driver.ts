import { toError, TributaryError } from '../errors/index.js';
import { isThenable } from './thenable.js';
import type { RunEngine } from '../engine/run-engine.js';
import type { RunEvent } from '../engine/events.js';
import type { DynamicModification } from '../engine/modification.js';
import type { NodeState } from '../engine/node-state.js';
import type { RetryPolicy } from '../engine/node-spec.js';
import { retryDelay, shouldRetry } from './retry.js';
import { AttemptContext } from './task-context.js';
import type { ExecutorHooks, Expander, Interceptor, TaskFn, TaskLogger } from './types.js';

/** What the driver needs besides the engine. */
export interface DriverConfig {
  readonly runId: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly maxWorkers: number;
  /** The function to run for a node, or the error that fails it (unknown task name, ...). */
  readonly resolveTask: (id: number) => TaskFn | TributaryError;
  readonly resolveExpander: (id: number) => Expander | undefined;
  /** Defaults that come with a node's task (a registered task's retry and timeout). */
  readonly taskDefaults?: (
    id: number,
  ) => { readonly retry?: RetryPolicy; readonly timeoutMs?: number } | undefined;
  readonly retry?: RetryPolicy;
  readonly nodeTimeoutMs?: number;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly interceptors?: readonly Interceptor[];
  readonly hooks?: ExecutorHooks;
  readonly logger?: TaskLogger;
  /** Called with each event right after the engine applied it (the journal). */
  readonly record?: (event: RunEvent) => void;
  readonly now?: () => number;
  readonly random?: () => number;
}

/** One attempt in flight. */
interface Launch {
  readonly id: number;
  readonly attempt: number;
  readonly ctx: AttemptContext;
  readonly controller: AbortController | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
}

const noopLog: TaskLogger = () => undefined;
const wallClock = (): number => performance.timeOrigin + performance.now();

/**
 * Drives a {@link RunEngine} in-process: takes ready nodes in priority order while fewer than
 * `maxWorkers` run, runs sync and async tasks, applies expanders, retries with backoff,
 * enforces node and run timeouts, and cancels on request. All state changes go through the
 * engine; the driver only carries out effects (calling functions, timers, aborts).
 *
 * Hot path per node: one engine pop, one context object, one Map entry, one event per
 * transition. Sync tasks complete without a microtask hop.
 */
export class RunDriver {
  readonly #engine: RunEngine;
  readonly #config: DriverConfig;
  readonly #now: () => number;
  /** Attempts in flight, by node id (an array: ids are dense). */
  readonly #active: (Launch | undefined)[] = [];
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #runController = new AbortController();
  readonly #completed: [Launch, boolean, unknown][] = [];
  readonly #log: TaskLogger;
  #running = 0;
  #pumping = false;
  #done = false;
  #resolve!: () => void;
  #reject!: (error: unknown) => void;
  #onAbort: (() => void) | undefined;

  constructor(engine: RunEngine, config: DriverConfig) {
    this.#engine = engine;
    this.#config = config;
    this.#now = config.now ?? wallClock;
    this.#log = config.logger ?? noopLog;
    const record = config.record;
    // A hook that throws is logged and ignored: observers must not break the state machine.
    const guard =
      <A extends unknown[]>(name: string, fn: ((...args: A) => void) | undefined) =>
      (...args: A): void => {
        try {
          fn?.(...args);
        } catch (error) {
          this.#log('error', `hook ${name} threw: ${toError(error).message}`, { error });
        }
      };
    const hooks = config.hooks;
    const onEvent = guard('onEvent', hooks?.onEvent?.bind(hooks));
    const onTransition = guard('onTransition', hooks?.onTransition?.bind(hooks));
    const onModification = guard('onModification', hooks?.onModification?.bind(hooks));
    engine.observe({
      // Only when someone listens: without it the engine builds no start events at all.
      ...(record === undefined && hooks?.onEvent === undefined
        ? {}
        : {
            onEvent: (event: RunEvent) => {
              record?.(event);
              onEvent(event);
            },
          }),
      onTransition: (id, from, to) => {
        if (from === 'running') this.#terminatedByEngine(id, to);
        onTransition(engine.graph.nameOf(id), from, to);
      },
      onModification,
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
      const { signal, timeoutMs } = this.#config;
      if (signal !== undefined) {
        this.#onAbort = () => this.#guard(() => this.#cancel('cancelled'));
        if (signal.aborted) this.#onAbort();
        else signal.addEventListener('abort', this.#onAbort, { once: true });
      }
      if (timeoutMs !== undefined && !this.#done) {
        this.#schedule(timeoutMs, () => this.#cancel('timeout'));
      }
      // A resumed run may have retries pending: honour their due times.
      this.#guard(() => this.#pump());
    });
  }

  /** Schedule the retry of a node already in `retrying` (used on resume). */
  scheduleRetry(id: number, dueAt: number): void {
    this.#schedule(Math.max(0, dueAt - this.#now()), () => {
      this.#apply({ type: 'task_retry_due', node: this.#engine.graph.nameOf(id), at: this.#now() });
    });
  }

  #guard(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#finish();
      this.#reject(error);
    }
  }

  #apply(event: RunEvent): void {
    this.#engine.apply(event);
  }

  #cancel(reason: 'cancelled' | 'timeout'): void {
    if (this.#done) return;
    this.#apply({ type: 'run_cancelled', at: this.#now(), reason });
    this.#pump();
  }

  #pump(): void {
    if (this.#pumping || this.#done) return;
    this.#pumping = true;
    const engine = this.#engine;
    const max = this.#config.maxWorkers;
    try {
      for (;;) {
        const completed = this.#completed.shift();
        if (completed !== undefined) {
          this.#settle(completed[0], completed[1], completed[2]);
          continue;
        }
        if (this.#running >= max || engine.isFinished) break;
        const id = engine.startNextId(this.#now());
        if (id < 0) break;
        // A hook may have cancelled the run while the start was applied: then do not launch.
        if (this.#done || engine.stateOf(id) !== 'running') continue;
        this.#launch(id, engine.attemptOf(id));
      }
    } finally {
      this.#pumping = false;
    }
    if (engine.isFinished) {
      this.#finish();
      this.#resolve();
    } else if (this.#running === 0 && this.#timers.size === 0) {
      this.#finish();
      this.#reject(
        new TributaryError(
          'INVALID_TRANSITION',
          `Run ${this.#config.runId} stalled: nothing running, ready or scheduled`,
        ),
      );
    }
  }

  #launch(id: number, attempt: number): void {
    const engine = this.#engine;
    const spec = engine.spec(id);
    const timeoutMs =
      spec.timeoutMs ?? this.#config.taskDefaults?.(id)?.timeoutMs ?? this.#config.nodeTimeoutMs;
    const controller = timeoutMs === undefined ? undefined : new AbortController();
    const ctx = new AttemptContext(
      engine,
      id,
      this.#config.runId,
      attempt,
      controller?.signal ?? this.#runController.signal,
      this.#config.params,
      this.#log,
    );
    const launch: Launch = { id, attempt, ctx, controller, timer: undefined };
    this.#active[id] = launch;
    this.#running++;
    if (timeoutMs !== undefined) {
      launch.timer = setTimeout(() => {
        const error = new TributaryError(
          'TASK_TIMEOUT',
          `Node "${ctx.node}" timed out after ${timeoutMs} ms`,
          {
            context: { node: ctx.node, runId: ctx.runId },
            retryable: true,
          },
        );
        if (this.#active[id] !== launch) return;
        controller!.abort(error);
        this.#guard(() => {
          this.#fail(launch, error, true);
          this.#pump();
        });
      }, timeoutMs);
    }
    const task = this.#config.resolveTask(id);
    if (task instanceof TributaryError) {
      this.#completed.push([launch, false, task]);
      return;
    }
    let value: unknown;
    try {
      const interceptors = this.#config.interceptors;
      value =
        interceptors === undefined || interceptors.length === 0
          ? task(ctx)
          : intercept(interceptors, ctx, task);
    } catch (error) {
      this.#completed.push([launch, false, error]);
      return;
    }
    if (isThenable(value)) {
      value.then(
        (result) => this.#guard(() => this.#settleAsync(launch, true, result)),
        (error: unknown) => this.#guard(() => this.#settleAsync(launch, false, error)),
      );
    } else {
      this.#completed.push([launch, true, value]);
    }
  }

  #settleAsync(launch: Launch, ok: boolean, value: unknown): void {
    this.#settle(launch, ok, value);
    this.#pump();
  }

  /** A task attempt returned or threw: run the expander, then report to the engine. */
  #settle(launch: Launch, ok: boolean, value: unknown): void {
    if (this.#active[launch.id] !== launch) return; // timed out or cancelled meanwhile
    if (!ok) {
      this.#fail(launch, toError(value), false);
      return;
    }
    const expander = this.#config.resolveExpander(launch.id);
    if (expander === undefined) {
      this.#succeed(launch, value, undefined);
      return;
    }
    let modification: ReturnType<Expander>;
    try {
      modification = expander(launch.ctx.node, value, launch.ctx);
    } catch (error) {
      this.#fail(launch, expanderError(launch.ctx.node, error), false);
      return;
    }
    if (!isThenable(modification)) {
      this.#succeed(launch, value, modification);
      return;
    }
    modification.then(
      (mod) =>
        this.#guard(() => {
          if (this.#active[launch.id] === launch) this.#succeed(launch, value, mod);
          this.#pump();
        }),
      (error: unknown) =>
        this.#guard(() => {
          if (this.#active[launch.id] === launch)
            this.#fail(launch, expanderError(launch.ctx.node, error), false);
          this.#pump();
        }),
    );
  }

  #release(launch: Launch): void {
    this.#active[launch.id] = undefined;
    this.#running--;
    if (launch.timer !== undefined) clearTimeout(launch.timer);
  }

  #succeed(
    launch: Launch,
    result: unknown,
    modification: DynamicModification | null | undefined | void,
  ): void {
    this.#release(launch);
    this.#apply({
      type: 'task_succeeded',
      node: launch.ctx.node,
      attempt: launch.attempt,
      at: this.#now(),
      result,
      ...(modification === undefined || modification === null ? {} : { modification }),
    });
  }

  #fail(launch: Launch, error: Error, timedOut: boolean): void {
    this.#release(launch);
    const engine = this.#engine;
    const policy =
      engine.spec(launch.id).retry ??
      this.#config.taskDefaults?.(launch.id)?.retry ??
      this.#config.retry;
    const node = launch.ctx.node;
    const at = this.#now();
    if (shouldRetry(policy, launch.attempt, error)) {
      const retryAt = at + retryDelay(policy!, launch.attempt, this.#config.random);
      this.#apply({
        type: 'task_failed',
        node,
        attempt: launch.attempt,
        at,
        error,
        retryAt,
        timedOut,
      });
      this.scheduleRetry(launch.id, retryAt);
    } else {
      this.#apply({ type: 'task_failed', node, attempt: launch.attempt, at, error, timedOut });
    }
  }

  /** The engine ended a running node (cancellation, run timeout, fail-fast): abort it. */
  #terminatedByEngine(id: number, to: NodeState): void {
    const launch = this.#active[id];
    if (launch === undefined) return; // our own completion: already released
    this.#release(launch);
    const reason = new TributaryError(
      to === 'timed_out' ? 'RUN_TIMEOUT' : 'RUN_CANCELLED',
      to === 'timed_out'
        ? `Run ${this.#config.runId} timed out`
        : `Run ${this.#config.runId} was cancelled`,
      { context: { runId: this.#config.runId, node: launch.ctx.node } },
    );
    if (launch.controller !== undefined) launch.controller.abort(reason);
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
    for (const launch of this.#active) if (launch?.timer !== undefined) clearTimeout(launch.timer);
    if (this.#onAbort !== undefined)
      this.#config.signal?.removeEventListener('abort', this.#onAbort);
  }
}

function intercept(
  interceptors: readonly Interceptor[],
  ctx: AttemptContext,
  task: TaskFn,
): Promise<unknown> {
  let next = (): Promise<unknown> => Promise.resolve().then(() => task(ctx));
  for (let i = interceptors.length - 1; i >= 0; i--) {
    const interceptor = interceptors[i]!;
    const inner = next;
    next = () => interceptor(ctx, inner);
  }
  return next();
}

function expanderError(node: string, error: unknown): TributaryError {
  const cause = toError(error);
  return new TributaryError(
    'EXPANDER_FAILED',
    `The expander of "${node}" threw: ${cause.message}`,
    {
      context: { node },
      cause,
    },
  );
}
