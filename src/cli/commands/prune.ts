import type { Command } from 'commander';
import type { PruneResult, SpaceReclaimed } from '../../store/index.js';
import { parseAge } from '../age.js';
import { dbOption, jsonOption, type CommandContext } from '../command-context.js';
import type { Output } from '../output.js';
import { withStore } from '../store.js';

/** Options of `tributary prune`, as commander parses them. */
export interface PruneCommandOptions {
  readonly db?: string;
  readonly olderThan?: string;
  readonly dag?: string;
  readonly dryRun?: boolean;
  readonly dropSummaries?: boolean;
  readonly vacuum?: boolean;
}

/**
 * `tributary prune --older-than 30d [--dag id] [--dry-run] [--drop-summaries] [--vacuum]`: remove
 * the journals, logs, artifacts and snapshots of runs that finished before the cutoff, keeping
 * each run's summary (or, with `--drop-summaries`, the run itself, freeing its identity), with
 * the old change-feed entries, completed triggers and superseded signal entries; then give the
 * space back (incremental vacuum; a full `VACUUM` with `--vacuum`). Queued and running runs, and
 * runs whose lease is held, are never touched. `--dry-run` only counts.
 *
 * @example
 * ```ts
 * await pruneCommand({ olderThan: '30d', dryRun: true }, output);
 * ```
 */
export async function pruneCommand(options: PruneCommandOptions, output: Output): Promise<number> {
  const age = parseAge(options.olderThan ?? '', '--older-than');
  const before = Date.now() - age;
  return withStore(options.db, async (store) => {
    const result = await store.prune({
      before,
      ...(options.dag === undefined ? {} : { dagId: options.dag }),
      keepSummaries: options.dropSummaries !== true,
      dryRun: options.dryRun === true,
    });
    const space = result.dryRun
      ? undefined
      : await store.reclaimSpace({ full: options.vacuum === true });
    if (output.json) {
      output.out(JSON.stringify({ before, ...result, ...(space === undefined ? {} : { space }) }));
      return 0;
    }
    for (const line of describe(result, before, space)) output.out(line);
    return 0;
  });
}

function describe(
  result: PruneResult,
  before: number,
  space: SpaceReclaimed | undefined,
): string[] {
  const verb = result.dryRun ? 'Would prune' : 'Pruned';
  const kept =
    result.runs === 0 ? '' : result.summariesDropped > 0 ? ' (removed whole)' : ' (summaries kept)';
  const lines = [
    `${verb} ${plural(result.runs, 'run')} that finished before ${new Date(before).toISOString()}${kept}: ` +
      `${plural(result.journalEntries, 'journal entry', 'journal entries')}, ${plural(result.logLines, 'log line')}, ` +
      `${plural(result.artifacts, 'artifact')}, ${plural(result.snapshots, 'snapshot')}, ${plural(result.requests, 'request')}; ` +
      `${plural(result.feedChanges, 'feed entry', 'feed entries')}, ${plural(result.triggers, 'completed trigger')}, ` +
      `${plural(result.signalEntries, 'old signal entry', 'old signal entries')}.`,
  ];
  if (result.leased.length > 0) {
    lines.push(
      `Left ${plural(result.leased.length, 'run')} alone: a lease on ${result.leased.length === 1 ? 'it is' : 'them is'} held (${result.leased.join(', ')}).`,
    );
  }
  if (space !== undefined) {
    const how =
      space.method === 'vacuum'
        ? 'VACUUM'
        : space.method === 'incremental'
          ? 'incremental vacuum'
          : 'nothing reclaimed: this database was made without incremental vacuum; --vacuum rewrites it';
    lines.push(`Database: ${bytes(space.bytesBefore)} -> ${bytes(space.bytesAfter)} (${how}).`);
  }
  return lines;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/**
 * Register `tributary prune` on the program.
 *
 * @example
 * ```ts
 * registerPrune(program, ctx);
 * ```
 */
export function registerPrune(program: Command, ctx: CommandContext): void {
  program
    .command('prune')
    .description("remove old finished runs' journals, logs and artifacts (never a live run)")
    .requiredOption('--older-than <age>', 'runs that finished longer ago than this: 30d, 12h, 90m')
    .option('--dag <id>', "only this DAG's runs, triggers and feed entries")
    .option('--dry-run', 'count what would be removed; remove nothing')
    .option(
      '--drop-summaries',
      "remove the runs' rows too: `runs` no longer lists them, and their periods can run again",
    )
    .option('--vacuum', 'rewrite the database afterwards (VACUUM) to give all freed space back')
    .addOption(dbOption())
    .addOption(jsonOption())
    .action((o: PruneCommandOptions & { json?: boolean }) =>
      ctx.finish(pruneCommand(o, ctx.output(o.json))),
    );
}
