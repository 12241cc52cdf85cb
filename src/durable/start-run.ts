import { randomUUID } from 'node:crypto';
import { jsonCodec } from '../codec/index.js';
import { describeValue, TributaryError } from '../errors/index.js';
import { findUnserializable } from '../engine/index.js';
import type { ExecutionResult } from '../executor/index.js';
import type { DagDefinition } from './define.js';
import { drive } from './drive.js';
import type { DurableRunOptions } from './options.js';
import { checkParams } from './params-schema.js';
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
  const engine = createEngine(def);
  const codec = options.codec ?? jsonCodec;
  const durability = options.durability ?? 'normal';
  const now = Date.now();
  const { store } = options;
  await store.createRun({
    runId,
    dagId: def.id,
    status: 'running',
    params,
    ...(options.partitionKey === undefined ? {} : { partitionKey: options.partitionKey }),
    ...(options.runKey === undefined ? {} : { runKey: options.runKey }),
    ...(options.module === undefined ? {} : { module: options.module }),
    graph: JSON.stringify(def.dag.toJSON()),
    createdAt: now,
    updatedAt: now,
    durability,
    codec: codec.name ?? 'custom',
  });
  const lease = await takeRun(store, runId, options);
  options.onCreated?.(runId);
  return drive({
    def,
    engine,
    runId,
    params,
    nextSeq: 1,
    lease,
    codec,
    durability,
    options,
    interrupted: [],
    retries: [],
  });
}
