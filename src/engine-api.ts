/**
 * `tributary/engine`: the pure run state machine and the pieces a scheduler builds on it. For
 * people writing their own driver or scheduler (see docs/engine-api.md); most users want the
 * root `tributary` entry (executors, durable runs) instead. Less stable than the root: these
 * names follow the engine's internals and may change in a minor release.
 */
export { RunEngine, decide, isTerminal, DEFAULT_LIMITS } from './engine/index.js';
export type {
  Decision,
  EdgeCounts,
  EdgeSpec,
  EngineGraph,
  EngineObserver,
  EngineOptions,
  EngineSnapshot,
  EngineSnapshotV1,
  ReadyQueueState,
  TaskRegistry,
  TerminalState,
} from './engine/index.js';

export { RunGraph, RunGraphBase } from './graph/index.js';
export type {
  RunGraphBatch,
  RunGraphBatchResult,
  RunGraphEdge,
  RunGraphNode,
  RunGraphState,
  // The representation behind `DAG` and `DagBuilder`; their constructors are internal.
  CoreInput,
  DagCore,
} from './graph/index.js';

export { retryDelay } from './executor/index.js';

export { replay, loadJournal } from './durable/index.js';
