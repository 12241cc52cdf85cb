import { TributaryError } from '../errors/index.js';
import type { DagDefinition, Trigger } from '../durable/index.js';
import type { BackfillPartitionPlan, StoredRunStatus } from '../store/index.js';
import {
  StaticPartitionSpace,
  UNPARTITIONED,
  type PartitionMapping,
  type Period,
  type PeriodSpace,
} from '../time/index.js';
import { assetIndex, leafMapping } from './asset-index.js';
import type { DagRegistry } from './registry.js';
import { mappedDownstream } from './mapped-periods.js';

/*
 * A backfill's plan: the (DAG, period) pairs it runs and, for each, the pairs of the plan it
 * waits for. Pure: the caller reads the store (the keys of dynamic partitions, which periods
 * already succeeded) and writes the plan.
 *
 * Propagation follows the edges along which data flows downstream: a DAG's declared
 * dependencies on the backfilled DAG (their mappings), its triggers, and the DAGs that run on
 * the assets it produces (their conditions' mappings). Each downstream DAG gets the periods its
 * mapping's `downstream` gives for the upstream periods of the plan; a downstream period waits
 * for the upstream periods of the plan its mapping's `upstream` names. The graph of DAGs is
 * acyclic (checked at load), so DAGs are planned in topological order, each once.
 *
 * Order: by period end (a static or dynamic key by its position), then by the DAG's place in
 * the topological order, so a day comes after its 24 hours, and an old period's downstream runs
 * before a newer period's upstream when concurrency allows (`oldest`, the default), or the
 * reverse for `newest`.
 */

const SUCCEEDED: readonly StoredRunStatus[] = ['succeeded'];
/** The upstream statuses that fire a trigger: the ones its run in a backfill waits for. */
const TRIGGER_ACCEPT: Readonly<Record<Trigger['on'], readonly StoredRunStatus[]>> = {
  success: SUCCEEDED,
  partial_success: ['partially_succeeded'],
  failure: ['failed'],
  finish: ['succeeded', 'partially_succeeded', 'failed', 'cancelled'],
};

/** A DAG edge along which a backfill propagates. */
interface Edge {
  readonly to: DagDefinition;
  readonly mapping: PartitionMapping;
  /** The upstream run statuses the edge accepts (a dependency's `accept`; `succeeded` otherwise). */
  readonly accept: readonly StoredRunStatus[];
}

/** A row of the plan another row waits for, and which of its run statuses free that row. */
export interface PlanLink {
  readonly row: number;
  readonly accept: ReadonlySet<StoredRunStatus>;
}

/** One (DAG, period) of a plan, with the rows of the plan it waits for. */
export interface PlannedPartition {
  readonly dagId: string;
  readonly period: Period;
  /**
   * The upstream rows this one waits for (indices into the plan's rows), each with the statuses
   * that satisfy it: a dependency that accepts partial success is freed by one.
   */
  readonly upstream: readonly PlanLink[];
}

/** What {@link planBackfill} needs. */
export interface PlanInput {
  readonly registry: DagRegistry;
  readonly root: DagDefinition;
  /** The root DAG's periods to backfill, in time (or key) order. */
  readonly periods: readonly Period[];
  readonly propagate: boolean;
  readonly order: 'oldest' | 'newest';
  /** The keys of each dynamic partition set a planned DAG uses, in insertion order. */
  readonly dynamicKeys?: (space: PeriodSpace) => readonly string[] | undefined;
  /** The time now, for mappings that read it (latest). */
  readonly now: number;
}

/**
 * Plan a backfill (see the comment at the top of this file). O(rows × edges) mapping calls.
 *
 * @example
 * ```ts
 * const rows = planBackfill({ registry, root, periods, propagate: true, order: 'oldest', now: Date.now() });
 * ```
 */
