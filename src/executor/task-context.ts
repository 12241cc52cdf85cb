import type { RunEngine } from '../engine/run-engine.js';
import type { TaskContext, TaskLogger } from './types.js';

/**
 * The context of one attempt. Upstream results are read from the engine on demand, so
 * building a context costs one small object.
 */
export class AttemptContext implements TaskContext {
  readonly node: string;
  readonly runId: string;
  readonly attempt: number;
  readonly signal: AbortSignal;
  readonly params: Readonly<Record<string, unknown>>;
  readonly log: TaskLogger;
  readonly #engine: RunEngine;
  readonly #id: number;

  constructor(
    engine: RunEngine,
    id: number,
    runId: string,
    attempt: number,
    signal: AbortSignal,
    params: Readonly<Record<string, unknown>>,
    log: TaskLogger,
  ) {
    this.#engine = engine;
    this.#id = id;
    this.node = engine.graph.nameOf(id);
    this.runId = runId;
    this.attempt = attempt;
    this.signal = signal;
    this.params = params;
    this.log = log;
  }

  get input(): unknown {
    return this.#engine.spec(this.#id).input;
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
    for (const parent of engine.graph.predecessorIds(this.#id)) {
      if (engine.stateOf(parent) === 'succeeded')
        out.set(engine.graph.nameOf(parent), engine.resultOf(parent));
    }
    return out;
  }
}
