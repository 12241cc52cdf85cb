import { TributaryError } from '../../errors/index.js';
import { userInfo } from 'node:os';
import { runLeaseKey, runNotFound, type RunStore } from '../../store/index.js';
import {
  cancelRun,
  codecOf,
  isOwnerAlive,
  loadJournal,
  viewRun,
  type JournalEntry,
} from '../../durable/index.js';
import type { RunStatus } from '../../engine/index.js';
import { runDefinition } from './run.js';
import { countsLine, duration, table, time, type Output } from '../output.js';
import { openStore } from '../store.js';

async function withStore<T>(
  db: string | undefined,
  fn: (store: RunStore) => Promise<T>,
): Promise<T> {
  const store = openStore(db);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function loadView(store: RunStore, runId: string) {
  const run = await store.getRun(runId);
  if (run === undefined) throw runNotFound(runId);
  const entries = await loadJournal(store, runId, codecOf(run, undefined));
  return { entries, view: viewRun(run, entries) };
}

/** `tributary runs`: recent runs, newest first. */
export async function runsCommand(
  options: { db?: string; dag?: string; status?: string; limit?: string },
  output: Output,
): Promise<number> {
  return withStore(options.db, async (store) => {
    const limit = options.limit === undefined ? 50 : Number(options.limit);
    if (!Number.isInteger(limit) || limit < 1) {
      throw new TributaryError(
        'INVALID_ARGUMENT',
        `Expected --limit to be an integer >= 1, got \`${options.limit}\``,
        { context: { received: options.limit } },
      );
    }
    const runs = await store.listRuns({
      ...(options.dag === undefined ? {} : { dagId: options.dag }),
      ...(options.status === undefined ? {} : { status: runStatus(options.status) }),
      limit,
    });
    if (output.json) output.out(JSON.stringify(runs));
    else if (runs.length === 0) output.out('No runs yet.');
    else {
      output.out(
        table(
          ['run', 'dag', 'status', 'created', 'duration'],
          runs.map((r) => [
            r.runId,
            r.dagId,
            r.status,
            time(r.createdAt),
            r.finishedAt === undefined ? '' : duration(r.finishedAt - r.createdAt),
          ]),
        ),
      );
    }
    return 0;
  });
}

const STATUSES: readonly RunStatus[] = [
  'running',
  'succeeded',
  'partially_succeeded',
  'failed',
  'cancelled',
];

function runStatus(value: string): RunStatus {
  if (!(STATUSES as readonly string[]).includes(value)) {
    throw new TributaryError(
      'INVALID_ARGUMENT',
      `Expected --status to be one of ${STATUSES.join(', ')}, got \`${value}\``,
      {
        context: { received: value },
      },
    );
  }
  return value as RunStatus;
}

/** `tributary show <runId>`: the run and every node's state, from the journal. */
export async function showCommand(
  runId: string,
  options: { db?: string },
  output: Output,
): Promise<number> {
  return withStore(options.db, async (store) => {
    const { view } = await loadView(store, runId);
    const nodes = [...view.nodes.values()];
    if (output.json) {
      const { graph: _graph, ...run } = view.run;
      output.out(JSON.stringify({ run, nodes, modifications: view.modifications.length }));
      return 0;
    }
    const counts: Record<string, number> = {};
    for (const n of nodes) counts[n.state] = (counts[n.state] ?? 0) + 1;
    output.out(`Run ${runId} of ${view.run.dagId}: ${view.run.status} (${countsLine(counts)})`);
    output.out(
      `params ${JSON.stringify(view.run.params)}; created ${time(view.run.createdAt)}${view.run.owner === undefined ? '' : `; owner ${view.run.owner}`}\n`,
    );
    output.out(
      table(
        ['node', 'state', 'attempts', 'duration', 'error'],
        nodes.map((n) => [
          n.dynamic ? `${n.name} (dynamic)` : n.name,
          n.state,
          String(n.attempts),
          n.startedAt === undefined || n.finishedAt === undefined
            ? ''
            : duration(n.finishedAt - n.startedAt),
          n.error ?? '',
        ]),
      ),
    );
    return 0;
  });
}

/** `tributary audit <runId>`: the modification trail and every state change, with time and actor. */
export async function auditCommand(
  runId: string,
  options: { db?: string },
  output: Output,
): Promise<number> {
  return withStore(options.db, async (store) => {
    const { entries, view } = await loadView(store, runId);
    const lines = entries.map(auditLine);
    if (output.json) {
      output.out(JSON.stringify({ runId, modifications: view.modifications, events: lines }));
      return 0;
    }
    output.out(`Modifications of run ${runId} (${view.modifications.length}):`);
    for (const m of view.modifications) {
      const d = m.diff;
      output.out(
        `  #${m.seq} ${time(m.at)} ${m.outcome.toUpperCase()} by ${m.actor}${m.reason === undefined ? '' : ` — ${m.reason}`}` +
          `\n      +nodes ${d.addedNodes.length} ${preview(d.addedNodes)} -nodes ${d.removedNodes.length} ${preview(d.removedNodes)}` +
          ` +edges ${d.addedEdges.length} -edges ${d.removedEdges.length}` +
          (m.error === undefined ? '' : `\n      ${m.error.code}: ${m.error.message}`),
      );
    }
    output.out(`\nState changes:`);
    output.out(
      table(
        ['time', 'actor', 'event', 'node', 'detail'],
        lines.map((l) => [time(l.at), l.actor, l.event, l.node ?? '', l.detail]),
      ),
    );
    return 0;
  });
}

function preview(names: readonly string[]): string {
  if (names.length === 0) return '';
  const shown = names.slice(0, 5).join(', ');
  return `[${shown}${names.length > 5 ? `, … ${names.length - 5} more` : ''}]`;
}

interface AuditLine {
  readonly at: number;
  readonly actor: string;
  readonly event: string;
  readonly node?: string;
  readonly detail: string;
}

function auditLine(entry: JournalEntry): AuditLine {
  switch (entry.type) {
    case 'task_started':
      return {
        at: entry.at,
        actor: 'executor',
        event: 'started',
        node: entry.node,
        detail: `attempt ${entry.attempt}`,
      };
    case 'task_succeeded':
      return {
        at: entry.at,
        actor: `node:${entry.node}`,
        event: 'succeeded',
        node: entry.node,
        detail: entry.modification === undefined ? '' : 'with modification',
      };
    case 'task_failed':
      return {
        at: entry.at,
        actor: `node:${entry.node}`,
        event:
          entry.retryAt === undefined
            ? entry.timedOut === true
              ? 'timed_out'
              : 'failed'
            : 'retrying',
        node: entry.node,
        detail: `attempt ${entry.attempt}: ${entry.error instanceof Error ? entry.error.message : String(entry.error)}`,
      };
    case 'task_retry_due':
      return { at: entry.at, actor: 'executor', event: 'retry_due', node: entry.node, detail: '' };
    case 'task_interrupted':
      return {
        at: entry.at,
        actor: 'resume',
        event: 'interrupted',
        node: entry.node,
        detail: `attempt ${entry.attempt} lost with its process`,
      };
    case 'graph_modified':
      return {
        at: entry.at,
        actor: entry.actor,
        event: 'modify',
        detail: entry.modification.reason ?? '',
      };
    case 'run_cancelled':
      return { at: entry.at, actor: 'run', event: 'cancelled', detail: entry.reason };
    case 'node_settled':
      return { at: entry.at, actor: 'engine', event: entry.state, node: entry.node, detail: '' };
    case 'modification':
      return {
        at: entry.at,
        actor: entry.record.actor,
        event: `modification ${entry.record.outcome}`,
        detail: entry.record.reason ?? '',
      };
    case 'run_finished':
      return { at: entry.at, actor: 'run', event: 'finished', detail: entry.status };
  }
}

/**
 * `tributary cancel <runId>`: a run with a live owner gets a cancel request, which the owner
 * applies through its engine within its poll interval; a run whose owner is gone is taken over
 * and cancelled here, through the engine and the journal like any other change (every
 * unfinished node ends `cancelled`).
 */
export async function cancelCommand(
  runId: string,
  options: { db?: string; module?: string },
  output: Output,
): Promise<number> {
  return withStore(options.db, async (store) => {
    const run = await store.getRun(runId);
    if (run === undefined) throw runNotFound(runId);
    if (run.status !== 'running') {
      output.out(
        output.json
          ? JSON.stringify({ runId, cancelled: false, status: run.status })
          : `Run ${runId} already finished (${run.status}).`,
      );
      return 0;
    }
    const lease = await store.getLease(runLeaseKey(runId));
    if (lease !== undefined && lease.expiresAt > Date.now() && isOwnerAlive(lease.owner)) {
      await store.addRequest(runId, { kind: 'cancel', actor: cliActor(), at: Date.now() });
      output.out(
        output.json
          ? JSON.stringify({ runId, cancelled: 'requested', owner: lease.owner })
          : `Cancel requested; the owner (${lease.owner}) stops the run.`,
      );
      return 0;
    }
    const def = await runDefinition(run, options.module);
    const outcome = await cancelRun(def, runId, { store });
    const status = outcome.resumed ? outcome.result.status : outcome.run.status;
    output.out(
      output.json
        ? JSON.stringify({ runId, cancelled: outcome.resumed, status })
        : outcome.resumed
          ? `Run ${runId} cancelled (${outcome.result.cancelled} nodes cancelled).`
          : `Run ${runId} already finished (${status}).`,
    );
    return 0;
  });
}

/** The actor of a change made from this CLI: `cli:<user>`. */
export function cliActor(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): keep "unknown".
  }
  return `cli:${user}`;
}
