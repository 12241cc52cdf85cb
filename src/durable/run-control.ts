import { toError, TributaryError } from '../errors/index.js';
import type { ClearSelection, MarkState } from '../engine/index.js';
import type { Codec } from '../codec/index.js';
import type { RunStore, StoredRunStatus } from '../store/index.js';
import type { DagDefinition } from './define.js';
import { Journal } from './journal.js';
import { JournalRecorder } from './journal-recorder.js';
import { loadEngine } from './replay.js';
import { checkDefinition, codecOf, requireRun } from './resume-run.js';
import { liveOwner, takeRun } from './run-lease.js';
import { controlEvent, type Control, type ControlRequest } from './control-event.js';

/*
 * Clears and marks: the operator's way to run part of a run again, or to settle a node by hand.
 *
 * A clear reopens nodes in the same run (a `nodes_cleared` journal entry) rather than starting
 * a new run linked to it: the run keeps its identity (DAG, period, key), so the scheduler's
 * dependencies, triggers and `runs --period` keep seeing one run per period; the nodes that are
 * not cleared keep their results, which the re-run nodes read as their upstream; and the
 * journal keeps every earlier attempt. Where the change is applied depends on the run:
 *
 * - a run with a live owner: a request the owner applies through its engine (as `modify` and
 *   `cancel` are), completed in the same commit as the journal entries it caused;
 * - a run nobody drives (finished, queued, or whose owner died): applied here, under the run's
 *   lease, to the engine rebuilt from the journal; a finished run that has nodes to run again
 *   becomes `queued`, and the scheduler (or `resumeRun`) runs them.
 *
 * If the owner finishes the run before it applies the request, the request is refused with
 * `RUN_FINISHED` and the change is applied here instead.
 */

/** Options of {@link clearRun} and {@link markNode}. */
export interface RunControlOptions {
  readonly store: RunStore;
  /** Who asks, for the audit trail: `cli:<user>`, `api:<user>`. Default `api`. */
  readonly actor?: string;
  /** Why: kept with the change in the journal. */
  readonly reason?: string;
  /** The codec the run was written with (default: the recorded one, when it is the built-in). */
  readonly codec?: Codec;
  /** How long to wait for a live owner to apply the change, in ms. Default 30,000. */
  readonly waitMs?: number;
  /** How often to look for the owner's answer, in ms. Default 50. */
  readonly pollMs?: number;
}

/** What a clear or a mark did. */
export type RunControlOutcome =
  | {
      readonly state: 'applied';
      readonly runId: string;
      /** The nodes the clear reopened, or the marked node. */
      readonly nodes: readonly string[];
      /** The run's status afterwards: `queued` when a finished run has nodes to run again. */
      readonly status: StoredRunStatus;
      /** Who applied it: the run's live owner, or this call (nobody drove the run). */
      readonly appliedBy: 'owner' | 'caller';
    }
  | {
      /** The owner has not answered within `waitMs`: the request stays queued for it. */
      readonly state: 'pending';
      readonly runId: string;
      readonly requestId: number;
      readonly owner: string;
    };

/**
 * Clear part of a run so that it runs again: every finished node of `selection` (default: all)
 * goes back to `pending`, in the same run. Refused, changing nothing, with `NODE_ACTIVE` (a
 * selected node, or a child of one, is running), `NOT_CLEARABLE` (nothing finished; a node that
 * changed the graph) or `UNKNOWN_NODE`.
 *
 * @example
 * ```ts
 * // Run the failed node "load" and everything below it again.
 * const outcome = await clearRun(etl, runId, { nodes: ['load'], downstream: true }, { store, actor: 'api:ana' });
 * if (outcome.state === 'applied' && outcome.status === 'queued') await resumeRun(etl, runId, { store });
 * ```
 */
export async function clearRun(
  def: DagDefinition,
  runId: string,
  selection: ClearSelection,
  options: RunControlOptions,
): Promise<RunControlOutcome> {
  return controlRun(def, runId, { kind: 'clear', selection }, options);
}

/**
 * Mark a node `succeeded` (with `result`, which its children read), `failed` or `skipped` by
 * hand, audited. A finished node's old outcome is replaced, and the nodes below it that the old
 * outcome settled without running them are decided again. `NODE_ACTIVE` for a running node.
 *
 * @example
 * ```ts
 * await markNode(etl, runId, 'extract', 'succeeded', { store, reason: 'loaded by hand', result: { rows: 10 } });
 * ```
 */
