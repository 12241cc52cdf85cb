import { TributaryError } from '../errors/index.js';
import type { RunStore, StaleInput, StoredRunStatus } from '../store/index.js';
import {
  CronSchedule,
  DynamicPartitionSpace,
  partitionRange,
  StaticPartitionSpace,
  type Period,
  type PeriodSpace,
} from '../time/index.js';
import { assetIndex } from './asset-index.js';
import type { DagRegistry } from './registry.js';

/**
 * Where one partition is: no run yet (`missing`), its latest run's state, or `stale` when that
 * run succeeded but an asset partition it read has a newer data version now. An asset's
 * partition is `materialized` (or `missing`, `stale`).
 */
export type PartitionState =
  | 'missing'
  | 'queued'
  | 'running'
  | 'succeeded'
  | 'partial'
  | 'failed'
  | 'cancelled'
  | 'stale'
  | 'materialized';

/** One partition's state, with its latest run or asset event. */
export interface PartitionStatus {
  readonly key: string;
  readonly state: PartitionState;
  readonly runId?: string;
  /** The asset partition's latest data version and event (assets). */
  readonly dataVersion?: string;
  readonly eventId?: number;
  /** Why it is stale: the inputs that changed since its run read them. */
  readonly staleInputs?: readonly StaleInput[];
}

/** The partitions of a DAG or an asset over a range, in order, with counts by state. */
export interface PartitionReport {
  readonly subject: { readonly kind: 'dag' | 'asset'; readonly id: string };
  /** The partition set, for people: `daily partitions in UTC from 2024-01-01`. */
  readonly partitions: string;
  readonly statuses: readonly PartitionStatus[];
  readonly counts: Readonly<Partial<Record<PartitionState, number>>>;
}

/** The range to report (keys included); default: the partitions' start (or the first run) to now. */
export interface PartitionStatusOptions {
  readonly from?: string;
  readonly to?: string;
  /** Epoch ms; default `Date.now()`. */
  readonly now?: number;
}

const BY_STATUS: Readonly<Record<StoredRunStatus, PartitionState>> = {
  queued: 'queued',
  running: 'running',
  succeeded: 'succeeded',
  partially_succeeded: 'partial',
  failed: 'failed',
  cancelled: 'cancelled',
};

/**
 * The partition status of DAG `dagId`: every partition of the range with its latest run's
 * state, `missing` without a run, `stale` when its succeeded run read an asset partition that
 * has a newer version now. Three store reads whatever the number of partitions.
 *
 * @example
 * ```ts
 * const report = await dagPartitionStatus(project.dags, store, 'report', { from: '2026-01-01' });
 * report.counts.failed; // 2
 * ```
 */
export async function dagPartitionStatus(
  registry: DagRegistry,
  store: RunStore,
  dagId: string,
  options: PartitionStatusOptions = {},
): Promise<PartitionReport> {
  const def = registry.get(dagId)?.definition;
  if (def === undefined)
    throw new TributaryError('DAG_NOT_FOUND', `No DAG "${dagId}" in the project`, {
      context: { received: dagId },
    });
  const runs = await store.latestRunPerPeriod(dagId);
  const stale = new Map<string, StaleInput[]>();
  for (const input of await store.staleInputs(dagId)) {
    let list = stale.get(input.periodKey);
    if (list === undefined) stale.set(input.periodKey, (list = []));
    list.push(input);
  }
  const latest = new Map(runs.map((r) => [r.periodKey, r]));
  const periods = await rangeOf(def.scheduling.periods, store, options, () =>
    runs.map((r) => r.periodKey),
  );
  const statuses: PartitionStatus[] = [];
  for (const period of periods) {
    const run = latest.get(period.key);
    if (run === undefined) {
      statuses.push({ key: period.key, state: 'missing' });
      continue;
    }
    const changed = run.status === 'succeeded' ? stale.get(period.key) : undefined;
    statuses.push(
      changed === undefined
        ? { key: period.key, state: BY_STATUS[run.status], runId: run.runId }
        : { key: period.key, state: 'stale', runId: run.runId, staleInputs: changed },
    );
  }
  return report('dag', dagId, def.scheduling.periods, statuses);
}

