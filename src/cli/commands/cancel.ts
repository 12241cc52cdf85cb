import type { Command } from 'commander';
import { jsonCodec } from '../../codec/codec.js';
import { isOwnerAlive } from '../../durable/owner.js';
import { runNotFound } from '../../store/errors.js';
import { dbOption, jsonOption, type CommandContext } from '../command-context.js';
import type { Output } from '../output.js';
import { withStore } from '../store.js';

/**
 * `tributary cancel <runId>`: ask the owning process to cancel; a run whose owner is gone (a
 * crashed process on this host, or none) is cancelled directly in the journal.
 *
 * @example
 * ```ts
 * await cancelCommand(runId, { db: '.tributary/tributary.db' }, output);
 * ```
 */
export async function cancelCommand(
  runId: string,
  options: { db?: string },
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
    const at = Date.now();
    if (isOwnerAlive(run.owner)) {
      await store.requestCancel(runId, at);
      output.out(
        output.json
          ? JSON.stringify({ runId, cancelled: 'requested' })
          : `Cancel requested; the owner (${run.owner}) stops the run.`,
      );
      return 0;
    }
    const seq = (await store.loadEvents(runId)).length + 1;
    const events = [
      { type: 'run_cancelled', at, reason: 'cancelled' },
      { type: 'run_finished', at, status: 'cancelled' },
    ].map((e, i) => ({ seq: seq + i, type: e.type, at, body: jsonCodec.encode(e) }));
    await store.commit(runId, { events, run: { status: 'cancelled', finishedAt: at, owner: '' } });
    output.out(
      output.json ? JSON.stringify({ runId, cancelled: true }) : `Run ${runId} cancelled.`,
    );
    return 0;
  });
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
    .description('cancel a run')
    .argument('<runId>')
    .addOption(dbOption())
    .addOption(jsonOption())
    .action((runId: string, o: { db: string; json?: boolean }) =>
      ctx.finish(cancelCommand(runId, o, ctx.output(o.json))),
    );
}
