import type { Command } from 'commander';
import { resumeRun } from '../../durable/index.js';
import { runNotFound, type RunRecord } from '../../store/index.js';
import { dbOption, jsonOption, type CommandContext } from '../command-context.js';
import { exitCodeForStatus } from '../exit-codes.js';
import { followRun } from '../follow-run.js';
import { runDefinition } from '../run-definition.js';
import type { Output } from '../output.js';
import { openStore } from '../store.js';

/**
 * Options of `tributary resume`, as commander parses them.
 *
 * @example
 * ```ts
 * const options: ResumeOptions = { module: 'examples/etl.ts' };
 * ```
 */
export interface ResumeOptions {
  readonly module?: string;
  readonly db?: string;
  readonly force?: boolean;
}

/**
 * `tributary resume <runId>`: continue a run after a crash, or start a queued one (a run a
 * clear reopened, or one the scheduler holds) here and now.
 *
 * @example
 * ```ts
 * const code = await resumeCommand(runId, { db: '.tributary/tributary.db' }, output);
 * ```
 */
export async function resumeCommand(
  runId: string,
  options: ResumeOptions,
  output: Output,
): Promise<number> {
  const store = await openStore(options.db, { mustExist: true });
  try {
    const run = await store.getRun(runId);
    if (run === undefined) throw runNotFound(runId);
    // A queued run (held by the scheduler, or reopened by a clear) starts now.
    if (run.status !== 'running' && run.status !== 'queued') return finished(run, output);
    const def = await runDefinition(run, options.module);
    let interrupted: readonly string[] = [];
    let done: RunRecord | undefined;
    const code = await followRun(def, output, async (hooks, signal) => {
      const outcome = await resumeRun(def, runId, {
        store,
        hooks,
        signal,
        captureConsole: true,
        ...(options.force === true ? { force: true } : {}),
      });
      if (!outcome.resumed) {
        done = outcome.run; // another process finished it meanwhile
        return undefined;
      }
      interrupted = outcome.interrupted;
      return outcome.result;
    });
    if (code === undefined) return finished(done!, output);
    if (!output.json && interrupted.length > 0)
      output.out(`Re-ran interrupted attempts: ${interrupted.join(', ')}`);
    return code;
  } finally {
    await store.close();
  }
}

/** What `resume` says about a run that is already finished. */
function finished(run: RunRecord, output: Output): number {
  output.out(
    output.json
      ? JSON.stringify({ runId: run.runId, resumed: false, status: run.status })
      : `Run ${run.runId} already finished (${run.status}): nothing to resume.`,
  );
  return exitCodeForStatus(run.status);
}

/**
 * Register `tributary resume` on the program.
 *
 * @example
 * ```ts
 * registerResume(program, ctx);
 * ```
 */
export function registerResume(program: Command, ctx: CommandContext): void {
  program
    .command('resume')
    .description(
      'continue a run after a crash, or start a queued one now; succeeded nodes never run again',
    )
    .argument('<runId>')
    .option('--module <path>', 'definition module (default: the one the run started from)')
    .option(
      '--force',
      'take the run over even if its owner looks alive (an owner on another host that is gone, or a reused pid); the old owner is fenced off',
    )
    .addOption(dbOption())
    .addOption(jsonOption())
    .action((runId: string, o: ResumeOptions & { json?: boolean }) =>
      ctx.finish(resumeCommand(runId, o, ctx.output(o.json))),
    );
}
