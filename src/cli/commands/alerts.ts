import type { Command } from 'commander';
import type { StoredNotification } from '../../store/index.js';
import { dbOption, jsonOption, type CommandContext } from '../command-context.js';
import { parseChoice } from '../choice.js';
import { parseLimit } from '../limit.js';
import { table, time, type Output } from '../output.js';
import { withStore } from '../store.js';

/** Options of `tributary alerts`, as commander parses them. */
export interface AlertsOptions {
  readonly db?: string;
  readonly dag?: string;
  readonly state?: string;
  readonly limit?: string;
}

const STATES: readonly StoredNotification['state'][] = ['pending', 'delivered', 'failed'];

/**
 * `tributary alerts`: the notification outbox, newest first: each alert (failure, success, late
 * period), its target, and what came of its delivery (attempts, last error).
 *
 * @example
 * ```ts
 * await alertsCommand({ state: 'failed' }, output);
 * ```
 */
export async function alertsCommand(options: AlertsOptions, output: Output): Promise<number> {
  const limit = parseLimit(options.limit ?? '50');
  const state = parseChoice('--state', options.state, STATES);
  return withStore(options.db, async (store) => {
    const list = await store.listNotifications({
      ...(options.dag === undefined ? {} : { dagId: options.dag }),
      ...(state === undefined ? {} : { state }),
      limit,
    });
    if (output.json) output.out(JSON.stringify(list));
    else if (list.length === 0) output.out('No alerts.');
    else {
      output.out(
        table(
          ['id', 'kind', 'dag', 'period', 'run', 'target', 'at', 'state', 'attempts', 'last error'],
          list.map((n) => [
            String(n.id),
            n.kind,
            n.dagId,
            n.periodKey ?? '',
            n.runId ?? '',
            n.target,
            time(n.at),
            n.state,
            String(n.attempts),
            n.lastError ?? '',
          ]),
        ),
      );
    }
    return 0;
  });
}

/**
 * Register `tributary alerts` on the program.
 *
 * @example
 * ```ts
 * registerAlerts(program, ctx);
 * ```
 */
export function registerAlerts(program: Command, ctx: CommandContext): void {
  program
    .command('alerts')
    .description('the alert outbox: failures, successes and late periods, and their delivery')
    .option('--dag <id>')
    .option('--state <state>', 'pending, delivered or failed')
    .option('--limit <n>', 'how many', '50')
    .addOption(dbOption())
    .addOption(jsonOption())
    .action((o: AlertsOptions & { json?: boolean }) =>
      ctx.finish(alertsCommand(o, ctx.output(o.json))),
    );
}
