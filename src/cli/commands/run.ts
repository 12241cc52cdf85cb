import type { Command } from 'commander';
import { cliActor } from '../actor.js';
import { Option } from 'commander';
import { startRun } from '../../durable/index.js';
import type { Durability } from '../../store/index.js';
import { dbOption, jsonOption, type CommandContext } from '../command-context.js';
import { EXIT } from '../exit-codes.js';
import { followRun } from '../follow-run.js';
import { loadDefinitions, pickDefinition } from '../../orchestrator/index.js';
import type { Output } from '../output.js';
import { collectParam, parseParams } from '../params.js';
import { openStore } from '../store.js';

/**
 * Options of `tributary run`, as commander parses them.
 *
 * @example
 * ```ts
 * const options: RunOptions = { param: ['delayMs=1'], durability: 'full' };
 * ```
 */
export interface RunOptions {
  readonly dag?: string;
  readonly param?: readonly string[];
  readonly db?: string;
  readonly durability?: Durability;
}

/**
 * `tributary run <module>`: start a durable run and follow it to the end. `Run <id> started` goes
 * to stderr first; the report (a table, or one JSON document with `--json`) to stdout at the end.
 *
 * @example
 * ```ts
 * const code = await runCommand('examples/etl.ts', { param: ['delayMs=1'] }, output);
 * ```
 */
export async function runCommand(
  modulePath: string,
  options: RunOptions,
  output: Output,
): Promise<number> {
  const { path, dags } = await loadDefinitions(modulePath);
  const def = pickDefinition(dags, options.dag, modulePath);
  const params = parseParams(options.param ?? []);
  const store = await openStore(options.db, {
    ...(options.durability === undefined ? {} : { durability: options.durability }),
  });
  try {
    // Announced as soon as the run is recorded (to `show`, `logs` or `cancel` it meanwhile);
    // the report at the end, JSON included, carries the id too.
    const code = await followRun(def, output, (hooks, signal) =>
      startRun(def, {
        store,
        params,
        module: path,
        origin: cliActor(),
        hooks,
        signal,
        captureConsole: true,
        onCreated: (runId) => output.err(`Run ${runId} started`),
        ...(options.durability === undefined ? {} : { durability: options.durability }),
      }),
    );
    return code ?? EXIT.failed; // startRun always yields a result: never undefined
  } finally {
    await store.close();
  }
}

/**
 * Register `tributary run` on the program.
 *
 * @example
 * ```ts
 * registerRun(program, ctx);
 * ```
 */
export function registerRun(program: Command, ctx: CommandContext): void {
  program
    .command('run')
    .description('start a durable run of a DAG defined in a module (TypeScript or JavaScript)')
    .argument('<module>', 'definition module')
    .option('--dag <id>', 'which DAG, when the module defines several')
    .option('--param <key=value>', 'run parameter (JSON or string), repeatable', collectParam, [])
    .addOption(dbOption())
    .addOption(
      new Option(
        '--durability <mode>',
        'normal: survives a process crash; full: also a power loss',
      ).choices(['normal', 'full']),
    )
    .addOption(jsonOption())
    .action((module: string, o: RunOptions & { json?: boolean }) =>
      ctx.finish(runCommand(module, o, ctx.output(o.json))),
    );
}
