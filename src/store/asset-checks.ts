import { invalidArgument, TributaryError } from '../errors/index.js';
import { checkAssetUri, type NewAssetEvent, type RunInput } from './assets.js';
import type { BackfillPartitionPlan, NewBackfill } from './backfills.js';

/**
 * The checks every backend makes at the boundary of the asset and backfill tables, before it
 * writes anything: a refused call writes nothing. Each error quotes the value received.
 */

const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';
const isTime = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

/**
 * Check events to record: an asset URI, a partition key (a string, `''` for none), optional
 * version (non-empty), metadata (JSON text), run and node, a source and a time.
 *
 * @example
 * ```ts
 * checkAssetEvents([{ asset: 'db://t', partitionKey: '', source: 'cli:me', at: Date.now() }]);
 * ```
 */
export function checkAssetEvents(events: readonly NewAssetEvent[]): void {
  checkArray(events, 'the asset events');
  for (const e of events) {
    if (typeof e !== 'object' || e === null) invalidArgument('an asset event', 'an object', e);
    checkAssetUri(e.asset, 'the asset of an event');
    if (typeof e.partitionKey !== 'string')
      invalidArgument(
        'the partition key of an asset event',
        "a string ('' for none)",
        e.partitionKey,
      );
    if (e.dataVersion !== undefined && !isText(e.dataVersion))
      invalidArgument('the data version of an asset event', 'a non-empty string', e.dataVersion);
    if (e.metadata !== undefined) checkJsonText(e.metadata, 'the metadata of an asset event');
    if (e.runId !== undefined && !isText(e.runId))
      invalidArgument('the run id of an asset event', 'a non-empty string', e.runId);
    if (e.node !== undefined && !isText(e.node))
      invalidArgument('the node of an asset event', 'a non-empty string', e.node);
    if (!isText(e.source))
      invalidArgument('the source of an asset event', 'a non-empty string', e.source);
    if (!isTime(e.at))
      invalidArgument('the time of an asset event', 'a finite number of epoch ms', e.at);
  }
}

/**
 * Check run inputs: a positive integer event id, an asset URI, a partition key and a version.
 *
 * @example
 * ```ts
 * checkRunInputs([{ eventId: 7, asset: 'db://t', partitionKey: '', dataVersion: 'v1' }]);
 * ```
 */
export function checkRunInputs(inputs: readonly RunInput[]): void {
  checkArray(inputs, 'the run inputs');
  for (const i of inputs) {
    if (typeof i !== 'object' || i === null) invalidArgument('a run input', 'an object', i);
    if (!Number.isSafeInteger(i.eventId) || i.eventId < 1)
      invalidArgument('the event id of a run input', 'an integer >= 1', i.eventId);
    checkAssetUri(i.asset, 'the asset of a run input');
    if (typeof i.partitionKey !== 'string')
      invalidArgument('the partition key of a run input', "a string ('' for none)", i.partitionKey);
    if (!isText(i.dataVersion))
      invalidArgument('the data version of a run input', 'a non-empty string', i.dataVersion);
  }
}

/**
 * Check the arguments of `addPartitionKeys`: a set name, keys, who and when.
 *
 * @example
 * ```ts
 * checkPartitionKeys('customers', ['acme'], 'cli:me', Date.now());
 * ```
 */
export function checkPartitionKeys(
  set: string,
  keys: readonly string[],
  by: string,
  at: number,
): void {
  checkSetName(set);
  checkArray(keys, 'the partition keys');
  for (const key of keys)
    if (!isText(key)) invalidArgument(`a key of partition set "${set}"`, 'a non-empty string', key);
  if (!isText(by)) invalidArgument('who adds partition keys', 'a non-empty string', by);
  if (!isTime(at)) invalidArgument('the time partition keys are added', 'a finite number', at);
}

/**
 * Check a partition set's name: a non-empty string.
 *
 * @example
 * ```ts
 * checkSetName('customers');
 * ```
 */
export function checkSetName(set: string): void {
  if (!isText(set)) invalidArgument('a partition set name', 'a non-empty string', set);
}