export function planBackfill(input: PlanInput): PlannedPartition[] {
  const { registry, root } = input;
  const order = backfillDags(registry, root, input.propagate);
  const rank = new Map(order.map((def, i) => [def.id, i]));
  const incoming = incomingEdges(registry, order);
  const planned = new Map<string, Map<string, Period>>([
    [root.id, new Map(input.periods.map((p) => [p.key, p]))],
  ]);
  if (input.propagate) {
    for (const def of order.slice(1)) {
      const periods = new Map<string, Period>();
      for (const { from, edge } of incoming.get(def.id)!) {
        const spaces = spacesOf(from, def, input.now);
        for (const upstream of planned.get(from.id)!.values()) {
          const downstream =
            spaces.downstream.kind === 'unpartitioned'
              ? [UNPARTITIONED]
              : mappedDownstream(edge.mapping, upstream, spaces);
          for (const p of downstream) periods.set(p.key, p);
        }
      }
      planned.set(def.id, periods);
    }
  }
  // Rows in run order, then the links between them.
  const sortKey = new Map<string, Map<string, number>>();
  for (const def of order) {
    const periods = [...planned.get(def.id)!.values()];
    const space = def.scheduling.periods;
    const keyed = new Map<string, number>();
    if (space.kind === 'time') {
      for (const p of periods) keyed.set(p.key, p.end);
    } else {
      const position = new Map(
        (input.dynamicKeys?.(space) ?? staticKeys(space) ?? []).map((k, i) => [k, i]),
      );
      for (const p of periods) keyed.set(p.key, position.get(p.key) ?? Number.MAX_SAFE_INTEGER);
    }
    sortKey.set(def.id, keyed);
  }
  const sign = input.order === 'newest' ? -1 : 1;
  const rows = order
    .flatMap((def) => [...planned.get(def.id)!.values()].map((period) => ({ def, period })))
    .sort(
      (a, b) =>
        sign *
          (sortKey.get(a.def.id)!.get(a.period.key)! - sortKey.get(b.def.id)!.get(b.period.key)!) ||
        rank.get(a.def.id)! - rank.get(b.def.id)!,
    );
  return linkRows(
    registry,
    order,
    rows.map(({ def, period }) => ({ dagId: def.id, period })),
    input.now,
  );
}

/**
 * The DAGs a backfill of `root` covers, root first, in topological order: the DAGs downstream
 * of it along propagation edges, or the root alone.
 *
 * @example
 * ```ts
 * backfillDags(project.dags, ingest, true).map((d) => d.id); // ['ingest', 'rollup', 'report']
 * ```
 */
export function backfillDags(
  registry: DagRegistry,
  root: DagDefinition,
  propagate: boolean,
): DagDefinition[] {
  return propagate ? downstreamOrder(registry, root) : [root];
}

/**
 * Link the rows of a plan: each row gets the indices of the rows it waits for (the upstream
 * periods its propagation edges' mappings name that are in the plan). `order` lists the plan's
 * DAGs ({@link backfillDags}); the first is the root, whose rows wait for nothing.
 *
 * @example
 * ```ts
 * const linked = linkRows(project.dags, backfillDags(project.dags, root, true), rows, Date.now());
 * ```
 */
export function linkRows(
  registry: DagRegistry,
  order: readonly DagDefinition[],
  rows: readonly { readonly dagId: string; readonly period: Period }[],
  now: number,
): PlannedPartition[] {
  const incoming = incomingEdges(registry, order);
  const root = order[0]!.id;
  const index = new Map(rows.map((row, i) => [`${row.dagId}\u0000${row.period.key}`, i]));
  const defs = new Map(order.map((def) => [def.id, def]));
  return rows.map(({ dagId, period }) => {
    const upstream = new Map<number, Set<StoredRunStatus>>();
    const def = defs.get(dagId);
    if (def !== undefined && dagId !== root)
      for (const { from, edge } of incoming.get(dagId)!) {
        let needed: readonly Period[];
        try {
          needed = edge.mapping.upstream(period, spacesOf(from, def, now)).periods;
        } catch {
          continue; // a period at the range's edge may map outside it: readiness judges the rest
        }
        for (const p of needed) {
          const i = index.get(`${from.id}\u0000${p.key}`);
          if (i === undefined) continue;
          // Linked several ways: every edge must be satisfied, so only statuses all accept.
          const before = upstream.get(i);
          upstream.set(
            i,
            new Set(before === undefined ? edge.accept : edge.accept.filter((s) => before.has(s))),
          );
        }
      }
    return { dagId, period, upstream: [...upstream].map(([row, accept]) => ({ row, accept })) };
  });
}

