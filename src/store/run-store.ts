import type { RunStatus } from '../engine/index.js';
import type { AssetStore, NewAssetEvent, RunInput } from './assets.js';
import type { BackfillStore } from './backfills.js';
import type { FeedStore } from './feed.js';
import type { NotificationStore } from './notifications.js';
import type { LeaseStore } from './lease.js';
import type { NewTrigger, SchedulerStore } from './scheduler-state.js';
import type { SignalStore } from './signals.js';
import type { LogFilter, LogLine, StoredLogLine } from './logs.js';
import type { NewRunRequest, RequestOutcome, RunRequest } from './requests.js';
import type { PruneOptions, PruneResult, ReclaimOptions, SpaceReclaimed } from './retention.js';

/** How hard each commit is made durable. */
export type Durability = 'normal' | 'full';

/**
 * A run's status as stored: the engine's, or `queued` for a run waiting to be started: one the
 * scheduler created whose dependencies or concurrency limit hold it (no journal yet), or a
 * finished run a clear reopened (its journal goes on when it starts again).
 */
export type StoredRunStatus = RunStatus | 'queued';

/** A run as the store keeps it. Times are epoch milliseconds. */
export interface RunRecord {
  readonly runId: string;
  readonly dagId: string;
  readonly status: StoredRunStatus;
  readonly params: Readonly<Record<string, unknown>>;
  /** The key of the run's period (see `Period`); absent for an unpartitioned run. */
  readonly partitionKey?: string;
  /**
   * With `dagId` and `partitionKey`, the run's identity: two runs never share all three.
   * Schedules, triggers and dependencies for one period use `''`, so they land on one run; a
   * manual run without a key is its own identity (absent: the run id is the key).
   */
  readonly runKey?: string;
  /**
   * What made the run: `schedule`, `run:<id>` (a declared trigger of that run), `task:<run>/<node>`
   * (a task's trigger), `cli:<user>` or `api:<user>` (a person). Absent for runs made before
   * origins were recorded.
   */
  readonly origin?: string;
  /** The definition's graph as `DAG.toJSON()` text, for display and drift checks. */
  readonly graph: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly finishedAt?: number;
  /** Absolute path of the definition module, so `resume <runId>` can load it again. */
  readonly module?: string;
  /** How the run's commits are made durable; a resume keeps it. */
  readonly durability?: Durability;
  /** Name of the codec its journal is written with (`json` for the built-in one). */
  readonly codec?: string;
  /**
   * Read only, derived: the holder of the run's lease (see {@link runLeaseKey}) while one holds
   * it. `createRun` ignores it.
   */
  readonly owner?: string;
  /**
   * Read only: when retention removed the run's journal, logs and artifacts, keeping this
   * summary (see {@link RunStore.prune}). `createRun` ignores it.
   */
  readonly prunedAt?: number;
}

/** A run without its graph: what `listRuns` returns (a graph can be megabytes). */
export type RunSummary = Omit<RunRecord, 'graph'>;

/** A journal entry: the event's type and node for queries, and its encoded body. */
export interface StoredEvent {
  /** Position in the run's journal, from 1, gap-free. */
  readonly seq: number;
  readonly type: string;
  readonly node?: string;
  readonly at: number;
  /** The codec's encoding of the whole event. */
  readonly body: string;
}

/** What one atomic commit writes. */
export interface Commit {
  /** New journal entries, continuing the journal. */
  readonly events: readonly StoredEvent[];
  /**
   * Run fields to change; undefined fields are left alone. A run reopened by a clear goes back
   * to `queued` with `finishedAt: null`.
   */
  readonly run?: {
    readonly status?: StoredRunStatus | undefined;
    readonly finishedAt?: number | null | undefined;
  };
  /**
   * The fence of the writer's lease on the run: the commit fails with `LEASE_LOST` (and writes
   * nothing) unless it is the current one. Owners always pass it.
   */
  readonly fence?: number;
  /** Task log lines written since the last commit. */
  readonly logs?: readonly LogLine[];
  /** Triggers this commit fires (a finished run's declared triggers): into the outbox, atomically. */
  readonly triggers?: readonly NewTrigger[];
  /**
   * Asset events this commit records (the materializations of the tasks whose success it
   * holds): stored, with their feed changes, atomically with the entries.
   */
  readonly assets?: readonly NewAssetEvent[];
  /** Requests the entries of this commit dealt with. */
  readonly requests?: readonly RequestOutcome[];
  /** `full`: sync this commit to disk before it returns (where the backend can). */
  readonly durability?: Durability;
}

