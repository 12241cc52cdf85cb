import { cancelRun, DueHeap, liveOwner, runPeriod, type DagDefinition } from '../durable/index.js';
import type { Fenced, RunStore, StoredBackfill, StoredRunStatus } from '../store/index.js';
import { UNPARTITIONED, type Period } from '../time/index.js';
import type { EnsureRun } from './asset-runs.js';
import { backfillDags, linkRows } from './backfill-plan.js';
import { backfillSpec, type BackfillSpec } from './backfills.js';
import type { Project } from './load-project.js';

/*
 * The scheduler's side of backfills. Each running backfill is held in memory as its plan rows
 * in run order, each in one state:
 *
 *   waiting  some row of the plan it waits for has not succeeded yet
 *   ready    every row it waits for succeeded (or was skipped): in the ready heap, by order
 *   active   its run is made (queued or running); counts against `maxConcurrent`
 *   done     its run succeeded, or it was skipped (its period had already succeeded)
 *   failed   its run ended otherwise (failed, partially succeeded, cancelled)
 *   blocked  a row it waits for failed or is blocked: it will not run
 *
 * A pass makes runs for ready rows, lowest order first, while fewer than `maxConcurrent` are
 * active; a run that ends moves its row to done (its dependents' wait counts drop, those at
 * zero become ready) or failed (its dependents become blocked, transitively). When no row is
 * waiting, ready or active, the backfill ends: `succeeded` when every row is done, else
 * `failed`. The plan rows and the runs are the durable truth: after a crash (or when another
 * scheduler takes the role) the state is rebuilt from them, and each run is made under its
 * identity (DAG, period, `backfill:<id>`) with the plan row in the same transaction, so none
 * is made twice. Runs of a backfill fire no declared triggers and drive no asset-driven runs:
 * the plan is the propagation (`propagate: false` suppresses it).
 */

type RowState = 'waiting' | 'ready' | 'active' | 'done' | 'failed' | 'blocked';

interface Row {
  readonly def: DagDefinition;
  readonly period: Period;
  state: RowState;
  runId: string | undefined;
  /** Rows of the plan this one still waits for. */
  waiting: number;
  /** Rows that wait for this one. */
  readonly dependents: number[];
}

interface Active {
  readonly backfill: StoredBackfill;
  readonly spec: BackfillSpec;
  readonly rows: Row[];
  readonly ready: DueHeap;
  active: number;
  open: number;
}

const SUCCEEDED: ReadonlySet<StoredRunStatus> = new Set(['succeeded']);
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
    this.#settle(active, row, SUCCEEDED.has(status) ? 'done' : 'failed');
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
        const failed = active.rows.some((r) => r.state === 'failed' || r.state === 'blocked');
        await this.#store.finishBackfill(
          active.backfill.id,
          failed ? 'failed' : 'succeeded',
          this.#now(),
          this.#fenced(),
        );
        this.#forget(active);
      }
    }
  }

  async #launch(active: Active, i: number): Promise<void> {
    const row = active.rows[i]!;
    const id = active.backfill.id;
    const runId = await this.#ensureRun(row.def, row.period, `backfill:${id}`, `backfill:${id}`, {
      backfill: id,
    });
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
      const status = r.runStatus;
      const state: RowState =
        r.state === 'skipped' && r.runId === undefined
          ? 'done'
          : r.runId === undefined
            ? 'waiting'
            : status !== undefined && ENDED.has(status)
              ? SUCCEEDED.has(status)
                ? 'done'
                : 'failed'
              : 'active';
      active.rows.push({
        def: rows[i]!.def,
        period: rows[i]!.period,
        state,
        runId: r.runId,
        waiting: 0,
        dependents: [],
      });
    });
    linked.forEach(({ upstream }, i) => {
      for (const u of upstream) active.rows[u]!.dependents.push(i);
    });
    this.#backfills.set(backfill.id, active);
    active.rows.forEach((row, i) => {
      if (row.state === 'active') {
        active.active++;
        this.#byRun.set(row.runId!, { active, row: i });
      }
      if (row.state !== 'done') active.open++;
    });
    // Wait counts and blocks, from the settled rows.
    linked.forEach(({ upstream }, i) => {
      const row = active.rows[i]!;
      if (row.state !== 'waiting') return;
      row.waiting = upstream.filter((u) => active.rows[u]!.state !== 'done').length;
    });
    active.rows.forEach((row, i) => {
      if (row.state === 'failed') {
        active.open--;
        this.#block(active, i);
      }
    });
    active.rows.forEach((row, i) => {
      if (row.state === 'waiting' && row.waiting === 0) {
        row.state = 'ready';
        active.ready.push(i, i);
      }
    });
  }

  /** A row's run ended (or the row was found settled): free or block its dependents. */
  #settle(active: Active, i: number, state: 'done' | 'failed'): void {
    const row = active.rows[i]!;
    row.state = state;
    active.open--;
    if (state === 'failed') {
      this.#block(active, i);
      return;
    }
    for (const d of row.dependents) {
      const dependent = active.rows[d]!;
      if (dependent.state !== 'waiting') continue;
      if (--dependent.waiting === 0) {
        dependent.state = 'ready';
        active.ready.push(d, d);
      }
    }
  }

  /** Block every row that waits, directly or not, for row `i`. */
  #block(active: Active, i: number): void {
    const stack = [...active.rows[i]!.dependents];
    while (stack.length > 0) {
      const row = active.rows[stack.pop()!]!;
      if (row.state !== 'waiting' && row.state !== 'ready') continue;
      row.state = 'blocked';
      active.open--;
      stack.push(...row.dependents);
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
