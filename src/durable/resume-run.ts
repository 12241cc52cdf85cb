import { jsonCodec, type Codec } from '../codec/index.js';
import { TributaryError } from '../errors/index.js';
import { runNotFound, type RunRecord, type RunStore } from '../store/index.js';
import type { DagDefinition } from './define.js';
import { graphText } from './graph-text.js';
import { drive } from './drive.js';
import type { ResumeOptions, ResumeOutcome } from './options.js';
import { loadEngine } from './replay.js';
import { takeRun } from './run-lease.js';
import { runPeriod } from './run-period.js';

/**
 * Resume a run after a crash: take its lease (`RUN_ACTIVE` while its owner lives, unless
 * `force`), restore its latest snapshot and replay the journal after it (every applied
 * modification included), re-run the attempts that were in flight as new attempts (same
 * idempotency key), honour pending retries at their recorded due times, apply requests that
 * arrived meanwhile, and go on. Nodes that succeeded never run again. A finished run is left
 * alone.
 *
 * @example
 * ```ts
 * const outcome = await resumeRun(etl, runId, { store });
 * if (!outcome.resumed) console.log(`already ${outcome.run.status}`);
 * ```
 */
export async function resumeRun(
  def: DagDefinition,
  runId: string,
  options: ResumeOptions,
): Promise<ResumeOutcome> {
  const { store } = options;
  const before = await requireRun(store, runId);
  if (before.status !== 'running' && before.status !== 'queued')
    return { resumed: false, run: before };
  checkDefinition(def, before);
  const codec = codecOf(before, options.codec);
  const lease = await takeRun(store, runId, options);
  // A queued run starts now (read again under the lease: another session may have started it,
  // or run it to the end, meanwhile). Its journal, if a clear reopened it, is replayed below.
  if (before.status === 'queued' && (await requireRun(store, runId)).status === 'queued')
    await store.commit(runId, { events: [], run: { status: 'running' }, fence: lease.fence });
  let loaded: Awaited<ReturnType<typeof load>>;
  try {
    loaded = await load(def, store, runId, codec);
  } catch (error) {
    // Nothing ran: give the run back at once rather than at the lease's expiry.
    await store.releaseLease(lease).catch(() => undefined);
    throw error;
  }
  if (loaded === undefined) {
    await store.releaseLease(lease);
    return { resumed: false, run: await requireRun(store, runId) };
  }
  const { run, engine, nextSeq } = loaded;
  const interrupted: string[] = [];
  const retries: [number, number][] = [];
  for (const id of engine.graph.ids()) {
    const state = engine.stateOf(id);
    if (state === 'running') interrupted.push(engine.graph.nameOf(id));
    else if (state === 'retrying') retries.push([id, engine.retryAtOf(id) ?? 0]);
  }
  const result = await drive({
    def,
    engine,
    runId,
    params: run.params,
    period: runPeriod(def, run.partitionKey),
    periodKey: run.partitionKey ?? '',
    nextSeq,
    lease,
    codec,
    durability: options.durability ?? run.durability ?? 'normal',
    options,
    interrupted,
    retries,
  });
  return { resumed: true, result, interrupted };
}

/**
 * Cancel a run whose owner is gone: take it over as a resume would, cancel it through the
 * engine before anything starts (every unfinished node ends `cancelled`), journal it and end
 * it. A run that has a live owner is `RUN_ACTIVE`: ask that owner instead (a `cancel` request).
 *
 * @example
 * ```ts
 * await cancelRun(etl, runId, { store });
 * ```
 */
export async function cancelRun(
  def: DagDefinition,
  runId: string,
  options: ResumeOptions,
): Promise<ResumeOutcome> {
  const cancelled = new AbortController();
  cancelled.abort();
  return resumeRun(def, runId, { ...options, signal: cancelled.signal });
}

/** Under the lease: the run's state from its snapshot and journal, unless it finished meanwhile. */
async function load(def: DagDefinition, store: RunStore, runId: string, codec: Codec) {
  // Read again under the lease: another session may have finished the run meanwhile.
  const run = await requireRun(store, runId);
  if (run.status !== 'running') return undefined;
  return { run, ...(await loadEngine(def, store, runId, codec)) };
}

/** The run, or `RUN_NOT_FOUND`. */
export async function requireRun(store: RunStore, runId: string): Promise<RunRecord> {
  const run = await store.getRun(runId);
  if (run === undefined) throw runNotFound(runId);
  return run;
}

/** `DEFINITION_CHANGED` unless `def` is the definition the run was started with. */
export function checkDefinition(def: DagDefinition, run: RunRecord): void {
  if (run.dagId !== def.id || run.graph !== graphText(def.dag)) {
    throw new TributaryError(
      'DEFINITION_CHANGED',
      `Run "${run.runId}" was started from a different definition of "${run.dagId}"; resume it with the definition it started with`,
      { context: { runId: run.runId, dagId: run.dagId } },
    );
  }
}

/** The codec a run was written with: the given one must carry the recorded name. */
export function codecOf(run: RunRecord, given: Codec | undefined): Codec {
  const recorded = run.codec ?? 'json';
  const codec = given ?? (recorded === 'json' ? jsonCodec : undefined);
  if (codec === undefined || (codec.name ?? 'custom') !== recorded) {
    throw new TributaryError(
      'UNKNOWN_CODEC',
      `Run "${run.runId}" was written with codec "${recorded}"${given === undefined ? '' : `, not "${given.name ?? 'custom'}"`}: pass that codec to read it`,
      { context: { runId: run.runId, codec: recorded } },
    );
  }
  return codec;
}
