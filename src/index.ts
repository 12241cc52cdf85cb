/**
 * Tributary: DAGs that change while they run, survive crashes and depend on each other.
 * This file lists the public surface by name; optional parts have their own subpaths
 * (`tributary/sqlite`).
 */
export { TributaryError, NonRetryableError, ErrorCode } from './errors/index.js';
export type { ErrorContext } from './errors/index.js';

export { DAG, DagBuilder, RunGraph } from './graph/index.js';
export type {
  Connection,
  Costs,
  DagDiff,
  DagEdge,
  DagJSON,
  DagNode,
  DagStats,
  EdgeOptions,
  ExecutionPlan,
  LintOptions,
  LintWarning,
  NodeOptions,
  PlanStep,
  RunGraphBatch,
  RunGraphBatchResult,
  RunGraphEdge,
  WeightedPath,
} from './graph/index.js';

export {
  RunEngine,
  NodeState,
  TriggerRule,
  decide,
  isTerminal,
  DEFAULT_LIMITS,
} from './engine/index.js';
export type {
  CancelReason,
  DynamicEdgeSpec,
  DynamicModification,
  DynamicNodeSpec,
  EdgeCondition,
  EngineObserver,
  EngineOptions,
  EngineSnapshot,
  FailedAttempt,
  ModificationDiff,
  ModificationLimits,
  ModificationRecord,
  NodeSpec,
  RetryPolicy,
  RunEvent,
  RunStatus,
  TaskRegistry,
} from './engine/index.js';

export {
  DAGExecutor,
  DynamicExecutor,
  ExecutionResult,
  mapExpander,
  retryDelay,
} from './executor/index.js';
export type {
  ExecuteOptions,
  ExecutorHooks,
  ExecutorOptions,
  Expander,
  Interceptor,
  MapOptions,
  NodeResult,
  TaskContext,
  TaskFn,
  TaskLogger,
  TaskMap,
} from './executor/index.js';

export { jsonCodec } from './codec/index.js';
export type { Codec } from './codec/index.js';

export { MemoryStore, DEFAULT_LEASE_MS, runLeaseKey } from './store/index.js';
export type {
  Commit,
  Durability,
  Lease,
  LeaseAttempt,
  LeaseStore,
  LogFilter,
  LogLevel,
  LogLine,
  LogSource,
  NewRunRequest,
  RequestOutcome,
  RunFilter,
  RunRecord,
  RunRequest,
  RunRequestKind,
  RunStore,
  RunSummary,
  StoredEvent,
  StoredLogLine,
} from './store/index.js';

export {
  defineDag,
  defineTask,
  startRun,
  resumeRun,
  cancelRun,
  replay,
  loadJournal,
} from './durable/index.js';
export type {
  DagDefinition,
  DagOptions,
  DurableRunOptions,
  JournalEntry,
  ResumeOptions,
  ResumeOutcome,
  TaskDefinition,
} from './durable/index.js';
