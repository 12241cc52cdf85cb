import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { TributaryError } from '../../errors/index.js';
import { cliActor } from '../actor.js';
import { dbOption, jsonOption, type CommandContext } from '../command-context.js';
import type { Output } from '../output.js';
import { collectParam, parseParams } from '../params.js';
import { dagOfProject, projectFor } from '../project.js';
import { withStore } from '../store.js';

/** Options of `tributary trigger`, as commander parses them. */
export interface TriggerCommandOptions {
  readonly db?: string;
  readonly project?: string;
  readonly period?: string;
  readonly key?: string;
  readonly param?: readonly string[];
}

/**
 * `tributary trigger <dag>`: ask the scheduler for a run of a DAG of the project. The period
 * defaults to the last one closed now (what the schedule would run), `''` for an unpartitioned
 * DAG; the key defaults to a fresh one, so a manual trigger is a run of its own. The request goes
 * through the trigger outbox: the scheduler (in any process) creates and starts the run.
 *
 * @example
 * ```ts
 * await triggerCommand('report', { period: '2026-12-05T00:00+01:00' }, output);
 * ```
 */
export async function triggerCommand(
  dagId: string,
  options: TriggerCommandOptions,
  output: Output,
): Promise<number> {
  const project = await projectFor(options.project);
  const { periods } = dagOfProject(project, dagId).definition.scheduling;
  const now = Date.now();
  // The unpartitioned period never closes: it contains every instant.
  const period =
    options.period === undefined
      ? (periods.lastClosed(now) ?? periods.containing(now))
      : periods.parse(options.period);
  if (period === undefined) {
    throw new TributaryError(
      'INVALID_ARGUMENT',
      `DAG "${dagId}" has no closed period yet: give one with --period`,
    );
  }
  const runKey = options.key ?? `manual-${randomBytes(4).toString('hex')}`;
  const params = parseParams(options.param ?? []);
  return withStore(
    options.db,
    async (store) => {
      await store.addTriggers([
        {
          dagId,
          periodKey: period.key,
          runKey,
          ...(Object.keys(params).length === 0 ? {} : { params: JSON.stringify(params) }),
          origin: cliActor(),
          at: Date.now(),
        },
      ]);
      if (output.json) output.out(JSON.stringify({ dagId, periodKey: period.key, runKey }));
      else
        output.out(
          `Triggered ${dagId}${period.key === '' ? '' : ` for ${period.key}`} (key ${runKey}): the scheduler starts it`,
        );
      return 0;
    },
    { create: true },
  );
}

/**
 * Register `tributary trigger` on the program.
 *
 * @example
 * ```ts
 * registerTrigger(program, ctx);
 * ```
 */
export function registerTrigger(program: Command, ctx: CommandContext): void {
  program
    .command('trigger')
    .description('ask the scheduler for a run of a DAG (for a period, with params)')
    .argument('<dag>')
    .option('--period <key>', 'the period to run (default: the last one closed)')
    .option('--key <key>', 'the run key: the same key twice is one run (default: a fresh one)')
    .option('--param <key=value>', 'run parameter (JSON or string), repeatable', collectParam, [])
    .option('--project <config>', 'the project config (default: ./tributary.config.*)')
    .addOption(dbOption())
    .addOption(jsonOption())
    .action((dag: string, o: TriggerCommandOptions & { json?: boolean }) =>
      ctx.finish(triggerCommand(dag, o, ctx.output(o.json))),
    );
}
