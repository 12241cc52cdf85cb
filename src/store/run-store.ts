import type { RunStatus } from '../engine/run-engine.js';

/** A run as the store keeps it. Times are epoch milliseconds. */
export interface RunRecord {
  readonly runId: string;
  readonly dagId: string;
  readonly status: RunStatus;
  readonly params: Readonly<Record<string, unknown>>;
  readonly partitionKey?: string;
  /** The definition's graph as `DAG.toJSON()` text, for display and drift checks. */
  readonly graph: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly finishedAt?: number;
  /** Set by `cancel` from another process; the owner stops the run when it sees it. */
  readonly cancelRequestedAt?: number;
  /** Process that runs it now (host:pid), if any. */
  readonly owner?: string;
  /** Absolute path of the definition module, so `resume <runId>` can load it again. */
  readonly module?: string;
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

/** What one atomic commit writes: new journal entries and, optionally, run fields. */
export interface Commit {
  readonly events: readonly StoredEvent[];
  readonly run?: Partial<Pick<RunRecord, 'status' | 'finishedAt' | 'owner' | 'cancelRequestedAt'>>;
}

/** Filters for `listRuns`. */
export interface RunFilter {
  readonly dagId?: string;
  readonly status?: RunStatus;
  /** Newest first; default 50. */
  readonly limit?: number;
}

/** How hard each commit is made durable. */
export type Durability = 'normal' | 'full';

/**
 * The narrow storage interface every backend implements (memory, SQLite, PostgreSQL). One
 * operation per method; a commit is atomic; the journal is append-only and gap-free, and an
 * append whose `seq`s do not continue it one by one fails with `STORE_CORRUPT` (two writers)
 * and writes nothing. In `Commit.run`, undefined fields are left alone and `owner: ''` clears
 * the owner. `commit`, `loadEvents` and `requestCancel` of an unknown run fail with
 * `RUN_NOT_FOUND`.
 *
 * @example
 * ```ts
 * await store.createRun(record);
 * await store.commit(record.runId, { events: [{ seq: 1, type: 'task_started', node: 'a', at, body }] });
 * ```
 */
export interface RunStore {
  readonly kind: string;
  createRun(record: RunRecord): Promise<void>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  listRuns(filter?: RunFilter): Promise<RunSummary[]>;
  commit(runId: string, commit: Commit): Promise<void>;
  /** Journal entries with `seq > afterSeq`, in order; `RUN_NOT_FOUND` for an unknown run. */
  loadEvents(runId: string, afterSeq?: number): Promise<StoredEvent[]>;
  /** Ask the owner of a run to cancel it. */
  requestCancel(runId: string, at: number): Promise<void>;
  /** Whether a cancel was requested: what a run's owner polls (cheap, unlike `getRun`). */
  isCancelRequested(runId: string): Promise<boolean>;
  /** Keep `body` as the run's snapshot at journal position `seq` (replacing an older one). */
  putSnapshot(runId: string, seq: number, body: string): Promise<void>;
  /** The run's latest snapshot, if any. */
  getSnapshot(runId: string): Promise<{ readonly seq: number; readonly body: string } | undefined>;
  putArtifact(runId: string, key: string, body: string): Promise<void>;
  getArtifact(runId: string, key: string): Promise<string | undefined>;
  close(): Promise<void>;
}
