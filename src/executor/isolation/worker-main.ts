/*
 * The program of a task's worker thread: it imports the modules that export isolated tasks,
 * runs one attempt at a time as the run thread asks, and answers with the result or the error.
 * A context question that must be answered at once (`ctx.upstream`, `ctx.modify`) is sent over
 * a second port while this thread waits on a shared flag, so those calls stay synchronous as
 * they are on the run thread.
 */
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import {
  parentPort,
  receiveMessageOnPort,
  workerData,
  type MessagePort,
} from 'node:worker_threads';
import { jsonCodec } from '../../codec/index.js';
import { TributaryError } from '../../errors/index.js';
import type { DynamicModification, ModificationRecord } from '../../engine/index.js';
import { importModule } from '../import-module.js';
import type { Period } from '../../time/index.js';
import type { Materialization, TaskContext, TaskFn, TaskLogger, TaskTrigger } from '../types.js';
import {
  fromWire,
  toWire,
  type ConsoleMethod,
  type RunMessage,
  type SyncReply,
  type SyncRequest,
  type WorkerMessage,
} from './protocol.js';
import { findTask } from './task-lookup.js';

/** What the run thread gives a new worker thread. */
export interface WorkerData {
  readonly syncPort: MessagePort;
  readonly syncFlag: SharedArrayBuffer;
}

const { syncPort, syncFlag } = workerData as WorkerData;
const flag = new Int32Array(syncFlag);
const port = parentPort!;
const modules = new Map<string, Promise<Readonly<Record<string, unknown>>>>();
/** The attempt running now: console lines and logs are attributed to it. */
let current = 0;
/** Never fires: a cancelled or timed-out isolated attempt is stopped by ending its thread. */
const NEVER = new AbortController().signal;

function send(message: WorkerMessage): void {
  port.postMessage(message);
}

/** Ask the run thread and wait for its answer (the run thread never waits on this one). */
function ask(request: SyncRequest): unknown {
  Atomics.store(flag, 0, 0);
  syncPort.postMessage(request);
  while (Atomics.load(flag, 0) === 0) Atomics.wait(flag, 0, 0);
  const reply = receiveMessageOnPort(syncPort)?.message as SyncReply;
  if (!reply.ok) throw fromWire(reply.error);
  return jsonCodec.decode(reply.value);
}

for (const method of ['log', 'info', 'debug', 'warn', 'error'] as const satisfies ConsoleMethod[]) {
  console[method] = (...args: unknown[]) =>
    send({ type: 'console', call: current, method, text: format(...args) });
}

/** The task's context on this thread: the same interface, answered by the run thread. */
class WorkerContext implements TaskContext {
  readonly node: string;
  readonly runId: string;
  readonly attempt: number;
  readonly signal = NEVER;
  readonly input: unknown;
  readonly params: Readonly<Record<string, unknown>>;
  readonly period: Period | undefined;
  readonly log: TaskLogger;

  constructor(message: RunMessage) {
    this.node = message.node;
    this.runId = message.runId;
    this.attempt = message.attempt;
    this.input = jsonCodec.decode(message.input);
    this.params = jsonCodec.decode(message.params) as Record<string, unknown>;
    this.period =
      message.period === undefined ? undefined : (jsonCodec.decode(message.period) as Period);
    const call = message.call;
    this.log = (level, text, fields) =>
      send({
        type: 'log',
        call,
        level,
        message: String(text),
        fields: fields === undefined ? undefined : jsonCodec.encode(fields),
      });
  }

  get idempotencyKey(): string {
    return `${this.runId}:${this.node}`;
  }

  upstream(name: string): unknown {
    return ask({ op: 'upstream', name });
  }

  get upstreamResults(): ReadonlyMap<string, unknown> {
    return new Map(ask({ op: 'upstreamResults' }) as [string, unknown][]);
  }

  trigger(dag: string, options: TaskTrigger = {}): void {
    ask({ op: 'trigger', dag, options: jsonCodec.encode(options) });
  }

  materialize(asset: string, details: Materialization = {}): void {
    ask({ op: 'materialize', asset, details: jsonCodec.encode(details) });
  }

  modify(modification: DynamicModification<TaskFn | string>): ModificationRecord {
    return ask({
      op: 'modify',
      modification: jsonCodec.encode(modification),
    }) as ModificationRecord;
  }
}

async function taskOf(message: RunMessage): Promise<TaskFn> {
  let namespace = modules.get(message.module);
  if (namespace === undefined) {
    const path = message.module.startsWith('file:')
      ? fileURLToPath(message.module)
      : message.module;
    namespace = importModule(path).catch((error: unknown) => {
      modules.delete(message.module);
      throw new TributaryError(
        'MODULE_LOAD_FAILED',
        `The worker thread of task "${message.task}" could not load ${message.module}: ${String(error)}`,
        { context: { task: message.task, module: message.module }, cause: error },
      );
    });
    modules.set(message.module, namespace);
  }
  const fn = findTask(await namespace, message.task);
  if (fn === undefined) {
    throw new TributaryError(
      'TASK_NOT_FOUND',
      `Task "${message.task}" runs in a worker thread, which found no task "${message.task}" ` +
        `exported by ${message.module} (export its defineTask, or a defineDag that registers it, ` +
        'or give defineTask the `module` option)',
      { context: { task: message.task, module: message.module } },
    );
  }
  return fn;
}

async function run(message: RunMessage): Promise<void> {
  current = message.call;
  try {
    const fn = await taskOf(message);
    const value = jsonCodec.encode(await fn(new WorkerContext(message)));
    send({ type: 'done', call: message.call, ok: true, value });
  } catch (error) {
    send({ type: 'done', call: message.call, ok: false, error: toWire(error) });
  }
}

port.on('message', (message: RunMessage) => void run(message));
