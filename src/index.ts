/**
 * Tributary: DAGs that change while they run, survive crashes and depend on each other.
 * This file lists the public surface by name; optional parts have their own subpaths
 * (`tributary/sqlite`), and the engine internals a custom scheduler builds on are in
 * `tributary/engine` (`src/engine-api.ts`). `DAG` and `DAGExecutor` keep dagron's casing for
 * compatibility; everything newer is spelled `Dag…`.
 */
export { TributaryError, NonRetryableError, ErrorCode } from './errors/index.js';
export type { ErrorContext } from './errors/index.js';

export { DAG, DagBuilder } from './graph/index.js';
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
  WeightedPath,
} from './graph/index.js';

export { NodeState, TriggerRule } from './engine/index.js';
export type {
  CancelReason,
  ClearSelection,
  MarkState,
  DynamicEdgeSpec,
  DynamicModification,
  DynamicNodeSpec,
  EdgeCondition,
  FailedAttempt,
  ModificationDiff,
  ModificationLimits,
  ModificationRecord,
  NodeSpec,
  RetryPolicy,
  RunEvent,
  RunStatus,
} from './engine/index.js';

export { DAGExecutor, DynamicExecutor, mapExpander, closeTaskThreads } from './executor/index.js';
// A type only: executors create results (its constructor takes a `RunEngine`).
export type {
  ExecutionResult,
  ExecuteOptions,
  ExecutorHooks,
  ExecutorOptions,
  Expander,
  Interceptor,
  MapOptions,
  NodeResult,
  RegisteredTask,
  TaskContext,
  TaskFn,
  TaskIsolation,
  TaskLogger,
  TaskMap,
  TaskTrigger,
  TaskResourceLimits,
} from './executor/index.js';

export {
  UNPARTITIONED,
  UNPARTITIONED_SPACE,
  cronSchedule,
  identityMapping,
  requirementMet,
  sameWindowMapping,
} from './time/index.js';
export type {
  CronSchedule,
  CronScheduleOptions,
  MappingSpaces,
  PartitionMapping,
  Period,
  PeriodRangeOptions,
  PeriodSpace,
  UpstreamPeriods,
  UpstreamRequirement,
} from './time/index.js';

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
  StoredRunStatus,
  SignalFilter,
  SignalInput,
  SignalStore,
  StoredSignal,
  Change,
  ChangeKind,
  FeedStore,
  WaitOptions,
  Fenced,
  NewTrigger,
  PausedDag,
  SchedulerStore,
  StoredTrigger,
  TriggerFilter,
  TriggerOutcome,
  AlertKind,
  DeliveryOutcome,
  NewNotification,
  NotificationFilter,
  NotificationStore,
  StoredNotification,
  PruneOptions,
  PruneResult,
  ReclaimOptions,
  SpaceReclaimed,
} from './store/index.js';

export {
  defineDag,
  defineTask,
  startRun,
  resumeRun,
  cancelRun,
  clearRun,
  markNode,
  sensor,
} from './durable/index.js';
export { defineProject, loadProject, DagRegistry, Scheduler } from './orchestrator/index.js';
export type {
  Project,
  ProjectDefinition,
  ProjectOptions,
  RegisteredDag,
  RetentionOptions,
  SchedulerEvent,
  SchedulerOptions,
} from './orchestrator/index.js';
export type {
  DagDefinition,
  DagOptions,
  DurableRunOptions,
  InfoEntry,
  JournalEntry,
  ResumeOptions,
  ResumeOutcome,
  RunControlOptions,
  RunControlOutcome,
  Alert,
  AlertOptions,
  AlertTarget,
  DagAlerts,
  CheckSensorOptions,
  FileSensorOptions,
  HttpSensorOptions,
  RunSensorOptions,
  Sensor,
  SensorContext,
  SensorDefinition,
  SensorKind,
  SensorOptions,
  SignalSensorOptions,
  TaskDefinition,
  TaskOptions,
  DagScheduling,
  ParamsSchema,
  SchemaIssue,
  SchemaResult,
  Dependency,
  DependencyOptions,
  ScheduleOptions,
  SignalDependency,
  SignalDependencyOptions,
  Trigger,
  TriggerOn,
  TriggerOptions,
} from './durable/index.js';
