import {
  runNotFound,
  type RunStore,
  type RunSummary,
  type StoredAssetEvent,
  type StoredRunInput,
} from '../store/index.js';

/**
 * What made a run, read from its recorded origin (`RunRecord.origin`):
 * `schedule` (a tick of its DAG's schedule), `run` (a declared trigger of run `runId`), `task`
 * (`ctx.trigger` in node `node` of run `runId`), `person` (`cli:<user>`, `api:<user>`), `other`
 * (an origin a program chose), `unknown` (a run made before origins were recorded).
 */
export type RunOrigin =
  | { readonly kind: 'schedule' }
  | { readonly kind: 'run'; readonly runId: string }
  | { readonly kind: 'task'; readonly runId: string; readonly node: string }
  | { readonly kind: 'person'; readonly via: 'cli' | 'api'; readonly user: string }
  | { readonly kind: 'asset'; readonly asset: string }
  | { readonly kind: 'backfill'; readonly backfillId: string }
  | { readonly kind: 'other'; readonly origin: string }
  | { readonly kind: 'unknown' };

/**
 * Read a run's origin.
 *
 * @example
 * ```ts
 * parseRunOrigin('task:r-12/load'); // { kind: 'task', runId: 'r-12', node: 'load' }
 * parseRunOrigin('cli:ann'); // { kind: 'person', via: 'cli', user: 'ann' }
 * ```
 */
export function parseRunOrigin(origin: string | undefined): RunOrigin {
  if (origin === undefined) return { kind: 'unknown' };
  if (origin === 'schedule') return { kind: 'schedule' };
  const colon = origin.indexOf(':');
  const prefix = colon < 0 ? '' : origin.slice(0, colon);
  const rest = origin.slice(colon + 1);
  if (prefix === 'run' && rest !== '') return { kind: 'run', runId: rest };
  if (prefix === 'task') {
    // `task:<run>/<node>`: generated run ids (UUIDs) hold no `/`, node names may.
    const slash = rest.indexOf('/');
    if (slash > 0 && slash < rest.length - 1)
      return { kind: 'task', runId: rest.slice(0, slash), node: rest.slice(slash + 1) };
  }
  if (prefix === 'asset' && rest !== '') return { kind: 'asset', asset: rest };
  if (prefix === 'backfill' && rest !== '') return { kind: 'backfill', backfillId: rest };
  if ((prefix === 'cli' || prefix === 'api') && rest !== '')
    return { kind: 'person', via: prefix, user: rest };
  return { kind: 'other', origin };
}

/** A run with what started it and what it started. */
export interface RunLineage {
  readonly run: RunSummary;
  readonly origin: RunOrigin;
  /** For an origin `run` or `task`: that run, while the store still has it. */
  readonly startedByRun?: RunSummary;
  /** The runs this run started (its declared triggers and its tasks' triggers), oldest first. */
  readonly started: readonly RunSummary[];
  /** The asset events it read (consumed, or the upstream versions it used), by event id. */
  readonly consumed: readonly StoredRunInput[];
  /** The asset events it produced, oldest first. */
  readonly produced: readonly StoredAssetEvent[];
}

/**
 * The lineage of one run, from the store: what started it and the runs it started (at most
 * `limit`, default 100, the newest). `RUN_NOT_FOUND` for an unknown run. Which upstream run
 * satisfied a declared dependency is not recorded, so it is not part of the answer.
 *
 * @example
 * ```ts
 * const { run, origin, startedByRun, started } = await runLineage(store, 'r-12');
 * describeRunOrigin(origin, run.partitionKey, startedByRun); // 'a trigger of run r-11 (extract)'
 * started.map((r) => `${r.dagId} ${r.runId}`); // ['report r-13']
 * ```
 */
export async function runLineage(
  store: RunStore,
  runId: string,
  options: { readonly limit?: number } = {},
): Promise<RunLineage> {
  const record = await store.getRun(runId);
  if (record === undefined) throw runNotFound(runId);
  const { graph: _graph, ...run } = record;
  const origin = parseRunOrigin(run.origin);
  const parent =
    origin.kind === 'run' || origin.kind === 'task' ? await store.getRun(origin.runId) : undefined;
  const started = await store.listRuns({ startedBy: runId, limit: options.limit ?? 100 });
  const consumed = await store.runInputs(runId);
  const produced = await store.assetEvents({ runId, order: 'asc', limit: options.limit ?? 100 });
  return {
    run,
    origin,
    ...(parent === undefined ? {} : { startedByRun: withoutGraph(parent) }),
    started: started.reverse(),
    consumed,
    produced,
  };
}

function withoutGraph(record: RunSummary & { graph?: string }): RunSummary {
  const { graph: _graph, ...summary } = record;
  return summary;
}

/**
 * A run's origin in words, for people: `the schedule's tick for period 2026-12-05`, `a trigger
 * of run r-11 (extract)`, `task load of run r-11 (extract)`, `ann (cli)`.
 *
 * @example
 * ```ts
 * describeRunOrigin({ kind: 'schedule' }, '2026-12-05'); // "the schedule's tick for period 2026-12-05"
 * ```
 */
export function describeRunOrigin(
  origin: RunOrigin,
  periodKey?: string,
  startedByRun?: RunSummary,
): string {
  const dag = startedByRun === undefined ? '' : ` (${startedByRun.dagId})`;
  switch (origin.kind) {
    case 'schedule':
      return periodKey === undefined || periodKey === ''
        ? "the schedule's tick"
        : `the schedule's tick for period ${periodKey}`;
    case 'run':
      return `a trigger of run ${origin.runId}${dag}`;
    case 'task':
      return `task ${origin.node} of run ${origin.runId}${dag}`;
    case 'person':
      return `${origin.user} (${origin.via})`;
    case 'asset':
      return `an update of asset ${origin.asset}`;
    case 'backfill':
      return `backfill ${origin.backfillId}`;
    case 'other':
      return origin.origin;
    case 'unknown':
      return 'not recorded';
  }
}
