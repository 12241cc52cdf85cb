import type { Command } from 'commander';
import { clearRun } from '../../durable/index.js';
import { TributaryError } from '../../errors/index.js';
import { runNotFound, type RunRecord, type RunStore } from '../../store/index.js';
import { cliActor } from '../actor.js';
import { dbOption, jsonOption, type CommandContext } from '../command-context.js';
import { parseWait, reportControl } from '../control.js';
import type { Output } from '../output.js';
import { collectParam } from '../params.js';
import { runDefinition } from '../run-definition.js';
import { withStore } from '../store.js';

/** Options of `tributary clear`, as commander parses them. */
export interface ClearOptions {
  readonly db?: string;
  readonly node?: readonly string[];
  readonly downstream?: boolean;
  readonly upstream?: boolean;
  readonly failed?: boolean;
  readonly reason?: string;
  readonly module?: string;
  readonly wait?: string;
  /** The run by identity, instead of its id. */
  readonly dag?: string;
  readonly period?: string;
  readonly key?: string;
}

/**
 * `tributary clear <runId> [--node n]... [--downstream] [--upstream] [--failed]`: run part of a
 * run again, in the same run (identity, journal and results of the other nodes kept). Without
 * `--node`, every node; `--failed` keeps the ones that did not succeed. The run is named by its
 * id, or by its identity (`--dag`, `--period`, `--key`). A finished run becomes `queued`: the
 * scheduler runs it, or `tributary resume`.
 *
 * @example
 * ```ts
 * await clearCommand('r1', { node: ['load'], downstream: true }, output);
 * ```
 */
export async function clearCommand(
  runId: string | undefined,
  options: ClearOptions,
  output: Output,
): Promise<number> {
  const waitMs = parseWait(options.wait);
  return withStore(options.db, async (store) => {
    const run = await findTarget(store, runId, options);
    const def = await runDefinition(run, options.module);
    const outcome = await clearRun(
      def,
      run.runId,
      {
        ...(options.node === undefined || options.node.length === 0 ? {} : { nodes: options.node }),
        downstream: options.downstream === true,
        upstream: options.upstream === true,
        failedOnly: options.failed === true,
      },
      {
        store,
        actor: cliActor(),
        waitMs,
        ...(options.reason === undefined ? {} : { reason: options.reason }),
      },
    );
    return reportControl(outcome, 'Cleared', output);
  });
}

/** The run named by id, or by `--dag`, `--period` and `--key`. */
async function findTarget(
  store: RunStore,
  runId: string | undefined,
  options: ClearOptions,
): Promise<RunRecord> {
  if (runId !== undefined) {
    if (options.dag !== undefined) {
      throw new TributaryError(
        'USAGE',
        `Name the run by its id or by --dag/--period/--key, not both (got ${runId} and --dag ${options.dag})`,
        { context: { received: runId } },
      );
    }
    const run = await store.getRun(runId);
    if (run === undefined) throw runNotFound(runId);
    return run;
  }
  if (options.dag === undefined) {
    throw new TributaryError('USAGE', 'Name the run to clear: <runId>, or --dag with --period', {
      context: {},
    });
  }
  const period = options.period ?? '';
  const key = options.key ?? '';
  const found = await store.findRun(options.dag, period, key);
  const run = found === undefined ? undefined : await store.getRun(found.runId);
  if (run === undefined) {
    throw new TributaryError(
      'RUN_NOT_FOUND',
      `No run of DAG "${options.dag}" for period "${period}"${key === '' ? '' : ` with key "${key}"`}`,
      { context: { dagId: options.dag, periodKey: period, runKey: key } },
    );
  }
  return run;
}

/**
 * Register `tributary clear` on the program.
 *
 * @example
 * ```ts
 * registerClear(program, ctx);
 * ```
 */
export function registerClear(program: Command, ctx: CommandContext): void {
  program
    .command('clear')
    .description('run part of a run again, in the same run (audited)')
    .argument('[runId]', 'the run (or name it with --dag, --period and --key)')
    .option('--node <name>', 'a node to clear (repeatable; default: every node)', collectParam, [])
    .option('--downstream', 'also every node below them')
    .option('--upstream', 'also every node above them')
    .option(
      '--failed',
      'only nodes that did not succeed (failed, timed out, upstream failed, cancelled)',
    )
    .option('--reason <text>', 'why: kept in the journal')
    .option('--dag <id>', 'the run by identity: its DAG')
    .option('--period <key>', "the run by identity: its period ('' or absent: unpartitioned)")
    .option('--key <key>', "the run by identity: its run key (default '')")
    .option('--module <path>', 'definition module (default: the one the run started from)')
    .option('--wait <ms>', 'how long to wait for a live owner to apply it', '30000')
    .addOption(dbOption())
    .addOption(jsonOption())
    .action((runId: string | undefined, o: ClearOptions & { json?: boolean }) =>
      ctx.finish(clearCommand(runId, o, ctx.output(o.json))),
    );
}
