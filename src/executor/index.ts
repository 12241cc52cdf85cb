export { DAGExecutor, DynamicExecutor, runGraphFromDag } from './dag-executor.js';
export type { TaskMap } from './dag-executor.js';
export { ExecutionResult } from './execution-result.js';
export { RunDriver } from './run-driver.js';
export type { DriverConfig } from './run-driver.js';
export { retryDelay } from './retry.js';
export type {
  ExecuteOptions,
  ExecutorHooks,
  ExecutorOptions,
  Expander,
  Interceptor,
  NodeResult,
  TaskContext,
  TaskFn,
  TaskLogger,
} from './types.js';
export { mapExpander } from './map-expander.js';
export type { MapOptions } from './map-expander.js';
