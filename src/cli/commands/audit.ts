import type { Command } from 'commander';
import type { JournalEntry } from '../../durable/index.js';
import { eventNodeState } from '../../engine/index.js';
import { dbOption, jsonOption, type CommandContext } from '../command-context.js';
import { loadRunView } from '../load-run-view.js';
import { table, time, type Output } from '../output.js';
import { withStore } from '../store.js';

/**
 * `tributary audit <runId>`: the modification trail and every state change, with time and actor.
 *
 * @example
 * ```ts
 * await auditCommand(runId, { db: '.tributary/tributary.db' }, output);
 * ```
 */
export async function auditCommand(
  runId: string,
  options: { db?: string },
  output: Output,
): Promise<number> {
  return withStore(options.db, async (store) => {
    const { entries, view } = await loadRunView(store, runId);
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
        event: eventNodeState(entry),
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
    case 'node_waiting':
      return {
        at: entry.at,
        actor: 'engine',
        event: 'waiting',
        node: entry.node,
        detail: entry.reason,
      };
    case 'wait_ended':
      return {
        at: entry.at,
        actor: 'sensor',
        event: `wait ${entry.outcome}`,
        node: entry.node,
        detail: entry.error?.message ?? '',
      };
    case 'nodes_cleared':
      return {
        at: entry.at,
        actor: entry.actor,
        event: 'clear',
        detail: `${preview(entry.nodes)}${entry.reason === undefined ? '' : ` — ${entry.reason}`}`,
      };
    case 'node_marked':
      return {
        at: entry.at,
        actor: entry.actor,
        event: `marked ${entry.state}`,
        node: entry.node,
        detail: entry.reason ?? '',
      };
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
 * Register `tributary audit` on the program.
 *
 * @example
 * ```ts
 * registerAudit(program, ctx);
 * ```
 */
export function registerAudit(program: Command, ctx: CommandContext): void {
  program
    .command('audit')
    .description('the modification trail and every state change, with time and actor')
    .argument('<runId>')
    .addOption(dbOption())
    .addOption(jsonOption())
    .action((runId: string, o: { db: string; json?: boolean }) =>
      ctx.finish(auditCommand(runId, o, ctx.output(o.json))),
    );
}
