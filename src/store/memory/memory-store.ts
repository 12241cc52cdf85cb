import { runLeaseKey } from '../lease.js';
import type { Lease, LeaseAttempt } from '../lease.js';
import type { LogFilter, StoredLogLine } from '../logs.js';
import type { NewRunRequest, RunRequest } from '../requests.js';
import type {
  Commit,
  CreateRunOptions,
  PeriodRun,
  RunFilter,
  RunRecord,
  RunStore,
  RunSummary,
  StoredEvent,
} from '../run-store.js';
import {
  checkAppend,
  checkFence,
  identityTaken,
  runExists,
  runNotFound,
  runPruned,
  unknownRequest,
} from '../errors.js';
import {
  checkPruneOptions,
  PRUNABLE_STATUSES,
  type PruneOptions,
  type PruneResult,
  type SpaceReclaimed,
} from '../retention.js';
import { nextHolder, renewed } from '../lease-rules.js';
import type { Change, WaitOptions } from '../feed.js';
import type { SignalFilter, SignalInput, StoredSignal } from '../signals.js';
import { MemoryNotificationTable } from './notification-table.js';
import type {
  DeliveryOutcome,
  NewNotification,
  NotificationFilter,
  StoredNotification,
} from '../notifications.js';
import type {
  Fenced,
  NewTrigger,
  PausedDag,
  StoredTrigger,
  TriggerFilter,
  TriggerOutcome,
} from '../scheduler-state.js';
import { MemorySchedulerTables } from './scheduler-tables.js';
import { compare, MemoryAssetTables } from './asset-tables.js';
import { MemoryBackfillTables } from './backfill-tables.js';
import {
  checkAssetEvents,
  checkBackfill,
  checkPartitionKeys,
  checkRunInputs,
  checkSetName,
} from '../asset-checks.js';
import { checkAssetUri } from '../assets.js';
import type {
  AssetEventFilter,
  NewAssetEvent,
  RunInput,
  StaleInput,
  StoredAssetEvent,
  StoredPartitionKey,
  StoredRunInput,
} from '../assets.js';
import type {
  BackfillFilter,
  BackfillPartitionPlan,
  BackfillState,
  NewBackfill,
  StoredBackfill,
  StoredBackfillPartition,
} from '../backfills.js';

const identityOf = (dagId: string, periodKey: string, runKey: string): string =>
  JSON.stringify([dagId, periodKey, runKey]);

interface RunEntry {
  record: RunRecord;
  readonly events: StoredEvent[];
  readonly requests: RunRequest[];
  readonly logs: StoredLogLine[];
  snapshot?: { readonly seq: number; readonly body: string };
}

/**
 * An in-memory {@link RunStore}: the reference backend for the conformance suite and for tests.
 * Nothing survives the process.
 *
 * @example
 * ```ts
 * const store = new MemoryStore();
 * ```
 */
export class MemoryStore implements RunStore {
  readonly kind = 'memory';
  readonly #runs = new Map<string, RunEntry>();
  readonly #artifacts = new Map<string, string>();
  /** Every lease ever taken: a released one keeps its fence (owner ''). */
  readonly #leases = new Map<string, Lease>();
  #requestIds = 0;
  #logIds = 0;
  readonly #tables = new MemorySchedulerTables((fenced) =>
    checkFence(fenced.key, fenced.fence, this.#leases.get(fenced.key)),
  );
  readonly #notifications = new MemoryNotificationTable((fenced) =>
    checkFence(fenced.key, fenced.fence, this.#leases.get(fenced.key)),
  );
  /** Run ids by identity (dag, period, key). */
  readonly #identities = new Map<string, string>();
  readonly #assets = new MemoryAssetTables((...change) => this.#tables.record(...change));
  readonly #backfills = new MemoryBackfillTables(
    (...change) => this.#tables.record(...change),
    (fenced) => checkFence(fenced.key, fenced.fence, this.#leases.get(fenced.key)),
    (runId) => this.#runs.get(runId)?.record.status,
  );