/** What `createRun` writes with the run, in the same transaction. */
export interface CreateRunOptions {
  /** The asset events the run consumes (an asset-driven run): its inputs from the start. */
  readonly inputs?: readonly RunInput[];
  /**
   * The backfill the run is made for: the plan row of (this backfill, the run's DAG, its
   * period) gets the run's id. `BACKFILL_NOT_FOUND` when there is no such row.
   */
  readonly backfill?: string;
}

/** A period's latest run (see {@link RunStore.latestRunPerPeriod}). */
export interface PeriodRun {
  readonly periodKey: string;
  readonly runId: string;
  readonly status: StoredRunStatus;
  readonly createdAt: number;
}

/** Filters for `listRuns`. */
export interface RunFilter {
  readonly dagId?: string;
  /** Runs of this period only (`''`: unpartitioned runs). */
  readonly periodKey?: string;
  readonly status?: StoredRunStatus;
  /**
   * Runs that run `startedBy` started: origin `run:<startedBy>` (its declared triggers) or
   * `task:<startedBy>/<node>` (a task's trigger).
   */
  readonly startedBy?: string;
  /** Newest first; default 50. */
  readonly limit?: number;
}

/**
 * The narrow storage interface every backend implements (memory, SQLite, PostgreSQL). One
 * operation per method; a commit is atomic; the journal is append-only and gap-free, and an
 * append whose `seq`s do not continue it one by one fails with `STORE_CORRUPT` and writes
 * nothing. Ownership is a lease per run ({@link LeaseStore}, key {@link runLeaseKey}); a commit
 * that carries a stale fence fails with `LEASE_LOST`. Operations on an unknown run fail with
 * `RUN_NOT_FOUND` (`getRun` returns undefined); reading the journal or logs of a run that
 * retention pruned to its summary, or writing to it, fails with `RUN_PRUNED`.
 *
 * @example
 * ```ts
 * await store.createRun(record);
 * const attempt = await store.acquireLease(runLeaseKey(record.runId), owner, 30_000);
 * if (attempt.acquired)
 *   await store.commit(record.runId, { events: [{ seq: 1, type: 'task_started', node: 'a', at, body }], fence: attempt.lease.fence });
 * ```
 */
export interface RunStore
  extends
    LeaseStore,
    SignalStore,
    FeedStore,
    SchedulerStore,
    NotificationStore,
    AssetStore,
    BackfillStore {
  readonly kind: string;
  /**
   * Record a new run. `RUN_EXISTS` when its id is taken, or when a run with the same identity
   * (`dagId`, `partitionKey`, `runKey`) exists: the error's context then has that run's id as
   * `existingRunId`, for callers that want the existing run.
   */
  createRun(record: RunRecord, options?: CreateRunOptions): Promise<void>;
  /**
   * The latest run (by creation) of each period of DAG `dagId` (`''` for unpartitioned runs), in
   * period key order: what partition status reads. One indexed scan.
   */
  latestRunPerPeriod(dagId: string): Promise<PeriodRun[]>;
  /** The run with this identity, if any. */
  findRun(dagId: string, periodKey: string, runKey: string): Promise<RunSummary | undefined>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  listRuns(filter?: RunFilter): Promise<RunSummary[]>;
  commit(runId: string, commit: Commit): Promise<void>;
  /** Journal entries with `seq > afterSeq`, in order. */
  loadEvents(runId: string, afterSeq?: number): Promise<StoredEvent[]>;
  /** Store a request for the run's owner; returns its id. */
  addRequest(runId: string, request: NewRunRequest): Promise<number>;
  /** The run's pending requests in id order: what an owner polls (cheap, indexed). */
  pendingRequests(runId: string): Promise<RunRequest[]>;
  /** One request, pending or completed. */
  getRequest(runId: string, id: number): Promise<RunRequest | undefined>;
  /** Task log lines of a run in commit order. */
  loadLogs(runId: string, filter?: LogFilter): Promise<StoredLogLine[]>;
  /** Keep `body` as the run's snapshot at journal position `seq` (replacing an older one). */
  putSnapshot(runId: string, seq: number, body: string): Promise<void>;
  /** The run's latest snapshot, if any. */
  getSnapshot(runId: string): Promise<{ readonly seq: number; readonly body: string } | undefined>;
  putArtifact(runId: string, key: string, body: string): Promise<void>;
  getArtifact(runId: string, key: string): Promise<string | undefined>;
  /**
   * Remove finished runs' details older than a cutoff, and old feed entries, completed triggers
   * and superseded signal entries, in one transaction; or count them (`dryRun`). Never touches
   * a queued or running run, nor one whose lease is held. The rules are in `retention.ts`.
   */
  prune(options: PruneOptions): Promise<PruneResult>;
  /** Give the space freed by {@link prune} back to the file system, where the backend can. */
  reclaimSpace(options?: ReclaimOptions): Promise<SpaceReclaimed>;
  close(): Promise<void>;
}
