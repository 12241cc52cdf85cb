import { DAG } from '../graph/index.js';
import type { ModificationRecord, RunEngine, RunStatus } from '../engine/index.js';
import type { NodeResult } from './types.js';

/**
 * The outcome of `execute()`. Counts are exact; `nodeResults` and `graph` are built on first
 * access, so a million-node run does not pay for views nobody reads.
 *
 * `failed` counts failed and timed-out nodes; `skipped` counts skipped and upstream-failed
 * nodes; nodes removed by a modification are in no count (they are in the audit trail).
 */
export class ExecutionResult {
  readonly runId: string;
  readonly status: RunStatus;
  readonly succeeded: number;
  readonly failed: number;
  readonly skipped: number;
  readonly cancelled: number;
  readonly timedOut: number;
  readonly upstreamFailed: number;
  readonly durationMs: number;
  readonly #engine: RunEngine;
  #nodeResults: Map<string, NodeResult> | undefined;
  #graph: DAG | undefined;

  constructor(runId: string, engine: RunEngine, durationMs: number) {
    const c = engine.counts;
    this.runId = runId;
    this.status = engine.status;
    this.succeeded = c.succeeded;
    this.failed = c.failed + c.timed_out;
    this.skipped = c.skipped + c.upstream_failed;
    this.cancelled = c.cancelled;
    this.timedOut = c.timed_out;
    this.upstreamFailed = c.upstream_failed;
    this.durationMs = durationMs;
    this.#engine = engine;
  }

  /** Every node's result, in the order the nodes reached a terminal state. */
  get nodeResults(): ReadonlyMap<string, NodeResult> {
    if (this.#nodeResults === undefined) {
      const engine = this.#engine;
      const out = new Map<string, NodeResult>();
      for (const id of engine.terminalOrder) {
        if (!engine.graph.isLive(id)) continue;
        const attempts = engine.attemptOf(id);
        const attemptErrors = engine.failedAttemptsOf(id);
        const finishedAt = engine.finishedAt(id);
        // The final attempt ended when the node did, unless the node was cancelled while it
        // waited for a retry: then the final attempt is the failed one, ended when it failed.
        const last = attemptErrors[attemptErrors.length - 1];
        const attemptEnd = last?.attempt === attempts ? last.finishedAt : finishedAt;
        const attemptStart = engine.attemptStartedAt(id);
        out.set(engine.graph.nameOf(id), {
          status: engine.stateOf(id),
          result: engine.resultOf(id),
          error: engine.errorOf(id),
          attemptErrors,
          durationMs:
            attemptStart === undefined || attemptEnd === undefined ? 0 : attemptEnd - attemptStart,
          attempts,
          startedAt: engine.startedAt(id),
          finishedAt,
        });
      }
      this.#nodeResults = out;
    }
    return this.#nodeResults;
  }

  /** The run's final graph, dynamic nodes included, as an immutable DAG (payload = node spec). */
  get graph(): DAG {
    if (this.#graph === undefined) {
      const g = this.#engine.graph;
      const builder = DAG.builder();
      const ids = [...g.ids()];
      for (const id of ids) builder.addNode(g.nameOf(id), { payload: g.data(id) });
      for (const id of ids) {
        for (const child of g.successorIds(id)) {
          const data = g.edgeData(id, child);
          builder.addEdge(g.nameOf(id), g.nameOf(child), {
            ...(data?.label === undefined ? {} : { label: data.label }),
            ...(data?.condition === undefined ? {} : { condition: data.condition }),
          });
        }
      }
      this.#graph = builder.build();
    }
    return this.#graph;
  }

  /** The audit trail of modifications, applied and rejected. */
  get modifications(): readonly ModificationRecord[] {
    return this.#engine.modifications;
  }
}
