import { invalidArgument } from '../errors/index.js';
import type { StoredRunStatus } from './run-store.js';

/**
 * Retention: what {@link RunStore.prune} removes and what it never touches.
 *
 * - **Runs.** Only finished runs (`succeeded`, `partially_succeeded`, `failed`, `cancelled`)
 *   whose `finishedAt` is before the cutoff, and never one whose lease is held (a clear or a
 *   mark working on it). A queued or running run is never touched.
 * - **Summaries** (the default): the run's row stays with its status, times, params, identity,
 *   origin and definition graph, so `tributary runs` lists it, a dependency on it is still met
 *   and a schedule firing its period again finds it instead of running it twice. Its journal,
 *   snapshot, logs, artifacts and requests go; the row gets `prunedAt`, and reading its journal
 *   or logs, or writing to it, fails with `RUN_PRUNED`.
 * - **Dropped summaries** (`keepSummaries: false`): the row and its graph go too, which frees
 *   the run's identity: a schedule or trigger asking for that period again makes a new run.
 * - **The change feed**: entries older than the cutoff *and* below every feed cursor (marks
 *   named `feed` or `feed:<reader>`, see {@link isFeedCursor}). With no cursor, nothing: a reader
 *   that has not started reads from the beginning. The newest entry always stays (its seq is the
 *   feed's head), and a reader reads `seq > cursor`, so a gap below a cursor loses nothing.
 * - **Triggers**: `done` and `refused` ones older than the cutoff; pending ones never.
 * - **Signals**: entries of a signal's history older than the cutoff, except the latest entry of
 *   each (name, period), which is its current value.
 *
 * - **Asset history is kept**: asset events, run inputs, dynamic partition keys and backfills
 *   are lineage, and never pruned. A run's inputs outlive even a dropped summary: they are what
 *   says its DAG consumed those events, so dropping a run never makes an asset-driven DAG
 *   consume an event again.
 * - **A backfill's plan row whose run was removed whole** keeps the run id (the plan says which
 *   run it made), without a `runStatus`; its backfill's `counts` count it as `removed`. Only
 *   finished runs are removed, so the row is done: nothing waits on it, and a backfill never
 *   makes a second run for a row that has a run id.
 *
 * With `dagId`, only that DAG's runs, triggers and feed entries; signals belong to no DAG and are
 * left alone.
 */

/** The statuses of a finished run: the only ones retention prunes. */
export const PRUNABLE_STATUSES: readonly StoredRunStatus[] = [
  'succeeded',
  'partially_succeeded',
  'failed',
  'cancelled',
];

/**
 * What {@link RunStore.prune} removes.
 *
 * @example
 * ```ts
 * const options: PruneOptions = { before: Date.now() - 30 * 86_400_000, dryRun: true };
 * ```
 */
export interface PruneOptions {
  /** The cutoff, epoch ms: runs that finished before it, entries written before it. */
  readonly before: number;
  /** Only this DAG's runs, triggers and feed entries (signals are left alone). */
  readonly dagId?: string;
  /** Keep each pruned run's row (see the module comment). Default true. */
  readonly keepSummaries?: boolean;
  /** Count what would be removed, and remove nothing. */
  readonly dryRun?: boolean;
}

/**
 * What {@link RunStore.prune} removed (or, in a dry run, would remove).
 *
 * @example
 * ```ts
 * const result = await store.prune({ before: cutoff });
 * console.log(`${result.runs} runs, ${result.journalEntries} journal entries`);
 * ```
 */
export interface PruneResult {
  readonly dryRun: boolean;
  /** Runs pruned: kept as summaries, or removed whole. */
  readonly runs: number;
  /** Their ids, oldest finish first. */
  readonly runIds: readonly string[];
  /** Of those, how many were removed whole (summaries dropped). */
  readonly summariesDropped: number;
  /** Journal entries (events) removed. */
  readonly journalEntries: number;
  readonly snapshots: number;
  readonly logLines: number;
  readonly artifacts: number;
  readonly requests: number;
  readonly feedChanges: number;
  readonly triggers: number;
  readonly signalEntries: number;
  /** Finished runs old enough that were left alone because a lease on them is held. */
  readonly leased: readonly string[];
}

/**
 * How {@link RunStore.reclaimSpace} gives freed space back to the file system.
 *
 * @example
 * ```ts
 * await store.reclaimSpace({ full: true }); // SQLite: VACUUM
 * ```
 */
export interface ReclaimOptions {
  /**
   * Rewrite the whole database (SQLite `VACUUM`: needs up to twice its size on disk, and holds
   * the write lock meanwhile). Otherwise only what is cheap: an incremental vacuum where the
   * database allows it.
   */
  readonly full?: boolean;
}

/**
 * What {@link RunStore.reclaimSpace} did; sizes in bytes (the database's pages).
 *
 * @example
 * ```ts
 * const { method, bytesBefore, bytesAfter } = await store.reclaimSpace();
 * ```
 */
export interface SpaceReclaimed {
  /**
   * `vacuum` (a full rewrite), `incremental` (free pages returned), or `none`: a backend with no
   * file, or a SQLite database created before incremental vacuum was enabled (use `full`).
   */
  readonly method: 'vacuum' | 'incremental' | 'none';
  readonly bytesBefore: number;
  readonly bytesAfter: number;
}

/**
 * True for a mark that is a change-feed cursor: `feed` (the scheduler's) or `feed:<reader>`.
 * Feed entries at or above the lowest cursor are never pruned.
 *
 * @example
 * ```ts
 * isFeedCursor('feed'); // true
 * isFeedCursor('schedule:sales'); // false
 * ```
 */
export function isFeedCursor(name: string): boolean {
  return name === 'feed' || name.startsWith('feed:');
}

/**
 * The lowest feed cursor among `marks` (name, value), or undefined when there is none (then no
 * feed entry may be pruned). A cursor that is not a number counts as 0: nothing below it.
 *
 * @example
 * ```ts
 * lowestCursor([['feed', '42'], ['feed:sensors', '17']]); // 17
 * ```
 */
export function lowestCursor(marks: Iterable<readonly [string, string]>): number | undefined {
  let lowest: number | undefined;
  for (const [name, value] of marks) {
    if (!isFeedCursor(name)) continue;
    const n = Number(value);
    const cursor = Number.isFinite(n) ? n : 0;
    lowest = lowest === undefined ? cursor : Math.min(lowest, cursor);
  }
  return lowest;
}

/**
 * Check {@link PruneOptions} at the store's boundary; `INVALID_ARGUMENT` quoting what was received.
 *
 * @example
 * ```ts
 * checkPruneOptions({ before: Date.now() });
 * ```
 */
export function checkPruneOptions(options: PruneOptions): void {
  if (typeof options !== 'object' || options === null)
    invalidArgument('the prune options', 'an object', options);
  if (typeof options.before !== 'number' || !Number.isFinite(options.before))
    invalidArgument('`before` of prune', 'a finite number of epoch milliseconds', options.before);
  if (options.dagId !== undefined && (typeof options.dagId !== 'string' || options.dagId === ''))
    invalidArgument('`dagId` of prune', 'a non-empty string', options.dagId);
}
