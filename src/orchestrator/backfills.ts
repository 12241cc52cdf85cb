import { randomUUID } from 'node:crypto';
import { invalidArgument, TributaryError } from '../errors/index.js';
import type { DagDefinition } from '../durable/index.js';
import type { BackfillPartitionPlan, RunStore, StoredBackfill } from '../store/index.js';
import {
  countPartitions,
  DynamicPartitionSpace,
  partitionRange,
  type PeriodSpace,
} from '../time/index.js';
import { planBackfill, planRows } from './backfill-plan.js';
import type { DagRegistry } from './registry.js';

/** A backfill of more runs than this needs `confirm: true` (`--yes` on the command line). */
export const LARGE_BACKFILL = 100_000;

/** What to backfill (see {@link createBackfill}). */
export interface BackfillRequest {
  /** The DAG whose periods to run again. */
  readonly dag: string;
  /** The first and last partition keys of the range, both included. */
  readonly from: string;
  readonly to: string;
  /** Also backfill every downstream DAG for the periods mapped from the range. Default true. */
  readonly propagate?: boolean;
  /** Run periods whose latest run succeeded too. Default false: they are skipped. */
  readonly rerunSucceeded?: boolean;
  /** Runs of the backfill queued or running at once. Default 8. */
  readonly maxConcurrent?: number;
  /** Which periods first. Default `oldest`. */
  readonly order?: 'oldest' | 'newest';
  /** Allow a plan of more than {@link LARGE_BACKFILL} runs. */
  readonly confirm?: boolean;
  /** Who asks: `cli:<user>`, `api:<user>`. Default `lib`. */
  readonly by?: string;
  /** The time now (epoch ms). Default `Date.now()`. */
  readonly now?: number;
}

/** A backfill's settings as stored with it (its `spec`). */
export interface BackfillSpec {
  readonly from: string;
  readonly to: string;
  readonly propagate: boolean;
  readonly rerunSucceeded: boolean;
  readonly maxConcurrent: number;
  readonly order: 'oldest' | 'newest';
}

/** A planned backfill, not yet written: what `--dry-run` prints. */
export interface BackfillPreview {
  readonly dagId: string;
  readonly spec: BackfillSpec;
  /** Every (DAG, period) in run order, `skipped` when it already succeeded. */
  readonly rows: readonly BackfillPartitionPlan[];
  /** Per DAG, in the plan's order: runs to make, periods skipped, first and last key. */
  readonly dags: readonly {
    readonly dagId: string;
    readonly planned: number;
    readonly skipped: number;
    readonly first: string;
    readonly last: string;
  }[];
}

/**
 * Plan a backfill without writing anything (`--dry-run`): checks the request, lists the
 * range, propagates it and marks the periods that already succeeded. Bad input is a typed
 * error quoting it: `DAG_NOT_FOUND`, `INVALID_PERIOD_KEY` (a key outside the DAG's partitions),
 * `INVALID_RANGE` (`from` after `to`), `CONFIRMATION_REQUIRED` (a huge plan without `confirm`),
 * `INVALID_ARGUMENT`.
 *
 * @example
 * ```ts
 * const preview = await previewBackfill(project.dags, store, { dag: 'ingest', from: '2024-01-01', to: '2025-12-31' });
 * ```
 */
export async function previewBackfill(
  registry: DagRegistry,
  store: RunStore,
  request: BackfillRequest,
): Promise<BackfillPreview> {
  const spec = specOf(request);
  const root = registry.get(request.dag)?.definition;
  if (root === undefined)
    throw new TributaryError(
      'DAG_NOT_FOUND',
      `No DAG "${String(request.dag)}" in the project: cannot backfill it`,
      { context: { received: request.dag } },
    );
  const dynamic = new Map<PeriodSpace, readonly string[]>();
  const keysOf = async (def: DagDefinition): Promise<void> => {
    const space = def.scheduling.periods;
    if (!(space instanceof DynamicPartitionSpace) || dynamic.has(space)) return;
    dynamic.set(
      space,
      (await store.partitionKeys(space.name)).map((k) => k.key),
    );
  };
  for (const { definition } of registry) await keysOf(definition);
  const space = root.scheduling.periods;
  const keys = dynamic.get(space);
  const count = countPartitions(space, spec.from, spec.to, {
    ...(keys === undefined ? {} : { keys }),
    limit: LARGE_BACKFILL + 1,
  });
  if (count > LARGE_BACKFILL && request.confirm !== true)
    tooLarge(root.id, spec, `more than ${LARGE_BACKFILL}`);
  const periods = [
    ...partitionRange(space, spec.from, spec.to, keys === undefined ? {} : { keys }),
  ];
  const plan = planBackfill({
    registry,
    root,
    periods,
    propagate: spec.propagate,
    order: spec.order,
    dynamicKeys: (s) => dynamic.get(s),
    // A range that reaches past now is asked for: its downstream periods are planned too.
    now: Math.max(request.now ?? Date.now(), periods.at(-1)?.end ?? -Infinity),
  });
  if (plan.length > LARGE_BACKFILL && request.confirm !== true)
    tooLarge(root.id, spec, String(plan.length));
  const succeeded = new Set<string>();
  if (!spec.rerunSucceeded)
    for (const dagId of new Set(plan.map((p) => p.dagId)))
      for (const run of await store.latestRunPerPeriod(dagId))
        if (run.status === 'succeeded') succeeded.add(`${dagId}\u0000${run.periodKey}`);
  const rows = planRows(
    plan,
    (dag, key) => succeeded.has(`${dag}\u0000${key}`),
    spec.rerunSucceeded,
  );
  const dags = new Map<
    string,
    { dagId: string; planned: number; skipped: number; first: string; last: string }
  >();
  for (const row of rows) {
    let entry = dags.get(row.dagId);
    if (entry === undefined)
      dags.set(
        row.dagId,
        (entry = {
          dagId: row.dagId,
          planned: 0,
          skipped: 0,
          first: row.periodKey,
          last: row.periodKey,
        }),
      );
    if (row.state === 'skipped') entry.skipped++;
    else entry.planned++;
    entry.last = row.periodKey;
  }
  return { dagId: root.id, spec, rows, dags: [...dags.values()] };
}

