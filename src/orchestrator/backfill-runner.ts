import { toError, TributaryError } from '../errors/index.js';
import { cancelRun, DueHeap, liveOwner, runPeriod, type DagDefinition } from '../durable/index.js';
import type { Fenced, RunStore, StoredBackfill, StoredRunStatus } from '../store/index.js';
import { UNPARTITIONED, type Period } from '../time/index.js';
import type { EnsureRun } from './asset-runs.js';
import { backfillDags, linkRows, type PlanLink } from './backfill-plan.js';
import { backfillSpec, type BackfillSpec } from './backfills.js';
import type { Project } from './load-project.js';

/*
 * The scheduler's side of backfills. Each running backfill is held in memory as its plan rows
 * in run order, each in one state:
 *
 *   waiting  some row of the plan it waits for has not ended in a status its edge accepts
 *   ready    every row it waits for did (or was skipped): in the ready heap, by order
 *   active   its run is made (queued or running); counts against `maxConcurrent`
 *   ended    its run ended (`status` says how), or it was skipped (its period had succeeded)
 *   blocked  a row it waits for ended in a status its edge does not accept, or is blocked
 *
 * A pass makes runs for ready rows, lowest order first, while fewer than `maxConcurrent` are
 * active. A run that ends settles each row waiting for it: a status the link accepts (success;
 * partial success too for a dependency that accepts it) drops the row's wait count, and a row
 * at zero becomes ready; any other status blocks the row and, transitively, the rows waiting
 * for it. When no row is waiting, ready or active, the backfill ends: `failed` when a row
 * failed, was cancelled or was blocked, else `succeeded`. The plan rows and the runs are the durable truth: after a crash (or when another
 * scheduler takes the role) the state is rebuilt from them, and each run is made under its
 * identity (DAG, period, `backfill:<id>`) with the plan row in the same transaction, so none
 * is made twice. Runs of a backfill fire no declared triggers and drive no asset-driven runs:
 * the plan is the propagation (`propagate: false` suppresses it).
 */

type RowState = 'waiting' | 'ready' | 'active' | 'ended' | 'blocked';

interface Row {
  readonly def: DagDefinition;
  readonly period: Period;
  state: RowState;
  /** How an ended row ended (`succeeded` for a skipped one). */
  status: StoredRunStatus | undefined;
  runId: string | undefined;
  /** Rows of the plan this one still waits for. */
  waiting: number;
  /** Rows that wait for this one, with the statuses of this one that free them. */
  readonly dependents: PlanLink[];
}

interface Active {
  readonly backfill: StoredBackfill;
  readonly spec: BackfillSpec;
  readonly rows: Row[];
  readonly ready: DueHeap;
  active: number;
  open: number;
}

/** Statuses that make a backfill fail when a row ends in them. */
const FAILING: ReadonlySet<StoredRunStatus> = new Set(['failed', 'cancelled']);
const ENDED: ReadonlySet<StoredRunStatus> = new Set([
  'succeeded',
  'partially_succeeded',
  'failed',
  'cancelled',
]);

/** The backfills a scheduler drives (see the comment at the top of this file). */
export class BackfillRunner {
  readonly #project: Project;
  readonly #store: RunStore;
  readonly #ensureRun: EnsureRun;
  readonly #fenced: () => Fenced;
  readonly #now: () => number;
  readonly #onError: (error: unknown) => void;
  readonly #backfills = new Map<string, Active>();
  readonly #byRun = new Map<string, { active: Active; row: number }>();
  #loaded = false;

  constructor(
    project: Project,
    store: RunStore,
    ensureRun: EnsureRun,
    fenced: () => Fenced,
    now: () => number,
    onError: (error: unknown) => void,
  ) {
    this.#project = project;
    this.#store = store;
    this.#ensureRun = ensureRun;
    this.#fenced = fenced;
    this.#now = now;
    this.#onError = onError;
  }

  /** True for a run a backfill held here made. */
  owns(runId: string): boolean {
    return this.#byRun.has(runId);
  }

