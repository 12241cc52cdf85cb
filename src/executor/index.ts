export { DAGExecutor, DynamicExecutor, runGraphFromDag } from './dag-executor.js';
export type { TaskMap } from './dag-executor.js';
export { ExecutionResult } from './execution-result.js';
export { RunDriver, YIELD_MS, YIELD_STEPS } from './run-driver.js';
export type { DriverConfig, LogRecord } from './run-driver.js';
export type { AttemptHandoff } from './task-context.js';
export type { NodeWaits, WaitOutcome } from './node-waits.js';
export { AttemptContext } from './task-context.js';
export { createTaskResolver } from './task-resolver.js';
export type {
  PatternExpander,
  RegisteredTask,
  TaskResolver,
  TaskResolverInput,
} from './task-resolver.js';
export { retryDelay } from './retry.js';
export { isThenable } from './thenable.js';
export { checkExecutorOptions } from './options.js';
export { wallClock } from './clock.js';
export type {
  ExecuteOptions,
  ExecutorHooks,
  ExecutorOptions,
  Expander,
  Interceptor,
  Materialization,
  NodeResult,
  TaskContext,
  TaskFn,
  TaskLogger,
  TaskTrigger,
} from './types.js';
export { mapExpander } from './map-expander.js';
export type { MapOptions } from './map-expander.js';
export { importModule } from './import-module.js';
export { checkIsolation } from './isolation/options.js';
export type { TaskIsolation, TaskResourceLimits } from './isolation/options.js';
export { callerModule } from './isolation/caller-module.js';
export { closeTaskThreads } from './isolation/isolated-task.js';
export { TASK_DEFINITION, DAG_DEFINITION } from './isolation/task-lookup.js';
