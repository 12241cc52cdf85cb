import type { Command } from 'commander';
import { resumeRun } from '../../durable/durable-runner.js';
import { TributaryError } from '../../errors/index.js';
import { runNotFound } from '../../store/errors.js';
import { dbOption, jsonOption, type CommandContext } from '../command-context.js';
import { exitCodeForStatus } from '../exit-codes.js';
import { followRun } from '../follow-run.js';
import { loadDefinitions, pickDefinition } from '../load-definitions.js';
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
}

/**
 * `tributary resume <runId>`: continue a run after a crash.
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
    const modulePath = options.module ?? run.module;
    if (modulePath === undefined) {
      throw new TributaryError(
        'INVALID_ARGUMENT',
        `Run "${runId}" has no recorded module: pass --module`,
        { context: { runId } },
      );
    }
    if (run.status !== 'running') {
      output.out(
        output.json
          ? JSON.stringify({ runId, resumed: false, status: run.status })
          : `Run ${runId} already finished (${run.status}): nothing to resume.`,
      );
      return exitCodeForStatus(run.status);
    }
    const def = pickDefinition((await loadDefinitions(modulePath)).dags, run.dagId, modulePath);
    let interrupted: readonly string[] = [];
    const code = await followRun(def, output, async (hooks, signal) => {
      const outcome = await resumeRun(def, runId, { store, hooks, signal });
      if (!outcome.resumed)
        throw new TributaryError('RUN_FINISHED', `Run ${runId} finished meanwhile`, {
          context: { runId },
        });
      interrupted = outcome.interrupted;
      return outcome.result;
    });
    if (!output.json && interrupted.length > 0)
      output.out(`Re-ran interrupted attempts: ${interrupted.join(', ')}`);
    return code;
  } finally {
    await store.close();
  }
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
    .description('continue a run after a crash; succeeded nodes never run again')
    .argument('<runId>')
    .option('--module <path>', 'definition module (default: the one the run started from)')
    .addOption(dbOption())
    .addOption(jsonOption())
    .action((runId: string, o: ResumeOptions & { json?: boolean }) =>
      ctx.finish(resumeCommand(runId, o, ctx.output(o.json))),
    );
}