/**
 * The plan as the store keeps it: rows in order, those whose period already succeeded
 * `skipped` unless re-running succeeded periods.
 *
 * @example
 * ```ts
 * const rows = planRows(plan, (dag, key) => succeeded.has(`${dag}/${key}`), false);
 * ```
 */
export function planRows(
  plan: readonly PlannedPartition[],
  succeeded: (dagId: string, periodKey: string) => boolean,
  rerunSucceeded: boolean,
): BackfillPartitionPlan[] {
  return plan.map(({ dagId, period }, ord) => ({
    dagId,
    periodKey: period.key,
    ord,
    state: !rerunSucceeded && succeeded(dagId, period.key) ? 'skipped' : 'planned',
  }));
}

/** The DAGs downstream of `root` along propagation edges (root first), topologically ordered. */
function downstreamOrder(registry: DagRegistry, root: DagDefinition): DagDefinition[] {
  const reached = new Set<string>([root.id]);
  const stack = [root];
  while (stack.length > 0) {
    for (const { to } of downstreamEdges(registry, stack.pop()!)) {
      if (reached.has(to.id)) continue;
      reached.add(to.id);
      stack.push(to);
    }
  }
  // Kahn's algorithm on the reached DAGs, in registration order among equals: deterministic.
  const indegree = new Map([...reached].map((id) => [id, 0]));
  for (const id of reached)
    for (const { to } of downstreamEdges(registry, registry.get(id)!.definition))
      indegree.set(to.id, indegree.get(to.id)! + 1);
  const order: DagDefinition[] = [];
  const ready = [root];
  while (ready.length > 0) {
    const def = ready.shift()!;
    order.push(def);
    for (const { to } of downstreamEdges(registry, def)) {
      const left = indegree.get(to.id)! - 1;
      indegree.set(to.id, left);
      if (left === 0) ready.push(to);
    }
  }
  if (order.length !== reached.size)
    throw new TributaryError(
      'CYCLE_DETECTED',
      `The DAGs downstream of "${root.id}" form a cycle; a backfill cannot order them`,
      { context: { dagId: root.id } },
    );
  return order;
}

/** The propagation edges out of `def` (several to one DAG when it is linked several ways). */
function downstreamEdges(registry: DagRegistry, def: DagDefinition): Edge[] {
  const edges: Edge[] = [];
  for (const { definition, dependency } of registry.dependentsOf(def.id))
    edges.push({ to: definition, mapping: dependency.mapping, accept: dependency.accept });
  for (const trigger of def.scheduling.triggers) {
    const to = registry.get(trigger.dag)?.definition;
    if (to !== undefined)
      edges.push({ to, mapping: trigger.mapping, accept: TRIGGER_ACCEPT[trigger.on] });
  }
  const assets = assetIndex(registry);
  for (const asset of new Set(def.assets.produces.map((p) => p.asset))) {
    const info = assets.get(asset)!;
    for (const { def: to, leaves } of info.consumers)
      for (const leaf of leaves)
        edges.push({
          to,
          mapping: leafMapping(leaf, info.partitions, to.scheduling.periods),
          accept: SUCCEEDED,
        });
  }
  return edges;
}

/** The propagation edges between the plan's DAGs, by downstream DAG. */
function incomingEdges(
  registry: DagRegistry,
  order: readonly DagDefinition[],
): Map<string, { from: DagDefinition; edge: Edge }[]> {
  const out = new Map(order.map((def) => [def.id, [] as { from: DagDefinition; edge: Edge }[]]));
  for (const from of order)
    for (const edge of downstreamEdges(registry, from)) out.get(edge.to.id)?.push({ from, edge });
  return out;
}

function spacesOf(from: DagDefinition, to: DagDefinition, now: number) {
  return { upstream: from.scheduling.periods, downstream: to.scheduling.periods, now };
}

function staticKeys(space: PeriodSpace): readonly string[] | undefined {
  return space instanceof StaticPartitionSpace ? space.keys : undefined;
}