  /** Forget everything: the role changed hands, and the store is the truth again. */
  reset(): void {
    this.#backfills.clear();
    this.#byRun.clear();
    this.#loaded = false;
  }

  /** A backfill was created or ended (a `backfill.changed` change). */
  async changed(id: string): Promise<void> {
    if (!this.#loaded) return; // the next pass loads every running backfill
    const backfill = await this.#store.getBackfill(id);
    if (backfill === undefined) return;
    const held = this.#backfills.get(id);
    if (backfill.state === 'running' && held === undefined) await this.#load(backfill);
    else if (backfill.state !== 'running' && held !== undefined) await this.#drop(held, backfill);
  }

  /** A run ended with `status`: move its row. */
  runEnded(runId: string, status: StoredRunStatus): void {
    const owner = this.#byRun.get(runId);
    if (owner === undefined || !ENDED.has(status)) return;
    const { active, row } = owner;
    if (active.rows[row]!.state !== 'active') return;
    active.active--;
    this.#settle(active, row, status);
  }

  /** One pass: make the runs that may be made, end the backfills that are over. */
  async step(): Promise<void> {
    if (!this.#loaded) {
      this.#loaded = true;
      for (const backfill of await this.#store.listBackfills({ state: 'running', limit: 1_000 }))
        await this.#load(backfill);
    }
    for (const active of [...this.#backfills.values()]) {
      while (active.ready.size > 0 && active.active < active.spec.maxConcurrent) {
        const i = active.ready.pop();
        const row = active.rows[i]!;
        if (row.state !== 'ready') continue;
        await this.#launch(active, i);
      }
      if (active.open === 0) {
        const failed = active.rows.some(
          (r) => r.state === 'blocked' || (r.status !== undefined && FAILING.has(r.status)),
        );
        await this.#store.finishBackfill(
          active.backfill.id,
          failed ? 'failed' : 'succeeded',
          Date.now(),
          this.#fenced(),
        );
        this.#forget(active);
      }
    }
  }

  async #launch(active: Active, i: number): Promise<void> {
    const row = active.rows[i]!;
    const id = active.backfill.id;
    let runId: string;
    try {
      runId = await this.#ensureRun(row.def, row.period, `backfill:${id}`, `backfill:${id}`, {
        backfill: id,
      });
    } catch (error) {
      if (error instanceof TributaryError && error.code === 'LEASE_LOST') throw error;
      // A run that cannot be made (params its schema refuses now): the row fails, reported.
      this.#onError(
        new TributaryError(
          error instanceof TributaryError ? error.code : 'INTERNAL',
          `Backfill ${id} could not make the run of ${row.def.id} for ${row.period.key}: ${toError(error).message}`,
          { cause: error },
        ),
      );
      this.#settle(active, i, 'failed');
      return;
    }
    row.state = 'active';
    row.runId = runId;
    active.active++;
    this.#byRun.set(runId, { active, row: i });
    // A run found rather than made may have ended already (a pass repeated after a crash).
    const run = await this.#store.getRun(runId);
    if (run !== undefined && ENDED.has(run.status)) this.runEnded(runId, run.status);
  }

  /** Rebuild a running backfill's state from its plan rows and their runs. */
  async #load(backfill: StoredBackfill): Promise<void> {
    const spec = backfillSpec(backfill);
    const dags = this.#project.dags;
    const root = dags.get(backfill.dagId)?.definition;
    if (root === undefined) return; // not this project's
    const stored = await this.#store.backfillPartitions(backfill.id);
    const order = backfillDags(dags, root, spec.propagate);
    const rows: { def: DagDefinition; period: Period }[] = [];
    for (const r of stored) {
      const def = dags.get(r.dagId)?.definition;
      if (def === undefined) {
        this.#onError(
          new Error(
            `Backfill ${backfill.id} plans DAG "${r.dagId}", which the project no longer has`,
          ),
        );
        return;
      }
      rows.push({ def, period: runPeriod(def, r.periodKey) ?? UNPARTITIONED });
    }
    const linked = linkRows(
      dags,
      order,
      rows.map((r) => ({ dagId: r.def.id, period: r.period })),
      this.#now(),
    );
    const active: Active = { backfill, spec, rows: [], ready: new DueHeap(), active: 0, open: 0 };
    stored.forEach((r, i) => {
      const ended =
        r.runId === undefined
          ? r.state === 'skipped'
            ? 'succeeded'
            : undefined
          : r.runStatus !== undefined && ENDED.has(r.runStatus)
            ? r.runStatus
            : undefined;
      active.rows.push({
        def: rows[i]!.def,
        period: rows[i]!.period,
        state: ended !== undefined ? 'ended' : r.runId === undefined ? 'waiting' : 'active',
        status: ended,
        runId: r.runId,
        waiting: 0,
        dependents: [],
      });
    });
    linked.forEach(({ upstream }, i) => {
      for (const link of upstream)
        active.rows[link.row]!.dependents.push({ row: i, accept: link.accept });
    });
    this.#backfills.set(backfill.id, active);
    active.rows.forEach((row, i) => {
      if (row.state === 'active') {
        active.active++;
        this.#byRun.set(row.runId!, { active, row: i });
      }
      if (row.state !== 'ended') active.open++;
    });
    // Wait counts from the rows not ended yet; then the ended rows settle their dependents.
    linked.forEach(({ upstream }, i) => {
      const row = active.rows[i]!;
      if (row.state === 'waiting')
        row.waiting = upstream.filter((l) => active.rows[l.row]!.state !== 'ended').length;
    });
    active.rows.forEach((row) => {
      if (row.state !== 'ended') return;
      for (const link of row.dependents) {
        const dependent = active.rows[link.row]!;
        if (dependent.state === 'waiting' && !link.accept.has(row.status!))
          this.#block(active, link.row);
      }
    });
    active.rows.forEach((row, i) => {
      if (row.state === 'waiting' && row.waiting === 0) {
        row.state = 'ready';
        active.ready.push(i, i);
      }
    });
  }

  /** A row's run ended with `status`: free the rows whose link accepts it, block the others. */
  #settle(active: Active, i: number, status: StoredRunStatus): void {
    const row = active.rows[i]!;
    row.state = 'ended';
    row.status = status;
    active.open--;
    for (const link of row.dependents) {
      const dependent = active.rows[link.row]!;
      if (dependent.state !== 'waiting') continue;
      if (!link.accept.has(status)) this.#block(active, link.row);
      else if (--dependent.waiting === 0) {
        dependent.state = 'ready';
        active.ready.push(link.row, link.row);
      }
    }
  }

  /** Block row `i` and every row that waits for it, directly or not. */
  #block(active: Active, i: number): void {
    const stack = [i];
    while (stack.length > 0) {
      const row = active.rows[stack.pop()!]!;
      if (row.state !== 'waiting' && row.state !== 'ready') continue;
      row.state = 'blocked';
      active.open--;
      for (const link of row.dependents) stack.push(link.row);
    }
  }

  /** A backfill ended elsewhere (cancelled): stop its runs that have not ended. */
  async #drop(active: Active, backfill: StoredBackfill): Promise<void> {
    this.#forget(active);
    if (backfill.state !== 'cancelled') return;
    for (const row of active.rows) {
      if (row.state !== 'active' || row.runId === undefined) continue;
      try {
        if ((await liveOwner(this.#store, row.runId)) !== undefined) {
          await this.#store.addRequest(row.runId, {
            kind: 'cancel',
            actor: `backfill:${backfill.id}`,
            at: Date.now(),
          });
        } else {
          await cancelRun(row.def, row.runId, { store: this.#store });
        }
      } catch (error) {
        this.#onError(error);
      }
    }
  }

  #forget(active: Active): void {
    this.#backfills.delete(active.backfill.id);
    for (const row of active.rows) if (row.runId !== undefined) this.#byRun.delete(row.runId);
  }
}
