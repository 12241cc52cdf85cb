import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { jsonCodec } from '../../codec/index.js';
import { TributaryError } from '../../errors/index.js';
import type { DynamicModification } from '../../engine/index.js';
import type { Materialization, TaskContext, TaskTrigger } from '../types.js';
import { currentConsoleSink, withConsoleOf } from '../console-capture.js';
import { BOOTSTRAP, workerEntry } from './bootstrap.js';
import type { TaskResourceLimits } from './options.js';
import {
  fromWire,
  toWire,
  type ConsoleMethod,
  type RunMessage,
  type SyncReply,
  type SyncRequest,
  type WorkerMessage,
} from './protocol.js';
import type { WorkerData } from './worker-main.js';

/** What a worker thread needs to find and run one isolated task. */
export interface IsolatedTaskSpec {
  /** File URL of the module that exports the task. */
  readonly module: string;
  /** The task's registered name. */
  readonly task: string;
  readonly resourceLimits?: TaskResourceLimits | undefined;
}

/** One attempt in flight on a thread. */
interface Call {
  readonly number: number;
  readonly ctx: TaskContext;
  readonly spec: IsolatedTaskSpec;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  /** Writes a relayed console line in the attempt's async context (console capture sees it). */
  readonly console: (method: ConsoleMethod, text: string) => void;
  readonly onAbort: () => void;
}

/** A worker thread with its synchronous side channel; runs one attempt at a time. */
class TaskThread {
  readonly worker: Worker;
  readonly key: string;
  readonly #sync: MessagePort;
  readonly #flag: Int32Array;
  call: Call | undefined;
  idleTimer: NodeJS.Timeout | undefined;
  dead = false;

  constructor(
    key: string,
    limits: TaskResourceLimits | undefined,
    onGone: (thread: TaskThread) => void,
  ) {
    this.key = key;
    const { port1, port2 } = new MessageChannel();
    const syncFlag = new SharedArrayBuffer(4);
    this.#sync = port1;
    this.#flag = new Int32Array(syncFlag);
    const { entry, tsx } = workerEntry();
    const data: WorkerData & { entry: string; tsx: string | undefined } = {
      syncPort: port2,
      syncFlag,
      entry,
      tsx,
    };
    this.worker = new Worker(BOOTSTRAP, {
      eval: true,
      workerData: data,
      transferList: [port2],
      ...(limits === undefined ? {} : { resourceLimits: limits }),
    });
    this.worker.on('message', (message: WorkerMessage) => this.#onMessage(message));
    this.worker.on('error', (error: Error) => {
      this.dead = true;
      this.#end(crashError(error, this.call));
      onGone(this);
    });
    this.worker.on('exit', (code) => {
      this.dead = true;
      if (this.call !== undefined) {
        const call = this.call;
        this.#end(
          new TributaryError(
            'WORKER_EXITED',
            `The worker thread of node "${call.ctx.node}" (task "${call.spec.task}") exited with code ${code} before the task finished`,
            {
              context: { node: call.ctx.node, task: call.spec.task, exitCode: code },
              retryable: true,
            },
          ),
        );
      }
      onGone(this);
    });
    this.#sync.on('message', (request: SyncRequest) => this.#answer(request));
    this.#sync.unref();
  }

  start(call: Call, message: RunMessage): void {
    this.call = call;
    this.worker.ref();
    this.worker.postMessage(message);
  }

  #onMessage(message: WorkerMessage): void {
    const call = this.call;
    if (call === undefined || message.call !== call.number) return;
    switch (message.type) {
      case 'done':
        this.call = undefined;
        call.ctx.signal.removeEventListener('abort', call.onAbort);
        if (message.ok) call.resolve(jsonCodec.decode(message.value));
        else call.reject(fromWire(message.error));
        break;
      case 'log':
        call.ctx.log(
          message.level,
          message.message,
          message.fields === undefined
            ? undefined
            : (jsonCodec.decode(message.fields) as Record<string, unknown>),
        );
        break;
      case 'console':
        call.console(message.method, message.text);
        break;
    }
  }

  /** Answer the worker's synchronous question, then wake it. */
  #answer(request: SyncRequest): void {
    let reply: SyncReply;
    try {
      const ctx = this.call?.ctx;
      if (ctx === undefined) throw new Error('No attempt is running on this thread');
      let value: unknown;
      switch (request.op) {
        case 'upstream':
          value = ctx.upstream(request.name);
          break;
        case 'upstreamResults':
          value = [...ctx.upstreamResults];
          break;
        case 'modify':
          value = ctx.modify(
            jsonCodec.decode(request.modification) as DynamicModification<string, string>,
          );
          break;
        case 'trigger':
          ctx.trigger(request.dag, jsonCodec.decode(request.options) as TaskTrigger);
          break;
        case 'materialize':
          ctx.materialize(request.asset, jsonCodec.decode(request.details) as Materialization);
          break;
      }
      reply = { ok: true, value: jsonCodec.encode(value) };
    } catch (error) {
      reply = { ok: false, error: toWire(error) };
    }
    this.#sync.postMessage(reply);
    Atomics.store(this.#flag, 0, 1);
    Atomics.notify(this.#flag, 0);
  }

  /** End the current attempt with an error (the thread is gone or being stopped). */
  #end(error: Error): void {
    const call = this.call;
    if (call === undefined) return;
    this.call = undefined;
    call.ctx.signal.removeEventListener('abort', call.onAbort);
    call.reject(error);
  }

  /** Stop the thread at once, whatever it is doing. */
  stop(): Promise<number> {
    this.dead = true;
    clearTimeout(this.idleTimer);
    return this.worker.terminate();
  }
}

