import type { EngineColumns, EngineScalars } from './engine-snapshot.js';
import type { ReadyQueue, ReadyQueueState } from './ready-queue.js';

/**
 * The state an engine reaches right after construction on an unchanged per-DAG base: every
 * run of that DAG starts from it. Frozen copies, never written: each engine copies the columns
 * it writes and shares the rest (`key`, `depth`) until its first modification.
 */
export interface InitialState {
  readonly columns: Readonly<EngineColumns>;
  readonly scalars: EngineScalars;
  readonly queue: ReadyQueueState;
}

/** By base object (a `RunGraphBase`): lives as long as the base, so as long as its DAG. */
const INITIAL = new WeakMap<object, InitialState>();

/**
 * The remembered initial state of runs on `base`, if one was recorded.
 *
 * @example
 * ```ts
 * const initial = initialStateOf(graph.pristineBase!);
 * ```
 */
export function initialStateOf(base: object): InitialState | undefined {
  return INITIAL.get(base);
}

/**
 * Record what a freshly constructed engine on `base` holds, as copies (the engine goes on to
 * change its own). O(V), once per DAG.
 *
 * @example
 * ```ts
 * rememberInitialState(base, columns, scalars, queue);
 * ```
 */
export function rememberInitialState(
  base: object,
  c: EngineColumns,
  scalars: EngineScalars,
  queue: ReadyQueue,
): void {
  INITIAL.set(base, {
    columns: {
      state: c.state.slice(),
      succeeded: c.succeeded.slice(),
      failed: c.failed.slice(),
      skipped: c.skipped.slice(),
      upstreamFailed: c.upstreamFailed.slice(),
      attempt: c.attempt.slice(),
      result: [],
      error: [],
      startedAt: c.startedAt.slice(),
      attemptStartedAt: c.attemptStartedAt.slice(),
      finishedAt: c.finishedAt.slice(),
      retryAt: c.retryAt.slice(),
      depth: c.depth.slice(),
      key: c.key.slice(),
      terminalOrder: c.terminalOrder.slice(),
      failedAttempts: new Map(),
      modifications: [],
      counts: { ...c.counts },
    },
    scalars: { ...scalars },
    queue: queue.exportState(() => true),
  });
}