export async function markNode(
  def: DagDefinition,
  runId: string,
  node: string,
  state: MarkState,
  options: RunControlOptions & { readonly result?: unknown },
): Promise<RunControlOutcome> {
  const { result, ...rest } = options;
  return controlRun(def, runId, { kind: 'mark', node, state, result }, rest);
}

async function controlRun(
  def: DagDefinition,
  runId: string,
  control: Control,
  options: RunControlOptions,
): Promise<RunControlOutcome> {
  const { store } = options;
  const actor = options.actor ?? 'api';
  const request = {
    ...control,
    ...(options.reason === undefined ? {} : { reason: options.reason }),
  } as ControlRequest;
  const run = await requireRun(store, runId);
  checkDefinition(def, run);
  const owner = run.status === 'running' ? await liveOwner(store, runId) : undefined;
  if (owner !== undefined) {
    const asked = await askOwner(store, runId, request, actor, owner, options);
    if (asked !== undefined) return asked;
    // The run finished before its owner applied the change: apply it here.
  }
  return applyHere(def, runId, request, actor, options);
}

/** Ask the live owner; undefined when the run finished before it applied the request. */
async function askOwner(
  store: RunStore,
  runId: string,
  request: ControlRequest,
  actor: string,
  owner: string,
  options: RunControlOptions,
): Promise<RunControlOutcome | undefined> {
  const requestId = await store.addRequest(runId, {
    kind: request.kind,
    actor,
    at: Date.now(),
    body: JSON.stringify(request),
  });
  const deadline = Date.now() + (options.waitMs ?? 30_000);
  for (;;) {
    const done = await store.getRequest(runId, requestId);
    if (done !== undefined && done.state !== 'pending') {
      const outcome = JSON.parse(done.outcome ?? '{}') as {
        code?: string;
        message?: string;
        nodes?: string[];
      };
      if (done.state === 'applied')
        return {
          state: 'applied',
          runId,
          nodes: outcome.nodes ?? [],
          status: 'running',
          appliedBy: 'owner',
        };
      if (outcome.code === 'RUN_FINISHED') return undefined;
      throw new TributaryError(
        (outcome.code ?? 'INTERNAL') as TributaryError['code'],
        outcome.message ?? 'The run refused the change',
        { context: { runId, requestId } },
      );
    }
    if (Date.now() >= deadline) return { state: 'pending', runId, requestId, owner };
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 50));
  }
}

/** Apply the change to a run nobody drives, under its lease. */
async function applyHere(
  def: DagDefinition,
  runId: string,
  request: ControlRequest,
  actor: string,
  options: RunControlOptions,
): Promise<RunControlOutcome> {
  const { store } = options;
  const lease = await takeRun(store, runId);
  try {
    // Read again under the lease: the run may have moved on meanwhile.
    const run = await requireRun(store, runId);
    const codec = codecOf(run, options.codec);
    const { engine, nextSeq } = await loadEngine(def, store, runId, codec);
    const journal = new Journal(store, runId, codec, nextSeq, {
      fence: lease.fence,
      durability: run.durability ?? 'normal',
    });
    const now = Date.now;
    engine.observe(new JournalRecorder(journal, engine, codec, Number.POSITIVE_INFINITY, now));
    const event = controlEvent(engine, request, actor, now());
    engine.apply(event); // a refusal throws here, before anything is journaled
    let status: StoredRunStatus;
    if (engine.isFinished) {
      // A mark can settle a run at once (the last open node, or nothing left to decide again).
      status = engine.status;
      const finishedAt = now();
      journal.append({ type: 'run_finished', at: finishedAt, status });
      await journal.flush({ status, finishedAt });
    } else {
      // Nodes to run: a finished or queued run waits for the scheduler or a resume; a run
      // whose owner died stays running, for whoever resumes it.
      status = run.status === 'running' ? 'running' : 'queued';
      await journal.flush({ status, finishedAt: null });
    }
    if (journal.failure !== undefined) throw toError(journal.failure);
    const nodes = event.type === 'nodes_cleared' ? event.nodes : [event.node];
    return { state: 'applied', runId, nodes, status, appliedBy: 'caller' };
  } finally {
    await store.releaseLease(lease).catch(() => undefined);
  }
}
