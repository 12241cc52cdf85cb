import type { Command } from 'commander';
import { cliActor } from '../actor.js';
import { dbOption, jsonOption, type CommandContext } from '../command-context.js';
import type { Output } from '../output.js';
import { checkDagOfProject } from '../project.js';
import { withStore } from '../store.js';

/** Options of `tributary pause` and `unpause`, as commander parses them. */
export interface PauseOptions {
  readonly db?: string;
  readonly project?: string;
}

/**
 * `tributary pause|unpause <dag>`: the scheduler starts no run of a paused DAG (runs already
 * going finish). The DAG is checked against the project when there is one.
 *
 * @example
 * ```ts
 * await pauseCommand('sales', true, {}, output);
 * ```
 */
export async function pauseCommand(
  dagId: string,
  paused: boolean,
  options: PauseOptions,
  output: Output,
): Promise<number> {
  await checkDagOfProject(dagId, options.project);
  return withStore(
    options.db,
    async (store) => {
      const changed = await store.setPaused(dagId, paused, cliActor(), Date.now());
      const state = paused ? 'paused' : 'unpaused';
      if (output.json) output.out(JSON.stringify({ dagId, paused, changed }));
      else output.out(changed ? `DAG ${dagId} ${state}` : `DAG ${dagId} was already ${state}`);
      return 0;
    },
    { create: true },
  );
}

/**
 * Register `tributary pause` and `tributary unpause` on the program.
 *
 * @example
 * ```ts
 * registerPause(program, ctx);
 * ```
 */
export function registerPause(program: Command, ctx: CommandContext): void {
  for (const paused of [true, false]) {
    program
      .command(paused ? 'pause' : 'unpause')
      .description(
        paused
          ? 'stop the scheduler from starting runs of a DAG'
          : 'let the scheduler start runs of a DAG again',
      )
      .argument('<dag>')
      .option('--project <config>', 'the project config to check the DAG against')
      .addOption(dbOption())
      .addOption(jsonOption())
      .action((dag: string, o: PauseOptions & { json?: boolean }) =>
        ctx.finish(pauseCommand(dag, paused, o, ctx.output(o.json))),
      );
  }
}
