import type { DagDefinition } from '../durable/index.js';
import { conditionLeaves, evaluateCondition } from '../durable/index.js';
import type { CreateRunOptions, RunInput, RunStore, StoredAssetEvent } from '../store/index.js';
import { requirementMet, UNPARTITIONED, type Period } from '../time/index.js';
import { assetIndex, leafMapping, type AssetInfo, type AssetLeaf } from './asset-index.js';
import type { Project } from './load-project.js';
import { mappedDownstream } from './mapped-periods.js';

/** How the scheduler makes a run: found by identity, or queued with what `create` says. */
export type EnsureRun = (
  def: DagDefinition,
  period: Period,
  origin: string,
  runKey: string,
  create: CreateRunOptions,
) => Promise<string>;

/*
 * Asset-driven runs. When an asset event reaches the feed, each DAG whose `onAssets` names the
 * asset is evaluated for the periods the event's partition maps to (its one period when the DAG
 * is unpartitioned). A period whose condition holds gets a run that consumes every event of
 * the condition's assets the DAG has not consumed yet, for the partitions that period maps to
 * (coalescing: one run per period takes all its pending events). The run and its inputs are
 * written in one transaction, under the run key `assets:<highest event id>`, so a pass repeated
 * after a crash finds the same run instead of consuming the events twice. While a period's
 * asset-driven run is still queued, no second one is made: when it starts it consumes the
 * events that arrived meanwhile (`inputsAtStart`).
 *
 * Events made by the runs of a backfill make no run: the backfill plans the consumers' runs
 * itself (or, with propagation off, does not run them). They are consumed like any other event
 * by the next run of the period, which reads what is there.
 */
export class AssetRuns {
  readonly #project: Project;
  readonly #store: RunStore;
  readonly #ensureRun: EnsureRun;
  readonly #now: () => number;
  readonly #isBackfillRun: (runId: string) => boolean;
  /** Whether a producing run is a backfill's, by run id: runs never change keys. */
  readonly #backfillRuns = new Map<string, boolean>();

  constructor(
    project: Project,
    store: RunStore,
    ensureRun: EnsureRun,
    now: () => number,
    isBackfillRun: (runId: string) => boolean,
  ) {
    this.#project = project;
    this.#store = store;
    this.#ensureRun = ensureRun;
    this.#now = now;
    this.#isBackfillRun = isBackfillRun;
  }