/**
 * Check a backfill and its plan: ids and text fields non-empty, the spec JSON text, each plan
 * row's state `planned` or `skipped`, and no `ord` nor (DAG, period) twice.
 *
 * @example
 * ```ts
 * checkBackfill(backfill, [{ dagId: 'sales', periodKey: '2026-12-01', ord: 0, state: 'planned' }]);
 * ```
 */
export function checkBackfill(backfill: NewBackfill, plan: readonly BackfillPartitionPlan[]): void {
  if (typeof backfill !== 'object' || backfill === null)
    invalidArgument('a backfill', 'an object', backfill);
  if (!isText(backfill.id)) invalidArgument('a backfill id', 'a non-empty string', backfill.id);
  if (!isText(backfill.dagId))
    invalidArgument('the DAG of a backfill', 'a non-empty string', backfill.dagId);
  checkJsonText(backfill.spec, 'the spec of a backfill');
  if (!isText(backfill.createdBy))
    invalidArgument('who creates a backfill', 'a non-empty string', backfill.createdBy);
  if (!isTime(backfill.at))
    invalidArgument('the time of a backfill', 'a finite number of epoch ms', backfill.at);
  checkArray(plan, 'the plan of a backfill');
  const ords = new Set<number>();
  const periods = new Set<string>();
  for (const row of plan) {
    if (!isText(row.dagId))
      invalidArgument('the DAG of a backfill plan row', 'a non-empty string', row.dagId);
    if (typeof row.periodKey !== 'string')
      invalidArgument('the period of a backfill plan row', "a string ('' for none)", row.periodKey);
    if (!Number.isSafeInteger(row.ord) || row.ord < 0 || ords.has(row.ord))
      invalidArgument(
        'the ord of a backfill plan row',
        'an integer >= 0 unique in the plan',
        row.ord,
      );
    const period = JSON.stringify([row.dagId, row.periodKey]);
    if (periods.has(period))
      invalidArgument('a backfill plan', 'each (DAG, period) once', [row.dagId, row.periodKey]);
    if (row.state !== 'planned' && row.state !== 'skipped')
      invalidArgument('the state of a backfill plan row', "'planned' or 'skipped'", row.state);
    ords.add(row.ord);
    periods.add(period);
  }
}

/** An array (a helper, not `Array.isArray` inline: that narrows a readonly array to `any[]`). */
function checkArray(value: unknown, what: string): void {
  if (!Array.isArray(value)) invalidArgument(what, 'an array', value);
}

/** JSON text: a string `JSON.parse` accepts. */
function checkJsonText(value: unknown, what: string): void {
  if (typeof value !== 'string') invalidArgument(what, 'JSON text (a string)', value);
  try {
    JSON.parse(value);
  } catch {
    invalidArgument(what, 'JSON text', value);
  }
}

/**
 * `BACKFILL_NOT_FOUND` quoting the id (and the plan row asked for, if any).
 *
 * @example
 * ```ts
 * throw backfillNotFound('bf-1');
 * ```
 */
export function backfillNotFound(
  id: string,
  row?: { dagId: string; periodKey: string },
): TributaryError {
  const what =
    row === undefined
      ? `No backfill with id "${id}"`
      : `Backfill "${id}" has no plan row for DAG "${row.dagId}", period ${JSON.stringify(row.periodKey)}`;
  return new TributaryError('BACKFILL_NOT_FOUND', what, {
    context: { backfillId: id, ...(row === undefined ? {} : row) },
  });
}

/**
 * `BACKFILL_EXISTS` quoting the id.
 *
 * @example
 * ```ts
 * throw backfillExists('bf-1');
 * ```
 */
export function backfillExists(id: string): TributaryError {
  return new TributaryError('BACKFILL_EXISTS', `A backfill with id "${id}" already exists`, {
    context: { backfillId: id },
  });
}

/**
 * The `counts` key of a plan row: the status of its run, `removed` for a run that retention
 * removed whole (see `retention.ts`); without a run, its state (`planned`, `skipped`).
 *
 * @example
 * ```ts
 * countKey('planned', true, 'running'); // 'running'
 * ```
 */
export function countKey(
  state: 'planned' | 'skipped',
  hasRun: boolean,
  runStatus: string | undefined,
): string {
  if (hasRun) return runStatus ?? 'removed';
  return state;
}
