import { backfillExists, backfillNotFound, countKey } from '../asset-checks.js';
import type {
  BackfillFilter,
  BackfillPartitionPlan,
  BackfillState,
  NewBackfill,
  StoredBackfill,
  StoredBackfillPartition,
} from '../backfills.js';
import type { StoredRunStatus } from '../run-store.js';
import type { Fenced } from '../scheduler-state.js';
import type { RecordChange } from './asset-tables.js';

interface Entry {
  backfill: Omit<StoredBackfill, 'counts'>;
  /** In ord order. */
  readonly plan: { row: BackfillPartitionPlan; runId?: string }[];
}

/**
 * The backfills of a `MemoryStore` and their plans. `runStatus` reads a run's current status
 * (undefined for a run retention removed), so plan rows show it as the SQLite join does.
 */
export class MemoryBackfillTables {
  readonly #backfills = new Map<string, Entry>();
  readonly #record: RecordChange;
  readonly #checkFence: (fenced: Fenced) => void;
  readonly #runStatus: (runId: string) => StoredRunStatus | undefined;

  constructor(
    record: RecordChange,
    checkFence: (fenced: Fenced) => void,
    runStatus: (runId: string) => StoredRunStatus | undefined,
  ) {
    this.#record = record;
    this.#checkFence = checkFence;
    this.#runStatus = runStatus;
  }

  /** The backfill and its plan (checked by the caller); one `backfill.changed` change. */
  create(backfill: NewBackfill, plan: readonly BackfillPartitionPlan[]): void {
    if (this.#backfills.has(backfill.id)) throw backfillExists(backfill.id);
    this.#backfills.set(backfill.id, {
      backfill: { ...backfill, state: 'running', updatedAt: backfill.at },
      plan: [...plan].sort((a, b) => a.ord - b.ord).map((row) => ({ row: { ...row } })),
    });
    this.#record('backfill.changed', backfill.id, backfill.at, { dagId: backfill.dagId });
  }

  /** The plan row of (backfill, DAG, period), for `attachRun`; `BACKFILL_NOT_FOUND` if none. */
  planRow(id: string, dagId: string, periodKey: string): { runId?: string } {
    const row = this.#backfills
      .get(id)
      ?.plan.find((p) => p.row.dagId === dagId && p.row.periodKey === periodKey);
    if (row === undefined) throw backfillNotFound(id, { dagId, periodKey });
    return row;
  }

  get(id: string): StoredBackfill | undefined {
    const entry = this.#backfills.get(id);
    return entry === undefined ? undefined : this.#withCounts(entry);
  }

  list(filter: BackfillFilter = {}): StoredBackfill[] {
    return [...this.#backfills.values()]
      .filter(
        (e) =>
          (filter.dagId === undefined || e.backfill.dagId === filter.dagId) &&
          (filter.state === undefined || e.backfill.state === filter.state),
      )
      .sort(
        (a, b) =>
          b.backfill.at - a.backfill.at ||
          (a.backfill.id < b.backfill.id ? 1 : a.backfill.id > b.backfill.id ? -1 : 0),
      )
      .slice(0, filter.limit ?? 50)
      .map((e) => this.#withCounts(e));
  }

  partitions(id: string): StoredBackfillPartition[] {
    const entry = this.#backfills.get(id);
    if (entry === undefined) throw backfillNotFound(id);
    return entry.plan.map(({ row, runId }) => {
      const runStatus = runId === undefined ? undefined : this.#runStatus(runId);
      return {
        ...row,
        ...(runId === undefined ? {} : { runId }),
        ...(runStatus === undefined ? {} : { runStatus }),
      };
    });
  }

  finish(
    id: string,
    state: Exclude<BackfillState, 'running'>,
    at: number,
    fenced?: Fenced,
  ): boolean {
    if (fenced !== undefined) this.#checkFence(fenced);
    const entry = this.#backfills.get(id);
    if (entry === undefined) throw backfillNotFound(id);
    if (entry.backfill.state !== 'running') return false;
    entry.backfill = { ...entry.backfill, state, updatedAt: at, finishedAt: at };
    this.#record('backfill.changed', id, at, { dagId: entry.backfill.dagId });
    return true;
  }

  #withCounts(entry: Entry): StoredBackfill {
    const counts: Record<string, number> = {};
    for (const { row, runId } of entry.plan) {
      const key = countKey(
        row.state,
        runId !== undefined,
        runId === undefined ? undefined : this.#runStatus(runId),
      );
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return { ...entry.backfill, counts };
  }
}