  /** An event of `asset` for `partitionKey` was recorded: evaluate the DAGs that run on it. */
  async materialized(asset: string, partitionKey: string): Promise<void> {
    const info = assetIndex(this.#project.dags).get(asset);
    if (info === undefined) return;
    for (const { def, leaves } of info.consumers) {
      const periods = new Map<string, Period>();
      for (const leaf of leaves)
        for (const period of this.#periodsOf(def, leaf, info, partitionKey))
          periods.set(period.key, period);
      for (const period of periods.values()) await this.#evaluate(def, period, asset);
    }
  }

  /**
   * True when a run of `def` reads assets when it starts (see {@link inputsAtStart}): it runs on
   * assets, or an upstream DAG it depends on produces some. Cheap: no store access.
   */
  readsAssets(def: DagDefinition): boolean {
    return (
      def.scheduling.onAssets !== undefined ||
      def.scheduling.dependsOn.some(
        (d) => (this.#project.dags.get(d.dag)?.definition.assets.produces.length ?? 0) > 0,
      )
    );
  }

  /**
   * What a run of `def` for `period` reads when it starts: the events of its condition's
   * assets it has not consumed (so a later update is judged against them), and the latest
   * events of the assets its upstream DAGs produce for the periods it depends on (so its
   * period can be found stale when they change).
   */
  async inputsAtStart(def: DagDefinition, period: Period): Promise<RunInput[]> {
    const inputs = new Map<number, RunInput>();
    const add = (events: readonly StoredAssetEvent[]): void => {
      for (const e of events) inputs.set(e.id, inputOf(e));
    };
    const condition = def.scheduling.onAssets;
    if (condition !== undefined) {
      const index = assetIndex(this.#project.dags);
      for (const leaf of conditionLeaves(condition)) {
        const info = index.get(leaf.asset);
        if (info === undefined) continue;
        const keys = this.#neededKeys(def, leaf, info, period);
        add(await this.#store.unconsumedAssetEvents(def.id, [leaf.asset], keys?.keys));
      }
    }
    for (const dependency of def.scheduling.dependsOn) {
      const upstream = this.#project.dags.get(dependency.dag)?.definition;
      if (upstream === undefined || upstream.assets.produces.length === 0) continue;
      let keys: string[];
      try {
        keys = dependency.mapping
          .upstream(period, {
            upstream: upstream.scheduling.periods,
            downstream: def.scheduling.periods,
          })
          .periods.map((p) => p.key);
      } catch {
        continue; // readiness reported it; nothing to read
      }
      for (const asset of new Set(upstream.assets.produces.map((p) => p.asset)))
        add(await this.#store.latestAssetEvents(asset, keys));
    }
    return [...inputs.values()];
  }

  async #evaluate(def: DagDefinition, period: Period, trigger: string): Promise<void> {
    const condition = def.scheduling.onAssets!;
    const index = assetIndex(this.#project.dags);
    const pending = new Map<number, StoredAssetEvent>();
    const updated = new Map<AssetLeaf, boolean>();
    for (const leaf of conditionLeaves(condition)) {
      const info = index.get(leaf.asset);
      if (info === undefined) {
        updated.set(leaf, false);
        continue;
      }
      const needed = this.#neededKeys(def, leaf, info, period);
      const events = await this.#store.unconsumedAssetEvents(def.id, [leaf.asset], needed?.keys);
      // Every pending event is consumed; only those not made by a backfill's runs make a run.
      const fresh: StoredAssetEvent[] = [];
      for (const e of events) {
        pending.set(e.id, e);
        if (!(await this.#fromBackfill(e))) fresh.push(e);
      }
      if (needed === undefined) {
        updated.set(leaf, fresh.length > 0);
        continue;
      }
      // Partition-aware: the mapped partitions meet the requirement, and one of them is new.
      const freshKeys = new Set(fresh.map((e) => e.partitionKey));
      const materialized = new Set(
        (await this.#store.latestAssetEvents(leaf.asset, needed.keys)).map((e) => e.partitionKey),
      );
      updated.set(
        leaf,
        needed.keys.some((k) => freshKeys.has(k)) &&
          requirementMet(needed.upstream, (p) => materialized.has(p.key)),
      );
    }
    if (!evaluateCondition(condition, (leaf) => updated.get(leaf) === true)) return;
    // One asset-driven run per period at a time: a queued one takes these events when it starts.
    const queued = await this.#store.listRuns({
      dagId: def.id,
      periodKey: period.key,
      status: 'queued',
      limit: 100,
    });
    if (queued.some((run) => run.runKey?.startsWith('assets:') === true)) return;
    const inputs = [...pending.values()].map(inputOf);
    const last = Math.max(...inputs.map((i) => i.eventId));
    await this.#ensureRun(def, period, `asset:${trigger}`, `assets:${last}`, { inputs });
  }

  /**
   * The asset partitions a leaf needs for `period` when the leaf is partition-aware (both the
   * DAG and the asset are partitioned); undefined for recency (any partition).
   */
  #neededKeys(def: DagDefinition, leaf: AssetLeaf, info: AssetInfo, period: Period) {
    const consumer = def.scheduling.periods;
    if (consumer.kind === 'unpartitioned' || info.partitions.kind === 'unpartitioned')
      return undefined;
    const upstream = leafMapping(leaf, info.partitions, consumer).upstream(period, {
      upstream: info.partitions,
      downstream: consumer,
      now: this.#now(),
    });
    return { upstream, keys: upstream.periods.map((p) => p.key) };
  }

  /** The periods of `def` an event of `info` for `partitionKey` may complete. */
  #periodsOf(def: DagDefinition, leaf: AssetLeaf, info: AssetInfo, partitionKey: string): Period[] {
    const consumer = def.scheduling.periods;
    if (consumer.kind === 'unpartitioned') return [UNPARTITIONED];
    if (info.partitions.kind === 'unpartitioned') return [];
    const spaces = { upstream: info.partitions, downstream: consumer, now: this.#now() };
    return mappedDownstream(
      leafMapping(leaf, info.partitions, consumer),
      info.partitions.parse(partitionKey),
      spaces,
    );
  }

  /** True for an event a backfill's run produced (its run key says so; cached per run). */
  async #fromBackfill(event: StoredAssetEvent): Promise<boolean> {
    const { runId } = event;
    if (runId === undefined) return false;
    if (this.#isBackfillRun(runId)) return true;
    let known = this.#backfillRuns.get(runId);
    if (known === undefined) {
      const run = await this.#store.getRun(runId);
      known = run?.runKey?.startsWith('backfill:') === true;
      if (this.#backfillRuns.size >= 10_000) this.#backfillRuns.clear();
      this.#backfillRuns.set(runId, known);
    }
    return known;
  }
}

function inputOf(e: StoredAssetEvent): RunInput {
  return {
    eventId: e.id,
    asset: e.asset,
    partitionKey: e.partitionKey,
    dataVersion: e.dataVersion,
  };
}