  #entry(runId: string): RunEntry {
    const entry = this.#runs.get(runId);
    if (entry === undefined) throw runNotFound(runId);
    return entry;
  }

  /** {@link #entry}, or `RUN_PRUNED` for a run pruned to its summary. */
  #live(runId: string): RunEntry {
    const entry = this.#entry(runId);
    const prunedAt = entry.record.prunedAt;
    if (prunedAt !== undefined) throw runPruned(runId, prunedAt);
    return entry;
  }

  async createRun(record: RunRecord, options: CreateRunOptions = {}): Promise<void> {
    // Every check before any write: a refused run writes nothing.
    if (options.inputs !== undefined) checkRunInputs(options.inputs);
    if (this.#runs.has(record.runId)) throw runExists(record.runId);
    const identity = identityOf(
      record.dagId,
      record.partitionKey ?? '',
      record.runKey ?? record.runId,
    );
    const existing = this.#identities.get(identity);
    if (existing !== undefined) throw identityTaken(record, existing);
    const period = record.partitionKey ?? '';
    const planRow =
      options.backfill === undefined
        ? undefined
        : this.#backfills.planRow(options.backfill, record.dagId, period);
    const { owner: _derived, prunedAt: _pruned, ...stored } = record;
    this.#runs.set(record.runId, { record: stored, events: [], requests: [], logs: [] });
    this.#identities.set(identity, record.runId);
    this.#tables.record('run.created', record.runId, record.createdAt, {
      dagId: record.dagId,
      periodKey: record.partitionKey,
      status: record.status,
    });
    if (options.inputs !== undefined)
      this.#assets.addInputs(record.runId, record.dagId, period, options.inputs);
    if (planRow !== undefined) planRow.runId = record.runId;
  }

  /** O(runs of all DAGs + periods × log periods). */
  async latestRunPerPeriod(dagId: string): Promise<PeriodRun[]> {
    const latest = new Map<string, RunRecord>();
    for (const { record: r } of this.#runs.values()) {
      if (r.dagId !== dagId) continue;
      const period = r.partitionKey ?? '';
      const known = latest.get(period);
      if (
        known === undefined ||
        r.createdAt > known.createdAt ||
        (r.createdAt === known.createdAt && compare(r.runId, known.runId) > 0)
      )
        latest.set(period, r);
    }
    return [...latest]
      .sort(([a], [b]) => compare(a, b))
      .map(([periodKey, r]) => ({
        periodKey,
        runId: r.runId,
        status: r.status,
        createdAt: r.createdAt,
      }));
  }

  async findRun(dagId: string, periodKey: string, runKey: string): Promise<RunSummary | undefined> {
    const runId = this.#identities.get(identityOf(dagId, periodKey, runKey));
    if (runId === undefined) return undefined;
    const { graph: _graph, ...summary } = this.#runs.get(runId)!.record;
    return this.#withOwner(summary);
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const entry = this.#runs.get(runId);
    return entry === undefined ? undefined : this.#withOwner(entry.record);
  }

  #withOwner<R extends RunSummary>(record: R): R {
    const lease = this.#leases.get(runLeaseKey(record.runId));
    return lease === undefined || lease.owner === ''
      ? { ...record }
      : { ...record, owner: lease.owner };
  }

  async listRuns(filter: RunFilter = {}): Promise<RunSummary[]> {
    return [...this.#runs.values()]
      .map((e) => e.record)
      .filter(
        (r) =>
          (filter.dagId === undefined || r.dagId === filter.dagId) &&
          (filter.periodKey === undefined || (r.partitionKey ?? '') === filter.periodKey) &&
          (filter.status === undefined || r.status === filter.status) &&
          (filter.startedBy === undefined || startedBy(r.origin, filter.startedBy)),
      )
      .sort((a, b) => b.createdAt - a.createdAt || (a.runId < b.runId ? 1 : -1))
      .slice(0, filter.limit ?? 50)
      .map(({ graph: _graph, ...summary }) => this.#withOwner(summary));
  }

  async commit(runId: string, commit: Commit): Promise<void> {
    const entry = this.#entry(runId);
    // Every check before any write: a refused commit changes nothing.
    if (commit.fence !== undefined)
      checkFence(runLeaseKey(runId), commit.fence, this.#leases.get(runLeaseKey(runId)));
    this.#live(runId);
    checkAppend(runId, entry.events.length + 1, commit.events);
    if (commit.assets !== undefined) checkAssetEvents(commit.assets);
    for (const done of commit.requests ?? []) {
      const i = entry.requests.findIndex((r) => r.id === done.id);
      if (i < 0) throw unknownRequest(runId, done.id);
    }
    for (const e of commit.events) entry.events.push({ ...e });
    for (const line of commit.logs ?? []) entry.logs.push({ ...line, id: ++this.#logIds });
    for (const done of commit.requests ?? []) {
      const i = entry.requests.findIndex((r) => r.id === done.id);
      entry.requests[i] = { ...entry.requests[i]!, state: done.state, outcome: done.outcome };
    }
    // As in every backend: undefined fields are left alone.
    const next: Record<string, unknown> = { ...entry.record, updatedAt: Date.now() };
    for (const [key, value] of Object.entries(commit.run ?? {})) {
      if (value === null) delete next[key];
      else if (value !== undefined) next[key] = value;
    }
    entry.record = next as unknown as RunRecord;
    if (commit.triggers !== undefined) this.#tables.pushTriggers(commit.triggers);
    const status = commit.run?.status;
    if (status !== undefined) {
      this.#tables.record('run.status', runId, entry.record.updatedAt, {
        dagId: entry.record.dagId,
        periodKey: entry.record.partitionKey,
        status,
      });
    }
    if (commit.assets !== undefined) {
      // A commit's events are its run's materializations: the run is theirs unless they say.
      this.#assets.addEvents(
        commit.assets.map((e) => (e.runId === undefined ? { ...e, runId } : e)),
        (producer) => this.#runs.get(producer)?.record.dagId,
      );
    }
  }

  async loadEvents(runId: string, afterSeq = 0): Promise<StoredEvent[]> {
    return this.#live(runId).events.slice(afterSeq);
  }

  async addRequest(runId: string, request: NewRunRequest): Promise<number> {
    const entry = this.#live(runId);
    const id = ++this.#requestIds;
    entry.requests.push({ ...request, runId, id, state: 'pending' });
    return id;
  }

  async pendingRequests(runId: string): Promise<RunRequest[]> {
    return this.#entry(runId).requests.filter((r) => r.state === 'pending');
  }

  async getRequest(runId: string, id: number): Promise<RunRequest | undefined> {
    return this.#entry(runId).requests.find((r) => r.id === id);
  }

  async loadLogs(runId: string, filter: LogFilter = {}): Promise<StoredLogLine[]> {
    const lines = this.#live(runId).logs.filter(
      (l) =>
        (filter.node === undefined || l.node === filter.node) &&
        (filter.afterId === undefined || l.id > filter.afterId),
    );
    return filter.limit === undefined ? lines : lines.slice(0, filter.limit);
  }

  async acquireLease(
    key: string,
    owner: string,
    ttlMs: number,
    options: { readonly force?: boolean; readonly ifFence?: number } = {},
  ): Promise<LeaseAttempt> {
    const attempt = nextHolder(this.#leases.get(key), key, owner, ttlMs, Date.now(), options);
    if (attempt.acquired) this.#leases.set(key, attempt.lease);
    return attempt;
  }

  async renewLease(lease: Lease, ttlMs: number): Promise<Lease> {
    const next = renewed(this.#leases.get(lease.key), lease, ttlMs, Date.now());
    this.#leases.set(lease.key, next);
    return next;
  }

  async releaseLease(lease: Lease): Promise<void> {
    const current = this.#leases.get(lease.key);
    if (current?.fence === lease.fence && current.owner !== '')
      this.#leases.set(lease.key, { ...current, owner: '', expiresAt: 0 });
  }

  async getLease(key: string): Promise<Lease | undefined> {
    const lease = this.#leases.get(key);
    return lease === undefined || lease.owner === '' ? undefined : lease;
  }

  async putSnapshot(runId: string, seq: number, body: string): Promise<void> {
    const entry = this.#live(runId);
    if (entry.snapshot === undefined || entry.snapshot.seq < seq) entry.snapshot = { seq, body };
  }

  async getSnapshot(runId: string): Promise<{ seq: number; body: string } | undefined> {
    return this.#runs.get(runId)?.snapshot;
  }

  async putArtifact(runId: string, key: string, body: string): Promise<void> {
    this.#artifacts.set(`${runId}\u0000${key}`, body);
  }

  async getArtifact(runId: string, key: string): Promise<string | undefined> {
    return this.#artifacts.get(`${runId}\u0000${key}`);
  }

  async prune(options: PruneOptions): Promise<PruneResult> {
    checkPruneOptions(options);
    const dry = options.dryRun === true;
    const drop = options.keepSummaries === false;
    const now = Date.now();
    const candidates = [...this.#runs.values()]
      .map((e) => e.record)
      .filter(
        (r) =>
          PRUNABLE_STATUSES.includes(r.status) &&
          r.finishedAt !== undefined &&
          r.finishedAt < options.before &&
          (options.dagId === undefined || r.dagId === options.dagId) &&
          (drop || r.prunedAt === undefined),
      )
      .sort((a, b) => a.finishedAt! - b.finishedAt! || (a.runId < b.runId ? -1 : 1));
    const leased: string[] = [];
    const runIds: string[] = [];
    for (const r of candidates) {
      const lease = this.#leases.get(runLeaseKey(r.runId));
      const held = lease !== undefined && lease.owner !== '' && lease.expiresAt > now;
      (held ? leased : runIds).push(r.runId);
    }
    let journalEntries = 0;
    let snapshots = 0;
    let logLines = 0;
    let artifacts = 0;
    let requests = 0;
    for (const runId of runIds) {
      const entry = this.#runs.get(runId)!;
      journalEntries += entry.events.length;
      snapshots += entry.snapshot === undefined ? 0 : 1;
      logLines += entry.logs.length;
      requests += entry.requests.length;
      const prefix = `${runId}\u0000`;
      const keys = [...this.#artifacts.keys()].filter((k) => k.startsWith(prefix));
      artifacts += keys.length;
      if (dry) continue;
      for (const key of keys) this.#artifacts.delete(key);
      if (drop) {
        this.#runs.delete(runId);
        this.#leases.delete(runLeaseKey(runId));
        const r = entry.record;
        this.#identities.delete(identityOf(r.dagId, r.partitionKey ?? '', r.runKey ?? r.runId));
        continue;
      }
      entry.events.length = 0;
      entry.logs.length = 0;
      entry.requests.length = 0;
      delete entry.snapshot;
      entry.record = { ...entry.record, prunedAt: now };
    }
    return {
      dryRun: dry,
      runs: runIds.length,
      runIds,
      summariesDropped: drop ? runIds.length : 0,
      journalEntries,
      snapshots,
      logLines,
      artifacts,
      requests,
      ...this.#tables.prune(options.before, options.dagId, dry),
      leased,
    };
  }

  /** Nothing to give back: the garbage collector does. */
  async reclaimSpace(): Promise<SpaceReclaimed> {
    return { method: 'none', bytesBefore: 0, bytesAfter: 0 };
  }

  setSignal(input: SignalInput): Promise<StoredSignal> {
    return this.#tables.setSignal(input);
  }

  getMark(name: string): Promise<string | undefined> {
    return this.#tables.getMark(name);
  }

  setMark(name: string, value: string, fenced?: Fenced): Promise<void> {
    return this.#tables.setMark(name, value, fenced);
  }

  setPaused(dagId: string, paused: boolean, by: string, at: number): Promise<boolean> {
    return this.#tables.setPaused(dagId, paused, by, at);
  }

  pausedDags(): Promise<PausedDag[]> {
    return this.#tables.pausedDags();
  }

  addTriggers(triggers: readonly NewTrigger[]): Promise<void> {
    return this.#tables.addTriggers(triggers);
  }

  pendingTriggers(limit?: number): Promise<StoredTrigger[]> {
    return this.#tables.pendingTriggers(limit);
  }

  completeTrigger(id: number, outcome: TriggerOutcome, fenced?: Fenced): Promise<void> {
    return this.#tables.completeTrigger(id, outcome, fenced);
  }

  listTriggers(filter?: TriggerFilter): Promise<StoredTrigger[]> {
    return this.#tables.listTriggers(filter);
  }

  clearSignal(
    name: string,
    periodKey: string,
    by: string,
    at: number,
  ): Promise<StoredSignal | undefined> {
    return this.#tables.clearSignal(name, periodKey, by, at);
  }

  getSignal(name: string, periodKey?: string): Promise<StoredSignal | undefined> {
    return this.#tables.getSignal(name, periodKey);
  }

  listSignals(filter?: SignalFilter): Promise<StoredSignal[]> {
    return this.#tables.listSignals(filter);
  }

  signalHistory(name: string, periodKey?: string): Promise<StoredSignal[]> {
    return this.#tables.signalHistory(name, periodKey);
  }

  feedHead(): Promise<number> {
    return this.#tables.feedHead();
  }

  changesSince(afterSeq: number, limit?: number): Promise<Change[]> {
    return this.#tables.changesSince(afterSeq, limit);
  }

  waitForChange(afterSeq: number, options: WaitOptions): Promise<boolean> {
    return this.#tables.waitForChange(afterSeq, options);
  }

  addNotifications(list: readonly NewNotification[], fenced?: Fenced): Promise<number> {
    return this.#notifications.addNotifications(list, fenced);
  }

  dueNotifications(now: number, limit?: number): Promise<StoredNotification[]> {
    return this.#notifications.dueNotifications(now, limit);
  }

  recordDelivery(id: number, outcome: DeliveryOutcome, fenced?: Fenced): Promise<void> {
    return this.#notifications.recordDelivery(id, outcome, fenced);
  }

  listNotifications(filter?: NotificationFilter): Promise<StoredNotification[]> {
    return this.#notifications.listNotifications(filter);
  }

  async addAssetEvents(events: readonly NewAssetEvent[]): Promise<StoredAssetEvent[]> {
    checkAssetEvents(events);
    return this.#assets.addEvents(events, (runId) => this.#runs.get(runId)?.record.dagId);
  }

  async assetEvents(filter: AssetEventFilter = {}): Promise<StoredAssetEvent[]> {
    if (filter.asset !== undefined) checkAssetUri(filter.asset);
    return this.#assets.events(filter);
  }

  async getAssetEvent(id: number): Promise<StoredAssetEvent | undefined> {
    return this.#assets.event(id);
  }

  async latestAssetEvents(
    asset: string,
    partitionKeys?: readonly string[],
  ): Promise<StoredAssetEvent[]> {
    checkAssetUri(asset);
    return this.#assets.latest(asset, partitionKeys);
  }

  async listAssets(): Promise<{ asset: string; partitions: number; latest: StoredAssetEvent }[]> {
    return this.#assets.assets();
  }

  async unconsumedAssetEvents(
    dagId: string,
    assets: readonly string[],
    partitionKeys?: readonly string[],
  ): Promise<StoredAssetEvent[]> {
    for (const asset of assets) checkAssetUri(asset);
    return this.#assets.unconsumed(dagId, assets, partitionKeys);
  }

  async addRunInputs(runId: string, inputs: readonly RunInput[]): Promise<void> {
    checkRunInputs(inputs);
    const { record } = this.#entry(runId);
    this.#assets.addInputs(runId, record.dagId, record.partitionKey ?? '', inputs);
  }

  async runInputs(runId: string): Promise<StoredRunInput[]> {
    return this.#assets.inputs(runId);
  }

  async staleInputs(dagId: string): Promise<StaleInput[]> {
    return this.#assets.stale(await this.latestRunPerPeriod(dagId));
  }

  async addPartitionKeys(
    set: string,
    keys: readonly string[],
    by: string,
    at: number,
  ): Promise<string[]> {
    checkPartitionKeys(set, keys, by, at);
    return this.#assets.addPartitionKeys(set, keys, by, at);
  }

  async partitionKeys(set: string): Promise<StoredPartitionKey[]> {
    checkSetName(set);
    return this.#assets.partitionKeys(set);
  }

  async createBackfill(
    backfill: NewBackfill,
    plan: readonly BackfillPartitionPlan[],
  ): Promise<void> {
    checkBackfill(backfill, plan);
    this.#backfills.create(backfill, plan);
  }

  async getBackfill(id: string): Promise<StoredBackfill | undefined> {
    return this.#backfills.get(id);
  }

  async listBackfills(filter?: BackfillFilter): Promise<StoredBackfill[]> {
    return this.#backfills.list(filter);
  }

  async backfillPartitions(id: string): Promise<StoredBackfillPartition[]> {
    return this.#backfills.partitions(id);
  }

  async finishBackfill(
    id: string,
    state: Exclude<BackfillState, 'running'>,
    at: number,
    fenced?: Fenced,
  ): Promise<boolean> {
    return this.#backfills.finish(id, state, at, fenced);
  }

  async close(): Promise<void> {}
}

/** Whether `origin` says run `runId` started the run: `run:<runId>` or `task:<runId>/<node>`. */
function startedBy(origin: string | undefined, runId: string): boolean {
  return origin === `run:${runId}` || origin?.startsWith(`task:${runId}/`) === true;
}
