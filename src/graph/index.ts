export { DAG } from './dag.js';
export { DagBuilder } from './builder.js';
export { RunGraph } from './run-graph.js';
export { RunGraphBase } from './run-graph-base.js';
export { keepHiddenClass } from './hidden-classes.js';
export type {
  RunGraphBatch,
  RunGraphBatchResult,
  RunGraphEdge,
  RunGraphNode,
  RunGraphState,
} from './run-graph.js';
export type { Costs, DagEdge, DagNode, EdgeOptions, NodeOptions } from './types.js';
export type { WeightedPath } from './paths.js';
export type { ExecutionPlan, PlanStep } from './plan.js';
export type { Connection } from './transform.js';
export type { DagDiff, DagStats, LintOptions, LintWarning } from './analysis.js';
export type { DagJSON } from './serialize.js';
export type { CoreInput, DagCore } from './core.js';
