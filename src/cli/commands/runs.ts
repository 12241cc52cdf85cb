import type { Command } from 'commander';
import { dbOption, jsonOption, type CommandContext } from '../command-context.js';
import { duration, table, time, type Output } from '../output.js';
import { parseRunStatus } from '../run-status.js';
import { parseLimit } from '../limit.js';
import { withStore } from '../store.js';

/**
 * Options of `tributary runs`, as commander parses them (`limit` is checked by the command).
 *
 * @example
 * ```ts
 * const options: RunsOptions = { status: 'failed', limit: '10' };
 * ```
 */
export interface RunsOptions {
  readonly db?: string;
  readonly dag?: string;
  readonly period?: string;
  readonly status?: string;
  readonly limit?: string;
}

/**
 * `tributary runs`: recent runs, newest first.
 *
 * @example
 * ```ts
 * await runsCommand({ status: 'failed', limit: '10' }, output);
 * ```
 */
export async function runsCommand(options: RunsOptions, output: Output): Promise<number> {
  const limit = parseLimit(options.limit ?? '50');
  const status = options.status === undefined ? undefined : parseRunStatus(options.status);
  return withStore(options.db, async (store) => {
    const runs = await store.listRuns({
      ...(options.dag === undefined ? {} : { dagId: options.dag }),
      ...(options.period === undefined ? {} : { periodKey: options.period }),
      ...(status === undefined ? {} : { status }),
      limit,
    });
    if (output.json) output.out(JSON.stringify(runs));
    else if (runs.length === 0) output.out('No runs yet.');
    else {
      output.out(
        table(
          ['run', 'dag', 'period', 'status', 'created', 'duration', 'by'],
          runs.map((r) => [
            r.runId,
            r.dagId,
            r.partitionKey ?? '',
            r.prunedAt === undefined ? r.status : `${r.status} (pruned)`,
            time(r.createdAt),
            r.finishedAt === undefined ? '' : duration(r.finishedAt - r.createdAt),
            r.origin ?? '',
          ]),
        ),
      );
    }
    return 0;
  });
}

/**
 * Register `tributary runs` on the program.
 *
 * @example
 * ```ts
 * registerRuns(program, ctx);
 * ```
 */
export function registerRuns(program: Command, ctx: CommandContext): void {
  program
    .command('runs')
    .description('list recent runs')
    .option('--dag <id>')
    .option('--period <key>', "runs of one period ('' for unpartitioned runs)")
    .option('--status <status>')
    .option('--limit <n>', 'how many', '50')
    .addOption(dbOption())
    .addOption(jsonOption())
    .action((o: RunsOptions & { json?: boolean }) =>
      ctx.finish(runsCommand(o, ctx.output(o.json))),
    );
}
