import type { Command } from 'commander';
import type { StoredTrigger } from '../../store/index.js';
import { dbOption, jsonOption, type CommandContext } from '../command-context.js';
import { parseChoice } from '../choice.js';
import { parseLimit } from '../limit.js';
import { table, time, type Output } from '../output.js';
import { withStore } from '../store.js';

/** Options of `tributary triggers`, as commander parses them. */
export interface TriggersOptions {
  readonly db?: string;
  readonly dag?: string;
  readonly state?: string;
  readonly limit?: string;
}

const STATES: readonly StoredTrigger['state'][] = ['pending', 'done', 'refused'];

/**
 * `tributary triggers`: the trigger outbox, newest first: who asked for which run, and what came
 * of it (the run, or why it was refused).
 *
 * @example
 * ```ts
 * await triggersCommand({ state: 'refused' }, output);
 * ```
 */
export async function triggersCommand(options: TriggersOptions, output: Output): Promise<number> {
  const limit = parseLimit(options.limit ?? '50');
  const state = parseChoice('--state', options.state, STATES);
  return withStore(options.db, async (store) => {
    const triggers = await store.listTriggers({
      ...(options.dag === undefined ? {} : { dagId: options.dag }),
      ...(state === undefined ? {} : { state }),
      limit,
    });
    if (output.json) output.out(JSON.stringify(triggers));
    else if (triggers.length === 0) output.out('No triggers.');
    else {
      output.out(
        table(
          ['id', 'dag', 'period', 'key', 'by', 'at', 'state', 'run or reason'],
          triggers.map((t) => [
            String(t.id),
            t.dagId,
            t.periodKey,
            t.runKey,
            t.origin,
            time(t.at),
            t.state,
            t.runId ?? t.reason ?? '',
          ]),
        ),
      );
    }
    return 0;
  });
}

/**
 * Register `tributary triggers` on the program.
 *
 * @example
 * ```ts
 * registerTriggers(program, ctx);
 * ```
 */
export function registerTriggers(program: Command, ctx: CommandContext): void {
  program
    .command('triggers')
    .description('the trigger outbox: requested runs and what came of each')
    .option('--dag <id>')
    .option('--state <state>', 'pending, done or refused')
    .option('--limit <n>', 'how many', '50')
    .addOption(dbOption())
    .addOption(jsonOption())
    .action((o: TriggersOptions & { json?: boolean }) =>
      ctx.finish(triggersCommand(o, ctx.output(o.json))),
    );
}
