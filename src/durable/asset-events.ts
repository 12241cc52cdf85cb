import { createHash } from 'node:crypto';
import { TributaryError, describeValue } from '../errors/index.js';
import type { Materialization } from '../executor/index.js';
import type { NewAssetEvent } from '../store/index.js';
import type { PeriodSpace } from '../time/index.js';

/** Where a succeeding attempt's asset events come from. */
export interface MaterializationSource {
  readonly runId: string;
  readonly dagId: string;
  readonly node: string;
  /** The run's period key (`''` unpartitioned): the default partition. */
  readonly periodKey: string;
  readonly at: number;
}

/**
 * The asset events of a succeeding attempt: one per asset the node produces, with what the
 * task told of it (`ctx.materialize`), else defaults. The data version is the one given, else
 * a hash of the metadata (so equal metadata is the same version), else left to the store,
 * which writes the event's id.
 *
 * @example
 * ```ts
 * materializationEvents(['warehouse://sales'], new Map(), { runId, dagId: 'sales', node: 'publish', periodKey: '', at: Date.now() });
 * ```
 */
export function materializationEvents(
  produced: readonly string[],
  told: ReadonlyMap<string, Materialization>,
  source: MaterializationSource,
): NewAssetEvent[] {
  return produced.map((asset) => {
    const details = told.get(asset) ?? {};
    const metadata = details.metadata === undefined ? undefined : JSON.stringify(details.metadata);
    const dataVersion =
      details.dataVersion ?? (metadata === undefined ? undefined : dataVersionOf(details.metadata));
    return {
      asset,
      partitionKey: details.partition ?? source.periodKey,
      ...(dataVersion === undefined ? {} : { dataVersion }),
      ...(metadata === undefined ? {} : { metadata }),
      runId: source.runId,
      node: source.node,
      source: `run:${source.runId}/${source.node}`,
      at: source.at,
    };
  });
}

/**
 * Check what is told of an asset update (`where` names the call, for messages): a string data
 * version, JSON metadata (an object), and a partition key of the asset's partitions.
 * `INVALID_ARGUMENT` or `INVALID_PERIOD_KEY` quoting the value.
 *
 * @example
 * ```ts
 * checkMaterialization('ctx.materialize("warehouse://sales")', { partition: '2026-12-05' }, daily);
 * ```
 */
export function checkMaterialization(
  where: string,
  details: Materialization,
  periods: PeriodSpace,
): void {
  const { dataVersion, metadata, partition } = details;
  if (dataVersion !== undefined && (typeof dataVersion !== 'string' || dataVersion === ''))
    refuse(where, '`dataVersion`', 'a non-empty string', dataVersion);
  if (metadata !== undefined) {
    if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
      refuse(where, '`metadata`', 'an object of JSON values', metadata);
    try {
      JSON.stringify(metadata);
    } catch (error) {
      refuse(where, '`metadata`', `JSON (${(error as Error).message})`, metadata);
    }
  }
  if (partition !== undefined) {
    if (typeof partition !== 'string') refuse(where, '`partition`', 'a partition key', partition);
    if (periods.kind === 'unpartitioned') {
      if (partition !== '')
        refuse(where, '`partition`', '`""` (the DAG is unpartitioned)', partition);
    } else {
      periods.parse(partition);
    }
  }
}

function refuse(where: string, field: string, expected: string, received: unknown): never {
  throw new TributaryError(
    'INVALID_ARGUMENT',
    `Expected ${field} of ${where} to be ${expected}, got ${describeValue(received)}`,
    { context: { received } },
  );
}

/**
 * The data version of metadata when none is given: a hash of it, object keys sorted, so the
 * same metadata in another key order is the same version.
 *
 * @example
 * ```ts
 * dataVersionOf({ rows: 10, file: 'a.csv' }) === dataVersionOf({ file: 'a.csv', rows: 10 }); // true
 * ```
 */
export function dataVersionOf(value: unknown): string {
  return `sha256:${createHash('sha256').update(canonical(value)).digest('hex').slice(0, 32)}`;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
