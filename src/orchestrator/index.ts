export {
  definitionsIn,
  importDefinitionModule,
  loadDefinitions,
  pickDefinition,
} from './definition-module.js';
export { expandGlob, isGlob } from './glob.js';
export { checkLintOptions, defineProject, isProjectDefinition } from './project.js';
export type { ProjectDefinition, ProjectLintOptions, ProjectOptions } from './project.js';
export { DagRegistry, DEFAULT_ENVIRONMENT } from './registry.js';
export {
  assetOfVertex,
  assetVertex,
  formatEdgePath,
  isSignalVertex,
  ProjectGraph,
  signalVertex,
} from './project-graph.js';
export type { ProjectEdge, ProjectEdgeKind } from './project-graph.js';
export { checkProjectGraph } from './project-checks.js';
export { dagLineage } from './dag-lineage.js';
export type { DagLineage, LineageEdge } from './dag-lineage.js';
export { DEFAULT_LINT, lintProject } from './project-lint.js';
export type { ProjectLintRule, ProjectLintWarning } from './project-lint.js';
export { describeRunOrigin, parseRunOrigin, runLineage } from './run-lineage.js';
export type { RunLineage, RunOrigin } from './run-lineage.js';
export type { RegisteredDag } from './registry.js';
export {
  CONFIG_NAMES,
  findProjectConfig,
  loadProject,
  loadProjectFrom,
  projectIn,
} from './load-project.js';
export type { Project } from './load-project.js';
export { dependencyReadiness, describeReadiness, readReadiness } from './readiness.js';
export type {
  Blocking,
  Readiness,
  RunFact,
  RunLookup,
  SignalLookup,
  Waiting,
} from './readiness.js';
export { Retention } from './retention.js';
export type { RetentionOptions } from './retention.js';
export { Scheduler, SCHEDULER_LEASE } from './scheduler.js';
export type { SchedulerEvent, SchedulerOptions } from './scheduler.js';
export { assetIndex, checkAssets } from './asset-index.js';
export type { AssetInfo, AssetLeaf } from './asset-index.js';
export { emitAssetEvent } from './asset-emit.js';
export type { AssetEmit } from './asset-emit.js';
export type { ExternalAssetOptions } from './external-assets.js';
export {
  backfillSpec,
  cancelBackfill,
  createBackfill,
  LARGE_BACKFILL,
  previewBackfill,
} from './backfills.js';
export type { BackfillPreview, BackfillRequest, BackfillSpec } from './backfills.js';
export { assetPartitionStatus, dagPartitionStatus } from './partition-status.js';
export type {
  PartitionStatusOptions,
  PartitionReport,
  PartitionState,
  PartitionStatus,
} from './partition-status.js';