/**
 * The partition status of an asset: each partition of the range `materialized` (with its latest
 * data version), `missing`, or `stale` when the run that produced it read inputs that changed
 * since.
 *
 * @example
 * ```ts
 * const report = await assetPartitionStatus(project.dags, store, 'warehouse://sales/daily');
 * ```
 */
export async function assetPartitionStatus(
  registry: DagRegistry,
  store: RunStore,
  asset: string,
  options: PartitionStatusOptions = {},
): Promise<PartitionReport> {
  const info = assetIndex(registry).get(asset);
  if (info === undefined)
    throw new TributaryError(
      'UNKNOWN_ASSET',
      `No DAG of the project produces or runs on asset \`${asset}\`, and the project does not declare it external`,
      { context: { received: asset } },
    );
  const events = await store.latestAssetEvents(asset);
  const staleRuns = new Map<string, StaleInput[]>();
  for (const { dagId } of info.producers)
    for (const input of await store.staleInputs(dagId)) {
      let list = staleRuns.get(input.runId);
      if (list === undefined) staleRuns.set(input.runId, (list = []));
      list.push(input);
    }
  const latest = new Map(events.map((e) => [e.partitionKey, e]));
  const periods = await rangeOf(info.partitions, store, options, () =>
    events.map((e) => e.partitionKey),
  );
  const statuses = Array.from(periods, (period): PartitionStatus => {
    const event = latest.get(period.key);
    if (event === undefined) return { key: period.key, state: 'missing' };
    const changed = event.runId === undefined ? undefined : staleRuns.get(event.runId);
    return {
      key: period.key,
      state: changed === undefined ? 'materialized' : 'stale',
      dataVersion: event.dataVersion,
      eventId: event.id,
      ...(event.runId === undefined ? {} : { runId: event.runId }),
      ...(changed === undefined ? {} : { staleInputs: changed }),
    };
  });
  return report('asset', asset, info.partitions, statuses);
}

function report(
  kind: 'dag' | 'asset',
  id: string,
  periods: PeriodSpace,
  statuses: PartitionStatus[],
): PartitionReport {
  const counts: Partial<Record<PartitionState, number>> = {};
  for (const s of statuses) counts[s.state] = (counts[s.state] ?? 0) + 1;
  return {
    subject: { kind, id },
    partitions: periods.description,
    statuses,
    counts,
  };
}

/**
 * The periods to report, in order. A time partition set goes from `from` (default: its first
 * period when it has a start, else the earliest key seen) to `to` (default: the last period
 * closed now); a static set lists its keys; a dynamic set its stored keys.
 */
async function rangeOf(
  space: PeriodSpace,
  store: RunStore,
  options: PartitionStatusOptions,
  seen: () => readonly string[],
): Promise<Iterable<Period>> {
  switch (space.kind) {
    case 'unpartitioned':
      return [...partitionRange(space, '', '')];
    case 'static': {
      const keys = space instanceof StaticPartitionSpace ? space.keys : [];
      if (keys.length === 0) return [];
      return [...partitionRange(space, options.from ?? keys[0]!, options.to ?? keys.at(-1)!)];
    }
    case 'dynamic': {
      if (!(space instanceof DynamicPartitionSpace)) return [];
      const keys = (await store.partitionKeys(space.name)).map((k) => k.key);
      if (keys.length === 0) return [];
      return [
        ...partitionRange(space, options.from ?? keys[0]!, options.to ?? keys.at(-1)!, { keys }),
      ];
    }
    case 'time': {
      const now = options.now ?? Date.now();
      const last = options.to ?? space.lastClosed(now)?.key;
      const first = options.from ?? firstKey(space, seen, now);
      if (first === undefined || last === undefined) return [];
      return partitionRange(space, first, last);
    }
  }
}

/** The first period of a time set that has a start; else the earliest period seen in the store. */
function firstKey(
  space: PeriodSpace,
  seen: () => readonly string[],
  now: number,
): string | undefined {
  const start = space instanceof CronSchedule ? space.start : undefined;
  if (start !== undefined) {
    const first = space.periods(start, now).next();
    return first.done === true ? undefined : first.value.key;
  }
  let earliest: Period | undefined;
  for (const key of seen()) {
    let period: Period;
    try {
      period = space.parse(key);
    } catch {
      continue; // a key the partitions no longer write
    }
    if (earliest === undefined || period.start < earliest.start) earliest = period;
  }
  return earliest?.key;
}
