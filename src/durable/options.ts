import type { Codec } from '../codec/index.js';
import type { ExecutionResult, ExecutorHooks, Interceptor, TaskLogger } from '../executor/index.js';
import type { Durability, RunRecord, RunStore } from '../store/index.js';
import type { DagDefinition } from './define.js';

/** Options of {@link startRun} and {@link resumeRun}. */
export interface DurableRunOptions {
  readonly store: RunStore;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly runId?: string;
  /** The key of the run's period (see `Period`); absent for an unpartitioned run. */
  readonly partitionKey?: string;
  /**
   * With the DAG and the period, the run's identity (see `RunRecord.runKey`): starting a run
   * whose identity exists fails with `RUN_EXISTS` (`context.existingRunId` names it). Absent:
   * the run id, so a manual run never collides.
   */
  readonly runKey?: string;
  /** What makes the run, recorded with it (see `RunRecord.origin`): `cli:<user>`, `schedule`, ... */
  readonly origin?: string;
  /** Absolute path of the definition module, recorded so `resume <runId>` can reload it. */
  readonly module?: string;
  /** How results and events are encoded. Recorded by name with the run; a resume must use the same. */
  readonly codec?: Codec;
  /**
   * `full`: every commit of this run is synced to disk before the run goes on (survives a power
   * loss). Recorded with the run: a resume keeps it unless it says otherwise. Default `normal`.
   */
  readonly durability?: Durability;
  /** Results whose encoding exceeds this many characters go to the artifact area. Default 256 KiB. */
  readonly artifactThreshold?: number;
  /** A group commit holds at most this many journal entries. Default 1,000. */
  readonly maxCommitEntries?: number;
  /** ...and at most about this many characters of entries and logs. Default 1 MiB. */
  readonly maxCommitBytes?: number;
  /** Log characters kept per task attempt; the rest is cut with one marker line. Default 256 KiB. */
  readonly maxLogBytes?: number;
  /**
   * Keep what tasks write to the console with the run's logs too (attributed to the attempt
   * through async context; the output still reaches the terminal). The CLI turns it on.
   */
  readonly captureConsole?: boolean;
  readonly signal?: AbortSignal;
  /**
   * Other DAGs' definitions by id, so a run sensor maps this run's period onto its upstream's
   * periods (the scheduler passes its project's). Without it, the upstream period is the one
   * with this run's key.
   */
  readonly dags?: (id: string) => DagDefinition | undefined;
  /** Called once the run is recorded and this process owns it, before any task starts. */
  readonly onCreated?: (runId: string) => void;
  readonly hooks?: ExecutorHooks;
  readonly interceptors?: readonly Interceptor[];
  readonly logger?: TaskLogger;
  /** How often the owner looks for requests (cancel, modify) from other processes, in ms. Default 250. */
  readonly pollMs?: number;
  /** The run's lease time in ms; the owner renews it every third. Default 30,000. */
  readonly leaseMs?: number;
  /**
   * Journal entries between engine snapshots (at least twice the graph size). A resume restores
   * the latest snapshot and replays only the entries after it. Default 10,000.
   */
  readonly snapshotEvery?: number;
}

/** Options of {@link resumeRun}. */
export interface ResumeOptions extends Omit<
  DurableRunOptions,
  'params' | 'runId' | 'partitionKey' | 'runKey' | 'module' | 'origin'
> {
  /**
   * Take the run's lease even when its owner looks alive: for an owner on another host that is
   * known to be gone, or a pid that was reused. The old owner, if it runs after all, can no
   * longer write (its commits are fenced off) and stops.
   */
  readonly force?: boolean;
}

/** What `resumeRun` did. */
export type ResumeOutcome =
  | {
      readonly resumed: true;
      readonly result: ExecutionResult;
      readonly interrupted: readonly string[];
    }
  | { readonly resumed: false; readonly run: RunRecord };