/**
 * Create a backfill: plan it (see {@link previewBackfill}) and write it with its whole plan in
 * one transaction (a rejected backfill writes nothing). The scheduler then makes its runs,
 * at most `maxConcurrent` at a time, each downstream period once the periods of the plan it
 * waits for succeeded; after a crash it goes on from the plan and the runs in the store.
 *
 * @example
 * ```ts
 * const backfill = await createBackfill(project.dags, store, { dag: 'ingest', from: '2024-01-01', to: '2025-12-31' });
 * ```
 */
export async function createBackfill(
  registry: DagRegistry,
  store: RunStore,
  request: BackfillRequest,
): Promise<StoredBackfill> {
  const preview = await previewBackfill(registry, store, request);
  const id = `bf-${randomUUID().slice(0, 8)}`;
  await store.createBackfill(
    {
      id,
      dagId: preview.dagId,
      spec: JSON.stringify(preview.spec),
      createdBy: request.by ?? 'lib',
      at: request.now ?? Date.now(),
    },
    preview.rows,
  );
  return (await store.getBackfill(id))!;
}

/**
 * Cancel a running backfill: it makes no more runs, and the scheduler cancels the runs it made
 * that have not ended. False when it had already ended; `BACKFILL_NOT_FOUND` for an unknown id.
 *
 * @example
 * ```ts
 * await cancelBackfill(store, 'bf-1a2b3c4d');
 * ```
 */
export async function cancelBackfill(
  store: RunStore,
  id: string,
  at = Date.now(),
): Promise<boolean> {
  return store.finishBackfill(id, 'cancelled', at);
}

/**
 * A stored backfill's spec.
 *
 * @example
 * ```ts
 * backfillSpec(backfill).maxConcurrent; // 8
 * ```
 */
export function backfillSpec(backfill: StoredBackfill): BackfillSpec {
  return JSON.parse(backfill.spec) as BackfillSpec;
}

function specOf(request: BackfillRequest): BackfillSpec {
  if (typeof request !== 'object' || request === null)
    invalidArgument('the backfill request', 'an object', request);
  const {
    from,
    to,
    propagate = true,
    rerunSucceeded = false,
    maxConcurrent = 8,
    order = 'oldest',
  } = request;
  if (typeof from !== 'string') invalidArgument('`from` of the backfill', 'a partition key', from);
  if (typeof to !== 'string') invalidArgument('`to` of the backfill', 'a partition key', to);
  if (typeof propagate !== 'boolean')
    invalidArgument('`propagate` of the backfill', 'true or false', propagate);
  if (typeof rerunSucceeded !== 'boolean')
    invalidArgument('`rerunSucceeded` of the backfill', 'true or false', rerunSucceeded);
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1)
    invalidArgument('`maxConcurrent` of the backfill', 'an integer >= 1', maxConcurrent);
  if (order !== 'oldest' && order !== 'newest')
    invalidArgument('`order` of the backfill', "'oldest' or 'newest'", order);
  return { from, to, propagate, rerunSucceeded, maxConcurrent, order };
}

function tooLarge(dagId: string, spec: BackfillSpec, count: string): never {
  throw new TributaryError(
    'CONFIRMATION_REQUIRED',
    `A backfill of "${dagId}" from \`${spec.from}\` to \`${spec.to}\` would make ${count} runs; confirm a backfill of more than ${LARGE_BACKFILL} runs explicitly (--yes, or confirm: true)`,
    { context: { dagId, from: spec.from, to: spec.to, limit: LARGE_BACKFILL } },
  );
}
