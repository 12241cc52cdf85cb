export type {
  Commit,
  CreateRunOptions,
  PeriodRun,
  Durability,
  RunFilter,
  RunRecord,
  RunSummary,
  RunStore,
  StoredEvent,
  StoredRunStatus,
} from './run-store.js';
export { DEFAULT_LEASE_MS, runLeaseKey } from './lease.js';
export type { Lease, LeaseAttempt, LeaseStore } from './lease.js';
export type { LogFilter, LogLevel, LogLine, LogSource, StoredLogLine } from './logs.js';
export type { NewRunRequest, RequestOutcome, RunRequest, RunRequestKind } from './requests.js';
export { runNotFound, runPruned } from './errors.js';
export { checkPruneOptions, isFeedCursor, lowestCursor, PRUNABLE_STATUSES } from './retention.js';
export type { PruneOptions, PruneResult, ReclaimOptions, SpaceReclaimed } from './retention.js';
export { MemoryStore } from './memory/memory-store.js';
export { checkSignalKey } from './signals.js';
export type { SignalFilter, SignalInput, SignalStore, StoredSignal } from './signals.js';
export type { Change, ChangeKind, FeedStore, WaitOptions } from './feed.js';
export type {
  Fenced,
  NewTrigger,
  PausedDag,
  SchedulerStore,
  StoredTrigger,
  TriggerFilter,
  TriggerOutcome,
} from './scheduler-state.js';
export type {
  AlertKind,
  DeliveryOutcome,
  NewNotification,
  NotificationFilter,
  NotificationStore,
  StoredNotification,
} from './notifications.js';
export { checkAssetUri } from './assets.js';
export type {
  AssetEventFilter,
  AssetStore,
  NewAssetEvent,
  RunInput,
  StaleInput,
  StoredAssetEvent,
  StoredPartitionKey,
  StoredRunInput,
} from './assets.js';
export type {
  BackfillFilter,
  BackfillPartitionPlan,
  BackfillState,
  BackfillStore,
  NewBackfill,
  StoredBackfill,
  StoredBackfillPartition,
} from './backfills.js';
