import type { Command } from 'commander';
import { TributaryError } from '../../errors/index.js';
import { cancelRun } from '../../durable/index.js';
import { cancelBackfill } from '../../orchestrator/index.js';
import { runNotFound } from '../../store/index.js';
import { cliActor } from '../actor.js';
import { liveOwner } from '../../durable/index.js';
import { runDefinition } from '../run-definition.js';
import { dbOption, jsonOption, type CommandContext } from '../command-context.js';
import type { Output } from '../output.js';
import { withStore } from '../store.js';

/**
 * `tributary cancel <runId | backfillId>`: a backfill (`bf-...`) makes no more runs, and the
 * scheduler cancels those it made that have not ended. A queued run is cancelled at once. A run with a live owner gets a cancel request, which the owner
 * applies through its engine within its poll interval; a run whose owner is gone is taken over
 * and cancelled here, through the engine and the journal like any other change (every
 * unfinished node ends `cancelled`). Needs the run's definition module for that (recorded with
 * the run, or `--module`).
 *
 * @example
 * ```ts
 * await cancelCommand(runId, { db: '.tributary/tributary.db' }, output);
 * ```
 */
export async function cancelCommand(
  runId: string,
  options: { db?: string; module?: string },
  output: Output,
): Promise<number> {
  return withStore(options.db, async (store) => {
    const backfill = runId.startsWith('bf-') ? await store.getBackfill(runId) : undefined;
    if (backfill !== undefined) {
      const cancelled = await cancelBackfill(store, runId);
      output.out(
        output.json
          ? JSON.stringify({
              backfillId: runId,
              cancelled,
              state: cancelled ? 'cancelled' : backfill.state,
            })
          : cancelled
            ? `Backfill ${runId} cancelled: it makes no more runs, and the scheduler cancels those it made that have not ended.`
            : `Backfill ${runId} already ended (${backfill.state}).`,
      );
      return 0;
    }
    const run = await store.getRun(runId);
    if (run === undefined)
      throw runId.startsWith('bf-')
        ? new TributaryError('BACKFILL_NOT_FOUND', `No run or backfill with id "${runId}"`, {
            context: { received: runId },
          })
        : runNotFound(runId);
    if (run.status !== 'running' && run.status !== 'queued')
      return alreadyFinished(runId, run.status, output);
    const owner = await liveOwner(store, runId);
    if (owner !== undefined) {
      await store.addRequest(runId, { kind: 'cancel', actor: cliActor(), at: Date.now() });
      output.out(
        output.json
          ? JSON.stringify({ runId, cancelled: 'requested', owner })
          : `Cancel requested; the owner (${owner}) stops the run.`,
      );
      return 0;
    }
    const def = await runDefinition(run, options.module);
    const outcome = await cancelRun(def, runId, { store });
    if (!outcome.resumed) return alreadyFinished(runId, outcome.run.status, output);
    output.out(
      output.json
        ? JSON.stringify({ runId, cancelled: true, status: outcome.result.status })
        : `Run ${runId} cancelled (${outcome.result.cancelled} unfinished nodes cancelled).`,
    );
    return 0;
  });
}

function alreadyFinished(runId: string, status: string, output: Output): number {
  output.out(
    output.json
      ? JSON.stringify({ runId, cancelled: false, status })
      : `Run ${runId} already finished (${status}).`,
  );
  return 0;
}

/**
 * Register `tributary cancel` on the program.
 *
 * @example
 * ```ts
 * registerCancel(program, ctx);
 * ```
 */
export function registerCancel(program: Command, ctx: CommandContext): void {
  program
    .command('cancel')
    .description('cancel a run, or a backfill (bf-...)')
    .argument('<id>', 'a run id, or a backfill id')
    .option(
      '--module <path>',
      'definition module, for a run whose owner is gone (default: the recorded one)',
    )
    .addOption(dbOption())
    .addOption(jsonOption())
    .action((runId: string, o: { db: string; module?: string; json?: boolean }) =>
      ctx.finish(cancelCommand(runId, o, ctx.output(o.json))),
    );
}
