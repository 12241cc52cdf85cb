import { randomUUID } from 'node:crypto';
import { jsonCodec } from '../codec/index.js';
import { describeValue, TributaryError } from '../errors/index.js';
import { findUnserializable } from '../engine/index.js';
import type { ExecutionResult } from '../executor/index.js';
import type { DagDefinition } from './define.js';
import { graphText } from './graph-text.js';
import { drive } from './drive.js';
import type { DurableRunOptions } from './options.js';
import { checkParams } from './params-schema.js';
import { runPeriod } from './run-period.js';
import type { Period } from '../time/index.js';
import type { CreateRunOptions } from '../store/index.js';
import { createEngine } from './replay.js';
import { takeRun } from './run-lease.js';

/**
 * Start a durable run: the run is recorded, this process takes its lease, every engine event is
 * journaled with bounded group commits, and the run can be resumed after a crash with
 * {@link resumeRun}.
 *
 * @example
 * ```ts
 * const store = SqliteStore.open('.tributary/tributary.db');
 * const result = await startRun(etl, { store, params: { day: '2026-11-21' } });
 * ```
 */
export async function startRun(
  def: DagDefinition,
  options: DurableRunOptions,
): Promise<ExecutionResult> {
  const { runId, params, period } = await recordRun(def, options, 'running');
  const engine = createEngine(def);
  const lease = await takeRun(options.store, runId, options);
  options.onCreated?.(runId);
  return drive({
    def,
    engine,
    runId,
    params,
    period,
    periodKey: options.partitionKey ?? '',
    nextSeq: 1,
    lease,
    codec: options.codec ?? jsonCodec,
    durability: options.durability ?? 'normal',
    options,
    interrupted: [],
    retries: [],
  });
}

/**
 * Record a run without starting it: status `queued`, params checked (schema, JSON) as for
 * {@link startRun}. The scheduler queues runs whose dependencies or concurrency limit hold them
 * and starts each later with `resumeRun`. Returns the run id; `RUN_EXISTS` (with
 * `context.existingRunId`) when a run with the same identity exists. `create` writes the run's
 * consumed asset events, or its backfill plan row, in the same transaction as the run.
 *
 * @example
 * ```ts
 * const runId = await queueRun(report, { store, partitionKey: period.key, runKey: '' });
 * ```
 */
export async function queueRun(
  def: DagDefinition,
  options: Omit<DurableRunOptions, 'onCreated'>,
  create?: CreateRunOptions,
): Promise<string> {
  return (await recordRun(def, options, 'queued', create)).runId;
}

/** Check the params and record a new run with `status`; nothing is recorded on a bad param. */
async function recordRun(
  def: DagDefinition,
  options: DurableRunOptions,
  status: 'running' | 'queued',
  create?: CreateRunOptions,
): Promise<{ runId: string; params: Record<string, unknown>; period: Period | undefined }> {
  // A period key the DAG cannot parse is refused before anything is recorded.
  const period = runPeriod(def, options.partitionKey);
  const given = { ...def.params, ...options.params };
  const params =
    def.paramsSchema === undefined ? given : await checkParams(def.id, def.paramsSchema, given);
  const bad = findUnserializable(params);
  if (bad !== undefined) {
    throw new TributaryError(
      'NOT_SERIALIZABLE',
      `Run parameter \`params${bad.path}\` must be JSON-serializable, got ${describeValue(bad.value)}`,
      { context: { field: `params${bad.path}` } },
    );
  }
  const runId = options.runId ?? randomUUID();
  const now = Date.now();
  await options.store.createRun(
    {
      runId,
      dagId: def.id,
      status,
      params,
      ...(options.partitionKey === undefined ? {} : { partitionKey: options.partitionKey }),
      ...(options.runKey === undefined ? {} : { runKey: options.runKey }),
      ...(options.module === undefined ? {} : { module: options.module }),
      ...(options.origin === undefined ? {} : { origin: options.origin }),
      graph: graphText(def.dag),
      createdAt: now,
      updatedAt: now,
      durability: options.durability ?? 'normal',
      codec: (options.codec ?? jsonCodec).name ?? 'custom',
    },
    create,
  );
  return { runId, params, period };
}