function crashError(error: Error, call: Call | undefined): Error {
  const where =
    call === undefined
      ? 'a task thread'
      : `the worker thread of node "${call.ctx.node}" (task "${call.spec.task}")`;
  if ((error as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY') {
    const limits = call?.spec.resourceLimits;
    return new TributaryError(
      'WORKER_OUT_OF_MEMORY',
      `${where[0]!.toUpperCase()}${where.slice(1)} ran out of memory` +
        (limits === undefined ? '' : ` (resourceLimits ${JSON.stringify(limits)})`),
      {
        context: {
          ...(call === undefined ? {} : { node: call.ctx.node, task: call.spec.task }),
          ...(limits === undefined ? {} : { resourceLimits: limits }),
        },
        cause: error,
        retryable: true,
      },
    );
  }
  // An uncaught error of the thread (thrown from a timer the task left behind, or while
  // loading its program): it fails the attempt as the task's own error would.
  return error;
}

/**
 * The worker threads of isolated tasks, shared by every run in the process. Threads are
 * grouped by resource limits (fixed when a thread starts), made when no idle one fits, reused
 * one attempt at a time, and ended after `idleMs` without work (so the pool grows to the peak
 * number of isolated attempts running at once, and shrinks back); idle threads never keep the
 * process alive. An attempt that is aborted (timeout, cancellation, fail-fast) ends its thread:
 * the next attempt gets a fresh one.
 */
export class TaskThreadPool {
  readonly #idle = new Map<string, TaskThread[]>();
  readonly #all = new Set<TaskThread>();
  readonly #idleMs: number;
  #calls = 0;
  readonly #params = new WeakMap<object, string>();

  constructor(options: { idleMs?: number } = {}) {
    this.#idleMs = options.idleMs ?? 30_000;
  }

  /** Threads alive now, busy or idle. */
  get size(): number {
    return this.#all.size;
  }

  /**
   * Run one attempt of an isolated task in a thread; settles as the task does. Throws (before
   * any thread is taken) when the input or params cannot be encoded.
   */
  run(spec: IsolatedTaskSpec, ctx: TaskContext): Promise<unknown> {
    if (ctx.signal.aborted) return Promise.reject(ctx.signal.reason as Error);
    const number = ++this.#calls;
    const message: RunMessage = {
      type: 'run',
      call: number,
      module: spec.module,
      task: spec.task,
      node: ctx.node,
      runId: ctx.runId,
      attempt: ctx.attempt,
      input: jsonCodec.encode(ctx.input),
      params: this.#encodeParams(ctx.params),
      period: ctx.period === undefined ? undefined : jsonCodec.encode(ctx.period),
    };
    // Relayed console lines are written as if by the task, so a capturing run keeps them.
    const sink = currentConsoleSink();
    const relay = (method: ConsoleMethod, text: string): void => {
      if (sink === undefined) console[method](text);
      else withConsoleOf(sink, () => console[method](text));
    };
    const key = spec.resourceLimits === undefined ? '' : JSON.stringify(spec.resourceLimits);
    const thread = this.#take(key, spec.resourceLimits);
    return new Promise<unknown>((resolve, reject) => {
      const onAbort = (): void => {
        if (thread.call?.number !== number) return;
        thread.call = undefined;
        reject(ctx.signal.reason as Error);
        this.#forget(thread);
        void thread.stop();
      };
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      thread.start(
        {
          number,
          ctx,
          spec,
          resolve: (value) => {
            this.#release(thread);
            resolve(value);
          },
          reject: (error) => {
            if (!thread.dead) this.#release(thread);
            reject(error);
          },
          console: relay,
          onAbort,
        },
        message,
      );
    });
  }

  /** End every thread (idle or busy: a busy one's attempt fails with `WORKER_EXITED`). */
  async close(): Promise<void> {
    const threads = [...this.#all];
    this.#all.clear();
    this.#idle.clear();
    await Promise.all(threads.map((thread) => thread.stop()));
  }

  #take(key: string, limits: TaskResourceLimits | undefined): TaskThread {
    const idle = this.#idle.get(key);
    const reused = idle?.pop();
    if (reused !== undefined) {
      clearTimeout(reused.idleTimer);
      return reused;
    }
    const thread = new TaskThread(key, limits, (gone) => this.#forget(gone));
    this.#all.add(thread);
    return thread;
  }

  #release(thread: TaskThread): void {
    let idle = this.#idle.get(thread.key);
    if (idle === undefined) this.#idle.set(thread.key, (idle = []));
    thread.worker.unref();
    idle.push(thread);
    thread.idleTimer = setTimeout(() => {
      this.#forget(thread);
      void thread.stop();
    }, this.#idleMs);
    thread.idleTimer.unref();
  }

  #forget(thread: TaskThread): void {
    this.#all.delete(thread);
    const idle = this.#idle.get(thread.key);
    const at = idle?.indexOf(thread) ?? -1;
    if (at >= 0) idle!.splice(at, 1);
  }

  /** A run's params are one object for all its attempts: encode it once. */
  #encodeParams(params: Readonly<Record<string, unknown>>): string {
    let text = this.#params.get(params);
    if (text === undefined) this.#params.set(params, (text = jsonCodec.encode(params)));
    return text;
  }
}
