import { toError, TributaryError } from '../errors/index.js';
import {
  isOwnerAlive,
  newOwnerId,
  queueRun,
  resumeRun,
  runPeriod,
  takeLease,
  type DagDefinition,
  type Trigger,
} from '../durable/index.js';
import {
  runLeaseKey,
  type Change,
  type CreateRunOptions,
  type Lease,
  type PruneResult,
  type RunStore,
  type RunSummary,
  type StoredRunStatus,
  type TriggerOutcome,
} from '../store/index.js';
import {
  UNPARTITIONED,
  UNPARTITIONED_SPACE,
  type CronSchedule,
  type Period,
} from '../time/index.js';
import type { Project } from './load-project.js';
import { describeReadiness, readReadiness } from './readiness.js';
import { Retention, type RetentionOptions } from './retention.js';
import { AlertDesk } from './alerts.js';
import { checkProjectGraph } from './project-checks.js';
import { AssetRuns } from './asset-runs.js';
import { BackfillRunner } from './backfill-runner.js';
import { mappedDownstream } from './mapped-periods.js';

/** The scheduler role's lease key: one scheduler acts on a store at a time. */
export const SCHEDULER_LEASE = 'scheduler';

/** What the scheduler did, for logs and tests. */
export type SchedulerEvent =
  | {
      readonly kind: 'queued';
      readonly dagId: string;
      readonly runId: string;
      readonly periodKey: string;
      readonly origin: string;
    }
  | {
      readonly kind: 'started' | 'resumed';
      readonly dagId: string;
      readonly runId: string;
    }
  | {
      readonly kind: 'held';
      readonly dagId: string;
      readonly runId: string;
      readonly reason: string;
    }
  | {
      readonly kind: 'finished';
      readonly dagId: string;
      readonly runId: string;
      readonly status: string;
    }
  | { readonly kind: 'role'; readonly acquired: boolean; readonly owner: string }
  | { readonly kind: 'pruned'; readonly result: PruneResult }
  | { readonly kind: 'error'; readonly error: Error };

/** Options of {@link Scheduler}. */
export interface SchedulerOptions {
  readonly project: Project;
  readonly store: RunStore;
  /** The time, in epoch ms. Default `Date.now`; tests pass a clock they move. */
  readonly now?: () => number;
  /** Role lease time to live. Default 30 s; renewed every third of it. */
  readonly leaseMs?: number;
  /** Longest sleep between passes when nothing changes. Default 1 s. */
  readonly pollMs?: number;
  readonly onEvent?: (event: SchedulerEvent) => void;
  /** Prune old finished runs during passes (see `RetentionOptions`); default the project's. */
  readonly retention?: RetentionOptions;
}

const ENDED: ReadonlySet<StoredRunStatus> = new Set([
  'succeeded',
  'partially_succeeded',
  'failed',
  'cancelled',
]);

/** Which final statuses fire a trigger. */
function fires(trigger: Trigger, status: StoredRunStatus): boolean {
  switch (trigger.on) {
    case 'success':
      return status === 'succeeded';
    case 'partial_success':
      return status === 'partially_succeeded';
    case 'failure':
      return status === 'failed';
    case 'finish':
      return ENDED.has(status);
  }
}

/**
 * The scheduler of a project on a store. Each pass, while it holds the scheduler role:
 *
 * 1. fires every unpaused schedule's periods that fell due since its last pass (a schedule seen
 *    for the first time starts at the period due now: no catch-up from the past);
 * 2. handles the trigger outbox (CLI, API and task triggers);
 * 3. reads the change feed from its cursor: a run that ended fires its DAG's declared triggers
 *    for the mapped periods;
 * 4. starts the queued runs whose dependencies are met and whose DAG is under `maxActiveRuns`
 *    and not paused, in this process.
 *
 * Runs are created by identity (DAG, period, key `''`), so a pass repeated after a crash finds
 * the runs it made instead of making them twice; marks (schedule positions, feed cursor) are
 * written with the role lease's fence. Between passes it sleeps until the next schedule is due,
 * a change reaches the feed (from any process), or `pollMs`.
 *
 * @example
 * ```ts
 * const scheduler = new Scheduler({ project, store });
 * await scheduler.run(controller.signal);
 * ```
 */
