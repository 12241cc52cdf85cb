import type { Database } from 'better-sqlite3';
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

interface BackfillRow {
  id: string;
  dag_id: string;
  spec: string;
  created_by: string;
  created_at: number;
  state: string;
  updated_at: number;
  finished_at: number | null;
}

type PlanRow = [
  ord: number,
  dagId: string,
  periodKey: string,
  state: string,
  runId: string | null,
  runStatus: string | null,
];

/**
 * The backfills of a `SqliteStore` and their plans, on its connection. Writes run inside the
 * caller's transaction. A plan is written whole with its backfill; afterwards only a row's
 * `run_id` changes (`attachRun`, in the transaction that creates the run).
 */
export class SqliteBackfillTables {
  readonly #s: ReturnType<typeof prepare>;
  readonly #record: RecordChange;
  readonly #checkFence: (fenced: Fenced) => void;

  constructor(db: Database, record: RecordChange, checkFence: (fenced: Fenced) => void) {
    this.#s = prepare(db);
    this.#record = record;
    this.#checkFence = checkFence;
  }

  /** The backfill, its plan and one `backfill.changed` change; checked by the caller. */
  create(backfill: NewBackfill, plan: readonly BackfillPartitionPlan[]): void {
    if (this.#s.exists.get(backfill.id) !== undefined) throw backfillExists(backfill.id);
    this.#s.insert.run(
      backfill.id,
      backfill.dagId,
      backfill.spec,
      backfill.createdBy,
      backfill.at,
      backfill.at,
    );
    for (const row of plan)
      this.#s.insertRow.run(backfill.id, row.ord, row.dagId, row.periodKey, row.state);
    this.#record('backfill.changed', backfill.id, backfill.at, { dagId: backfill.dagId });
  }

  /** Record `runId` on the plan row of (backfill, DAG, period); `BACKFILL_NOT_FOUND` if none. */
  attachRun(id: string, dagId: string, periodKey: string, runId: string): void {
    if (this.#s.attach.run(runId, id, dagId, periodKey).changes === 0)
      throw backfillNotFound(id, { dagId, periodKey });
  }

  get(id: string): StoredBackfill | undefined {
    const row = this.#s.get.get(id) as BackfillRow | undefined;
    return row === undefined ? undefined : this.#withCounts(row);
  }

  list(filter: BackfillFilter = {}): StoredBackfill[] {
    const rows = this.#s.list.all({
      dag: filter.dagId ?? null,
      state: filter.state ?? null,
      limit: filter.limit ?? 50,
    }) as BackfillRow[];
    return rows.map((row) => this.#withCounts(row));
  }

  /** Plan rows by ord, each with its run's status (a join on the runs primary key). */
  partitions(id: string): StoredBackfillPartition[] {
    const rows = this.#s.plan.raw().all(id) as PlanRow[];
    if (rows.length === 0 && this.#s.exists.get(id) === undefined) throw backfillNotFound(id);
    return rows.map(([ord, dagId, periodKey, state, runId, runStatus]) => ({
      dagId,
      periodKey,
      ord,
      state: state as 'planned' | 'skipped',
      ...(runId === null ? {} : { runId }),
      ...(runStatus === null ? {} : { runStatus: runStatus as StoredRunStatus }),
    }));
  }

  /** Move a running backfill to `state`; false if it had ended. */
  finish(
    id: string,
    state: Exclude<BackfillState, 'running'>,
    at: number,
    fenced?: Fenced,
  ): boolean {
    if (fenced !== undefined) this.#checkFence(fenced);
    const row = this.#s.get.get(id) as BackfillRow | undefined;
    if (row === undefined) throw backfillNotFound(id);
    if (this.#s.finish.run(state, at, at, id).changes === 0) return false;
    this.#record('backfill.changed', id, at, { dagId: row.dag_id });
    return true;
  }

  /** O(plan rows): one grouped scan of the plan joined to runs. */
  #withCounts(row: BackfillRow): StoredBackfill {
    const counts: Record<string, number> = {};
    for (const [state, hasRun, status, n] of this.#s.counts.raw().all(row.id) as [
      string,
      number,
      string | null,
      number,
    ][]) {
      const key = countKey(state as 'planned' | 'skipped', hasRun === 1, status ?? undefined);
      counts[key] = (counts[key] ?? 0) + n;
    }
    return {
      id: row.id,
      dagId: row.dag_id,
      spec: row.spec,
      createdBy: row.created_by,
      at: row.created_at,
      state: row.state as BackfillState,
      updatedAt: row.updated_at,
      ...(row.finished_at === null ? {} : { finishedAt: row.finished_at }),
      counts,
    };
  }
}

function prepare(db: Database) {
  return {
    exists: db.prepare(`SELECT 1 FROM backfills WHERE id = ?`).pluck(),
    insert: db.prepare(
      `INSERT INTO backfills (id, dag_id, spec, created_by, created_at, state, updated_at)
       VALUES (?, ?, ?, ?, ?, 'running', ?)`,
    ),
    insertRow: db.prepare(
      `INSERT INTO backfill_partitions (backfill_id, ord, dag_id, period_key, state) VALUES (?, ?, ?, ?, ?)`,
    ),
    attach: db.prepare(
      `UPDATE backfill_partitions SET run_id = ? WHERE backfill_id = ? AND dag_id = ? AND period_key = ?`,
    ),
    get: db.prepare(`SELECT * FROM backfills WHERE id = ?`),
    list: db.prepare(
      `SELECT * FROM backfills
       WHERE (@dag IS NULL OR dag_id = @dag) AND (@state IS NULL OR state = @state)
       ORDER BY created_at DESC, id DESC LIMIT @limit`,
    ),
    plan: db.prepare(
      `SELECT p.ord, p.dag_id, p.period_key, p.state, p.run_id, runs.status
       FROM backfill_partitions p LEFT JOIN runs ON runs.run_id = p.run_id
       WHERE p.backfill_id = ? ORDER BY p.ord`,
    ),
    counts: db.prepare(
      `SELECT p.state, p.run_id IS NOT NULL, runs.status, count(*)
       FROM backfill_partitions p LEFT JOIN runs ON runs.run_id = p.run_id
       WHERE p.backfill_id = ? GROUP BY 1, 2, 3`,
    ),
    finish: db.prepare(
      `UPDATE backfills SET state = ?, updated_at = ?, finished_at = ? WHERE id = ? AND state = 'running'`,
    ),
  };
}
