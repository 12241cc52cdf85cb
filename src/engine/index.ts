export { RunEngine } from './run-engine.js';
export type { EngineGraph, EngineObserver, EngineOptions, RunStatus } from './engine-options.js';
export type { EngineSnapshot, EngineSnapshotV1 } from './engine-snapshot.js';
export type { FailedAttempt } from './attempts.js';
export { NodeState, TRANSITIONS, isTerminal, isOpen, assertTransition } from './node-state.js';
export type { TerminalState } from './node-state.js';
export { TriggerRule, decide, isTriggerRule } from './trigger-rules.js';
export type { Decision, EdgeCounts } from './trigger-rules.js';
export { isCritical, triggerRuleOf } from './node-spec.js';
export type { EdgeCondition, EdgeSpec, NodeSpec, RetryPolicy } from './node-spec.js';
export { NODE_SPEC_FIELDS, checkNodeSpecFields } from './node-spec-checks.js';
export {
  DEFAULT_LIMITS,
  checkModificationShape,
  checkSerializable,
  findUnserializable,
} from './modification.js';
export { checkRegistered } from './modification-rules.js';
export { checkDuration, checkRetryPolicy } from './policy-checks.js';
export type { TaskRegistry } from './modification-rules.js';
export type {
  DynamicEdgeSpec,
  DynamicModification,
  DynamicNodeSpec,
  ModificationDiff,
  ModificationLimits,
  ModificationRecord,
} from './modification.js';
export { eventNodeState } from './events.js';
export type { CancelReason, MarkState, NodeEvent, RunEvent, RunEventType } from './events.js';
export { clearSelection } from './clear-selection.js';
export type { ClearSelection } from './clear-selection.js';
export type { ReadyQueueState } from './ready-queue.js';
