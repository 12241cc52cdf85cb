import type { DynamicModification, ModificationRecord, RunEngine } from '../engine/index.js';
import { keepHiddenClass } from '../graph/index.js';
import type { Period } from '../time/index.js';
import type { Materialization, TaskContext, TaskLogger, TaskTrigger } from './types.js';

/** What an attempt's context asks of the driver that runs it. */
export interface AttemptHost {
  readonly engine: RunEngine;
  readonly runId: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** The signal of every attempt without a controller of its own: the run's. */
  readonly signal: AbortSignal;
  /** The run's period, if it has one. */
  readonly period: Period | undefined;
  logFrom(
    ctx: AttemptContext,
    level: Parameters<TaskLogger>[0],
    message: string,
    fields?: Record<string, unknown>,
  ): void;
  modifyFrom(ctx: AttemptContext, modification: DynamicModification): ModificationRecord;
  triggerFrom(ctx: AttemptContext, dag: string, options: TaskTrigger): void;
  materializeFrom(ctx: AttemptContext, asset: string, details: Materialization): void;
}

/** What a succeeding attempt hands over (see `DriverConfig.onHandoff`). */
export interface AttemptHandoff {
  readonly triggers: { dag: string; options: TaskTrigger }[];
  /** The `ctx.materialize` calls, by asset (the last call for an asset wins). */
  readonly materializations: Map<string, Materialization>;
}

/**
 * One attempt: the context its task receives and the driver's record of it, in one object
 * (the driver accepts an outcome only while this object is the node's active attempt).
 * What the run shares (its id, params, signal, engine) is read through the host, upstream
 * results from the engine on demand, and the logger is made on first use: the driver keeps no
 * second record of the attempt, and the context holds no per-run values.
 */
export class AttemptContext implements TaskContext {
  /** The node's id in the run graph. */
  readonly id: number;
  readonly node: string;
  readonly attempt: number;
  /**
   * This attempt's own controller, where the run's will not do: a timeout aborts this attempt
   * alone, and a cleanup node keeps running when fail-fast aborts the rest. Else undefined,
   * and the attempt has the run's signal.
   */
  readonly controller: AbortController | undefined;
  /** The attempt's timeout, if it has one. */
  readonly timeoutMs: number | undefined;
  /** The timer of that timeout. */
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** What the task asked to trigger and told of its assets; handed over only if it succeeds. */
  handoff: AttemptHandoff | undefined = undefined;
  /** Bytes this attempt has logged so far (the log sink bounds them). */
  logBytes = 0;
  readonly #host: AttemptHost;
  #log: TaskLogger | undefined = undefined;

  constructor(
    host: AttemptHost,
    id: number,
    node: string,
    attempt: number,
    controller: AbortController | undefined,
    timeoutMs: number | undefined,
  ) {
    this.#host = host;
    this.id = id;
    this.node = node;
    this.attempt = attempt;
    this.controller = controller;
    this.timeoutMs = timeoutMs;
  }

  get runId(): string {
    return this.#host.runId;
  }

  get signal(): AbortSignal {
    return this.controller === undefined ? this.#host.signal : this.controller.signal;
  }

  get params(): Readonly<Record<string, unknown>> {
    return this.#host.params;
  }

  get log(): TaskLogger {
    return (this.#log ??= (level, message, fields) =>
      this.#host.logFrom(this, level, message, fields));
  }

  get period(): Period | undefined {
    return this.#host.period;
  }

  get input(): unknown {
    return this.#host.engine.spec(this.id).input;
  }

  get idempotencyKey(): string {
    return `${this.runId}:${this.node}`;
  }

  upstream(name: string): unknown {
    const engine = this.#host.engine;
    const id = engine.graph.idOf(name);
    return id === undefined || engine.stateOf(id) !== 'succeeded' ? undefined : engine.resultOf(id);
  }

  get upstreamResults(): ReadonlyMap<string, unknown> {
    const engine = this.#host.engine;
    const out = new Map<string, unknown>();
    for (const parent of engine.graph.predecessorIds(this.id)) {
      if (engine.stateOf(parent) === 'succeeded')
        out.set(engine.graph.nameOf(parent), engine.resultOf(parent));
    }
    return out;
  }

  modify(modification: DynamicModification): ModificationRecord {
    return this.#host.modifyFrom(this, modification);
  }

  trigger(dag: string, options: TaskTrigger = {}): void {
    this.#host.triggerFrom(this, dag, options);
  }

  materialize(asset: string, details: Materialization = {}): void {
    this.#host.materializeFrom(this, asset, details);
  }
}

// Every attempt of a run dies with the run: keep one context so its hidden class outlives it
// (see graph/hidden-classes.ts). Its host is never called.
keepHiddenClass(
  new AttemptContext(Object.freeze({}) as AttemptHost, -1, '', 0, undefined, undefined),
);