export class Scheduler {
  readonly owner = newOwnerId();
  readonly #project: Project;
  readonly #store: RunStore;
  readonly #now: () => number;
  readonly #leaseMs: number;
  readonly #pollMs: number;
  readonly #emit: (event: SchedulerEvent) => void;
  readonly #running = new Map<string, Promise<void>>();
  /** Each schedule's position (the due time of the last period fired), once read. */
  readonly #positions = new Map<string, number>();
  /** When each schedule's next period falls due, from its position. */
  readonly #dueOf = new Map<string, number>();
  /**
   * When the next unpaused schedule falls due: a pass before it looks at no schedule, so a pass
   * woken by a change costs the same whatever the number of DAGs.
   */
  #earliestDue = -Infinity;
  /** The DAGs paused at the last pass. */
  #paused: ReadonlySet<string> = new Set();
  /** The reason each held run was last reported held for: a hold is reported when it changes. */
  readonly #held = new Map<string, string>();
  #lease: Lease | undefined;
  readonly #retention: Retention | undefined;
  readonly #alerts: AlertDesk;
  readonly #assets: AssetRuns;
  readonly #backfills: BackfillRunner;

  constructor(options: SchedulerOptions) {
    this.#project = options.project;
    this.#store = options.store;
    this.#now = options.now ?? Date.now;
    this.#leaseMs = options.leaseMs ?? 30_000;
    this.#pollMs = options.pollMs ?? 1_000;
    this.#emit = options.onEvent ?? (() => undefined);
    // A project built by hand has not been through loadProject's checks: a cycle of DAGs would
    // wait, or trigger, for ever.
    checkProjectGraph(options.project.dags);
    this.#alerts = new AlertDesk(
      this.#project,
      this.#store,
      () => this.#fenced(),
      (error) => this.#emit({ kind: 'error', error }),
    );
    const ensureRun = (
      def: DagDefinition,
      period: Period,
      origin: string,
      runKey: string,
      create: CreateRunOptions,
    ) => this.#ensureRun(def, period, {}, origin, runKey, create);
    this.#backfills = new BackfillRunner(
      this.#project,
      this.#store,
      ensureRun,
      () => this.#fenced(),
      this.#now,
      (error) => this.#emit({ kind: 'error', error: toError(error) }),
    );
    this.#assets = new AssetRuns(this.#project, this.#store, ensureRun, this.#now, (runId) =>
      this.#backfills.owns(runId),
    );
    const retention = options.retention ?? options.project.retention;
    this.#retention =
      retention &&
      new Retention(this.#store, retention, (r) => this.#emit({ kind: 'pruned', result: r }));
  }

  /** Run passes until `signal` aborts; then release the role and wait for the runs it started. */
  async run(signal: AbortSignal): Promise<void> {
    let renewAt = 0;
    try {
      while (!signal.aborted) {
        const now = this.#now();
        if (this.#lease === undefined || now >= renewAt) {
          await this.#holdRole();
          renewAt = now + this.#leaseMs / 3;
        }
        if (this.#lease !== undefined) {
          try {
            await this.step();
          } catch (error) {
            // A pass that failed (a store error, a lost role) is tried again on the next wake.
            this.#emit({ kind: 'error', error: toError(error) });
          }
        }
        // Wake on the next change past what this pass has read, or when a schedule falls due.
        const seen =
          this.#lease === undefined
            ? await this.#store.feedHead()
            : Number((await this.#store.getMark('feed')) ?? 0);
        const wait = Math.min(this.#pollMs, Math.max(0, this.#nextDue() - this.#now()));
        await this.#store.waitForChange(seen, { maxWaitMs: Math.max(1, wait), signal });
      }
    } finally {
      await this.release();
      await this.idle();
    }
  }

  /** Give the scheduler role up (a standby takes it at once); `run` does when it stops. */
  async release(): Promise<void> {
    const lease = this.#lease;
    this.#lease = undefined;
    if (lease !== undefined) await this.#store.releaseLease(lease).catch(() => undefined);
  }

  /** Resolve once every run this scheduler started has ended. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running.values());
    await this.#alerts.idle();
  }

  /** Take the role, or keep it; false (standby) while another scheduler holds it. */
  async #holdRole(): Promise<void> {
    const store = this.#store;
    if (this.#lease !== undefined) {
      try {
        this.#lease = await store.renewLease(this.#lease, this.#leaseMs);
        return;
      } catch {
        this.#lease = undefined;
        this.#emit({ kind: 'role', acquired: false, owner: this.owner });
      }
    }
    // A scheduler of this host that died gives the role up at once, not at its lease's expiry.
    const attempt = await takeLease(store, SCHEDULER_LEASE, this.owner, this.#leaseMs);
    if (attempt.acquired) {
      this.#lease = attempt.lease;
      // Another scheduler may have moved the schedules while this one did not hold the role.
      this.#positions.clear();
      this.#dueOf.clear();
      this.#earliestDue = -Infinity;
      this.#backfills.reset();
      this.#emit({ kind: 'role', acquired: true, owner: this.owner });
    }
  }

  /**
   * One pass (see the class). The caller must hold the role: {@link run} does; a test may call
   * {@link acquire} then `step` with its own clock.
   */
  async step(): Promise<void> {
    const now = this.#now();
    const paused = new Set((await this.#store.pausedDags()).map((p) => p.dagId));
    // An unpaused DAG may be overdue: look at every schedule again.
    for (const dagId of this.#paused) if (!paused.has(dagId)) this.#earliestDue = -Infinity;
    this.#paused = paused;
    if (now >= this.#earliestDue) await this.#fireSchedules(now, paused);
    await this.#handleOutbox();
    await this.#readFeed();
    await this.#backfills.step();
    await this.#startQueued(paused);
    await this.#recover();
    await this.#retention?.step(now);
    await this.#alerts.checkSla(now);
    this.#alerts.deliver(now);
  }

  /**
   * Resume the runs this project's scheduler made (they have a run key) whose owner is gone: a
   * lease expired, or held by a process of this host that no longer exists.
   */
  async #recover(): Promise<void> {
    // Leases run on the wall clock, whatever clock the schedules read.
    const now = Date.now();
    for (const run of await this.#store.listRuns({ status: 'running', limit: 1_000 })) {
      if (run.runKey === undefined || this.#running.has(run.runId)) continue;
      const registered = this.#project.dags.get(run.dagId);
      if (registered === undefined) continue;
      const lease = await this.#store.getLease(runLeaseKey(run.runId));
      if (lease !== undefined && lease.expiresAt > now && isOwnerAlive(lease.owner)) continue;
      this.#start(registered.definition, run.runId, 'resumed');
    }
  }

  /** Take the role for {@link step} (tests); false when another scheduler holds it. */
  async acquire(): Promise<boolean> {
    await this.#holdRole();
    return this.#lease !== undefined;
  }

  #fenced() {
    const lease = this.#lease;
    if (lease === undefined)
      throw new TributaryError('LEASE_LOST', 'This scheduler does not hold the scheduler role');
    return { key: lease.key, fence: lease.fence };
  }

  async #fireSchedules(now: number, paused: ReadonlySet<string>): Promise<void> {
    let earliest = Number.POSITIVE_INFINITY;
    for (const { definition } of this.#project.dags) {
      const schedule = definition.scheduling.schedule;
      if (schedule === undefined || paused.has(definition.id)) continue;
      // Positions are read from the store once per role: only this scheduler moves them.
      let position = this.#positions.get(definition.id);
      if (position === undefined) {
        const mark = await this.#store.getMark(`schedule:${definition.id}`);
        // First sight: start from now, not from the schedule's first period ever.
        position = mark === undefined ? now : Number(mark);
        if (mark === undefined)
          await this.#store.setMark(`schedule:${definition.id}`, String(now), this.#fenced());
        this.#positions.set(definition.id, position);
      }
      let due = this.#dueOf.get(definition.id) ?? nextDue(schedule, position);
      if (due <= now) {
        for (const period of schedule.due(position, now)) {
          await this.#ensureRun(definition, period, {}, 'schedule');
          position = schedule.dueAt(period);
          await this.#store.setMark(`schedule:${definition.id}`, String(position), this.#fenced());
          this.#positions.set(definition.id, position);
        }
        due = nextDue(schedule, position);
      }
      this.#dueOf.set(definition.id, due);
      earliest = Math.min(earliest, due);
    }
    this.#earliestDue = earliest;
  }

  async #handleOutbox(): Promise<void> {
    for (const trigger of await this.#store.pendingTriggers()) {
      const target = this.#project.dags.get(trigger.dagId)?.definition;
      if (target === undefined) continue; // not this project's: left for the one that has it
      let outcome: TriggerOutcome;
      try {
        const period = runPeriod(target, trigger.periodKey) ?? UNPARTITIONED;
        const params =
          trigger.params === undefined
            ? {}
            : (JSON.parse(trigger.params) as Record<string, unknown>);
        outcome = {
          runId: await this.#ensureRun(target, period, params, trigger.origin, trigger.runKey),
        };
      } catch (error) {
        // A trigger that cannot become a run (a period key the schedule does not write, params
        // its schema refuses) is refused with its reason, reported, and not tried again.
        if (error instanceof TributaryError && error.code === 'LEASE_LOST') throw error;
        const why = refused(`trigger ${trigger.id} of ${target.id}`, error);
        this.#emit({ kind: 'error', error: why });
        outcome = { refused: toError(error).message };
      }
      await this.#store.completeTrigger(trigger.id, outcome, this.#fenced());
    }
  }

  async #readFeed(): Promise<void> {
    let cursor = Number((await this.#store.getMark('feed')) ?? 0);
    for (;;) {
      const changes = await this.#store.changesSince(cursor, 500);
      if (changes.length === 0) return;
      for (const change of changes) {
        try {
          await this.#onChange(change);
        } catch (error) {
          // One change that cannot be acted on (a period key its DAG no longer writes) must not
          // stop the feed: it is reported and passed.
          if (error instanceof TributaryError && error.code === 'LEASE_LOST') throw error;
          this.#emit({ kind: 'error', error: refused(`change ${change.seq}`, error) });
        }
      }
      cursor = changes.at(-1)!.seq;
      await this.#store.setMark('feed', String(cursor), this.#fenced());
    }
  }

  async #onChange(change: Change): Promise<void> {
    if (change.kind === 'asset.materialized')
      return this.#assets.materialized(change.subject, change.periodKey ?? '');
    if (change.kind === 'backfill.changed') return this.#backfills.changed(change.subject);
    if (change.kind !== 'run.status' || change.status === undefined || !ENDED.has(change.status))
      return;
    // A backfill's runs fire no declared triggers: its plan is the propagation.
    const ofBackfill = this.#backfills.owns(change.subject);
    this.#backfills.runEnded(change.subject, change.status);
    const upstream = this.#project.dags.get(change.dagId ?? '')?.definition;
    if (upstream === undefined) return;
    this.#emit({
      kind: 'finished',
      dagId: upstream.id,
      runId: change.subject,
      status: change.status,
    });
    await this.#alerts.runEnded(upstream, change, this.#now());
    if (ofBackfill) return;
    const period = runPeriod(upstream, change.periodKey) ?? UNPARTITIONED;
    for (const trigger of upstream.scheduling.triggers) {
      if (!fires(trigger, change.status)) continue;
      const target = this.#project.dags.get(trigger.dag)?.definition;
      if (target === undefined) continue;
      const spaces = {
        upstream: upstream.scheduling.periods,
        downstream: target.scheduling.periods,
      };
      // A DAG without a schedule has one period, which no window of the upstream's contains:
      // each upstream run, of whatever period, triggers a run of its own.
      const periods =
        spaces.downstream === UNPARTITIONED_SPACE
          ? [UNPARTITIONED]
          : mappedDownstream(trigger.mapping, period, { ...spaces, now: this.#now() });
      for (const downstream of periods) {
        // A period has one run; an unpartitioned DAG has one period, so there each upstream
        // run triggers a run of its own (keyed by it: a repeated pass finds it again).
        const runKey = downstream.key === '' ? `run:${change.subject}` : '';
        await this.#ensureRun(target, downstream, trigger.params, `run:${change.subject}`, runKey);
      }
    }
  }

  /** The run of (DAG, period, key): found, or queued now. Returns its id. */
  async #ensureRun(
    def: DagDefinition,
    period: Period,
    params: Readonly<Record<string, unknown>>,
    origin: string,
    runKey = '',
    create?: CreateRunOptions,
  ): Promise<string> {
    const existing = await this.#store.findRun(def.id, period.key, runKey);
    if (existing !== undefined) return existing.runId;
    try {
      const runId = await queueRun(
        def,
        {
          store: this.#store,
          params,
          ...(period.key === '' ? {} : { partitionKey: period.key }),
          runKey,
          origin,
          module: this.#project.dags.get(def.id)!.module,
        },
        create,
      );
      this.#emit({ kind: 'queued', dagId: def.id, runId, periodKey: period.key, origin });
      return runId;
    } catch (error) {
      // Another pass made it meanwhile: the same run.
      const existingRunId = (error as TributaryError).context?.existingRunId;
      if (
        error instanceof TributaryError &&
        error.code === 'RUN_EXISTS' &&
        typeof existingRunId === 'string'
      )
        return existingRunId;
      throw error;
    }
  }

  async #startQueued(paused: ReadonlySet<string>): Promise<void> {
    // Oldest period first (then oldest run): a backlog runs in time order.
    const queued = (await this.#store.listRuns({ status: 'queued', limit: 1_000 }))
      .map((run) => ({ run, start: this.#periodStart(run) }))
      .sort((a, b) => a.start - b.start || a.run.createdAt - b.run.createdAt)
      .map(({ run }) => run);
    for (const run of queued) {
      const registered = this.#project.dags.get(run.dagId);
      if (registered === undefined || this.#running.has(run.runId)) continue;
      if (paused.has(run.dagId)) {
        this.#hold(run.dagId, run.runId, 'paused');
        continue;
      }
      const def = registered.definition;
      const max = def.scheduling.maxActiveRuns;
      if (max !== undefined) {
        const active = await this.#store.listRuns({ dagId: def.id, status: 'running', limit: max });
        if (active.length >= max) {
          this.#hold(def.id, run.runId, `maxActiveRuns ${max}`);
          continue;
        }
      }
      let readiness;
      try {
        readiness = await readReadiness(
          this.#store,
          this.#project.dags,
          def,
          runPeriod(def, run.partitionKey) ?? UNPARTITIONED,
          this.#now(),
        );
      } catch (error) {
        // A dependency that cannot be judged (no upstream period maps to this one) holds the
        // run, with the error as its reason.
        this.#hold(def.id, run.runId, toError(error).message);
        continue;
      }
      if (readiness.state !== 'ready') {
        this.#hold(def.id, run.runId, describeReadiness(readiness));
        continue;
      }
      this.#start(def, run.runId);
    }
  }

  #hold(dagId: string, runId: string, reason: string): void {
    if (this.#held.get(runId) === reason) return;
    this.#held.set(runId, reason);
    this.#emit({ kind: 'held', dagId, runId, reason });
  }

  #start(def: DagDefinition, runId: string, kind: 'started' | 'resumed' = 'started'): void {
    this.#held.delete(runId);
    this.#emit({ kind, dagId: def.id, runId });
    const reads = kind === 'started' && this.#assets.readsAssets(def);
    const recorded = reads
      ? this.#recordInputs(def, runId).catch((error: unknown) =>
          // What the run read goes unrecorded (lineage, staleness); the run still starts.
          this.#emit({ kind: 'error', error: refused(`the inputs of run ${runId}`, error) }),
        )
      : Promise.resolve();
    const done = recorded
      .then(() =>
        resumeRun(def, runId, {
          store: this.#store,
          dags: (id) => this.#project.dags.get(id)?.definition,
        }),
      )
      .then(() => undefined)
      .catch(() => undefined) // the run's own failure is in its record; a lost lease, another owner's
      .finally(() => this.#running.delete(runId));
    this.#running.set(runId, done);
  }

  /** What a starting run reads: the asset events it consumes, the upstream versions it uses. */
  async #recordInputs(def: DagDefinition, runId: string): Promise<void> {
    const run = await this.#store.getRun(runId);
    if (run === undefined) return;
    const inputs = await this.#assets.inputsAtStart(
      def,
      runPeriod(def, run.partitionKey) ?? UNPARTITIONED,
    );
    if (inputs.length > 0) await this.#store.addRunInputs(runId, inputs);
  }

  /** Where a run's period starts (-Infinity when its DAG or key is unknown here). */
  #periodStart(run: RunSummary): number {
    const def = this.#project.dags.get(run.dagId)?.definition;
    try {
      return def === undefined ? -Infinity : (runPeriod(def, run.partitionKey)?.start ?? -Infinity);
    } catch {
      return -Infinity;
    }
  }

  /** When the next schedule falls due (Infinity without schedules). */
  #nextDue(): number {
    return this.#earliestDue;
  }
}

/** An error that stopped one item of a pass, named. */
function refused(what: string, error: unknown): Error {
  const cause = toError(error);
  return new TributaryError(
    error instanceof TributaryError ? error.code : 'INTERNAL',
    `Scheduler skipped ${what}: ${cause.message}`,
    { cause },
  );
}

/** When the first period due after `position` is due. */
function nextDue(schedule: CronSchedule, position: number): number {
  const first = schedule.due(position).next();
  return first.done === true ? Number.POSITIVE_INFINITY : schedule.dueAt(first.value);
}
