export {
  adoptDefinition,
  defineDag,
  defineTask,
  isDagDefinition,
  isEnvironmentName,
  isTaskDefinition,
} from './define.js';
export type { DagDefinition, DagOptions, TaskDefinition, TaskOptions } from './define.js';
export { queueRun, startRun } from './start-run.js';
export { cancelRun, codecOf, resumeRun } from './resume-run.js';
export type { DurableRunOptions, ResumeOptions, ResumeOutcome } from './options.js';
export { isOwnerAlive, newOwnerId } from './owner.js';
export { liveOwner, takeLease } from './run-lease.js';
export { clearRun, markNode } from './run-control.js';
export type { RunControlOptions, RunControlOutcome } from './run-control.js';
export type { Control, ControlRequest } from './control-event.js';
export { loadJournal, replay } from './replay.js';
export type { InfoEntry, JournalEntry } from './journal-entry.js';
export { viewRun } from './run-view.js';
export type { NodeView, RunView } from './run-view.js';
export { dagScheduling } from './scheduling.js';
export { referencedDags } from './references.js';
export type { DagReference, ReferenceKind } from './references.js';
export { isSensorDefinition, sensor } from './sensors.js';
export { dagAlerts } from './alerts.js';
export type { Alert, AlertOptions, AlertTarget, DagAlerts } from './alerts.js';
export { httpRequest } from './http-request.js';
export type { HttpAnswer } from './http-request.js';
export type {
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
} from './sensors.js';
export type {
  DagScheduling,
  Dependency,
  DependencyOptions,
  ScheduleOptions,
  SignalDependency,
  SignalDependencyOptions,
  Trigger,
  TriggerOn,
  TriggerOptions,
} from './scheduling.js';
export { checkParams, isParamsSchema } from './params-schema.js';
export type { ParamsSchema, SchemaIssue, SchemaResult } from './params-schema.js';
export { runPeriod } from './run-period.js';
export {
  allOf,
  anyOf,
  asset,
  assetConditionOf,
  conditionAssets,
  conditionLeaves,
  describeCondition,
  evaluateCondition,
} from './asset-conditions.js';
export type { AssetCondition, AssetConditionInput } from './asset-conditions.js';
export { dagAssets } from './assets.js';
export type { DagAssets, ProducedAsset, ProducedAssetOptions } from './assets.js';
export { checkMaterialization, dataVersionOf, materializationEvents } from './asset-events.js';
export { DueHeap } from './due-heap.js';
