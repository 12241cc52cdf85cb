import type { DynamicModification, ModificationRecord, RunEngine } from '../engine/index.js';
import type { Period } from '../time/index.js';
import type { Materialization, TaskContext, TaskLogger, TaskTrigger } from './types.js';

/** What an attempt's context asks of the driver that runs it. */
export interface AttemptHost {
  logFrom(
    ctx: AttemptContext,
    level: Parameters<TaskLogger>[0],
    message: string,
    fields?: Record<string, unknown>,
  ): void;
  modifyFrom(ctx: AttemptContext, modification: DynamicModification): ModificationRecord;
  /** The run's period, if it has one. */
  readonly period: Period | undefined;
  triggerFrom(ctx: AttemptContext, dag: string, options: TaskTrigger): void;
  materializeFrom(ctx: AttemptContext, asset: string, details: Materialization): void;
}

/**
 * The context of one attempt. Upstream results are read from the engine on demand and the
 * logger is made on first use, so building a context costs one small object.
 */
export class AttemptContext implements TaskContext {
  readonly node: string;
  readonly runId: string;
  readonly attempt: number;
  readonly signal: AbortSignal;
  readonly params: Readonly<Record<string, unknown>>;
  /** The node's id in the run graph. */
  readonly id: number;
  /** The driver's record of this attempt: the context is live while it is the active one. */
  launch: unknown;
  /** Bytes this attempt has logged so far (the log sink bounds them). */
  logBytes = 0;
  readonly #engine: RunEngine;
  readonly #host: AttemptHost;
  #log: TaskLogger | undefined;

  constructor(
    engine: RunEngine,
    id: number,
    runId: string,
    attempt: number,
    signal: AbortSignal,
    params: Readonly<Record<string, unknown>>,
    host: AttemptHost,
  ) {
    this.#engine = engine;
    this.#host = host;
    this.id = id;
    this.node = engine.graph.nameOf(id);
    this.runId = runId;
    this.attempt = attempt;
    this.signal = signal;
    this.params = params;
  }

  get log(): TaskLogger {
    return (this.#log ??= (level, message, fields) =>
      this.#host.logFrom(this, level, message, fields));
  }

  get period(): Period | undefined {
    return this.#host.period;
  }

  get input(): unknown {
    return this.#engine.spec(this.id).input;
  }

  get idempotencyKey(): string {
    return `${this.runId}:${this.node}`;
  }

  upstream(name: string): unknown {
    const id = this.#engine.graph.idOf(name);
    return id === undefined || this.#engine.stateOf(id) !== 'succeeded'
      ? undefined
      : this.#engine.resultOf(id);
  }

  get upstreamResults(): ReadonlyMap<string, unknown> {
    const engine = this.#engine;
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
