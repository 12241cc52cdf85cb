import type { Command } from 'commander';
import { TributaryError } from '../../errors/index.js';
import {
  backfillSpec,
  createBackfill,
  previewBackfill,
  type BackfillPreview,
  type BackfillRequest,
} from '../../orchestrator/index.js';
import {
  MemoryStore,
  type RunStore,
  type StoredBackfill,
  type StoredBackfillPartition,
} from '../../store/index.js';
import { cliActor } from '../actor.js';
import { parseChoice } from '../choice.js';
import { dbOption, jsonOption, type CommandContext } from '../command-context.js';
import { parseLimit, parsePositiveInteger } from '../limit.js';
import { table, time, type Output } from '../output.js';
import { projectFor } from '../project.js';
import { withStore } from '../store.js';

/** Options of `tributary backfill`, as commander parses them. */
export interface BackfillOptions {
  readonly db?: string;
  readonly project?: string;
  readonly from: string;
  readonly to: string;
  /** `--no-propagate` sets it false. */
  readonly propagate?: boolean;
  readonly rerunSucceeded?: boolean;
  readonly maxConcurrent?: string;
  readonly order?: string;
  readonly dryRun?: boolean;
  readonly yes?: boolean;
}

/**
 * `tributary backfill <dag> --from <key> --to <key>`: run a DAG again for a range of its
 * partitions (both ends included) and, unless `--no-propagate`, every downstream DAG for the
 * periods mapped from it, each downstream period once the periods it waits for succeeded.
 * Idempotent: periods whose latest run succeeded are skipped unless `--rerun-succeeded`. The
 * backfill is a durable object the scheduler drives (`--max-concurrent` runs at once, oldest
 * first unless `--order newest`); `--dry-run` prints the plan and writes nothing; a plan of more
 * than 100,000 runs needs `--yes`. `tributary backfills <id>` shows its progress;
 * `tributary cancel <id>` stops it.
 *
 * @example
 * ```ts
 * await backfillCommand('ingest', { from: '2024-01-01', to: '2025-12-31', dryRun: true }, output);
 * ```
 */
export async function backfillCommand(
  dag: string,
  options: BackfillOptions,
  output: Output,
): Promise<number> {
  const project = await projectFor(options.project);
  const order = parseChoice('--order', options.order, ['oldest', 'newest'] as const);
  const request: BackfillRequest = {
    dag,
    from: options.from,
    to: options.to,
    propagate: options.propagate !== false,
    rerunSucceeded: options.rerunSucceeded === true,
    ...(options.maxConcurrent === undefined
      ? {}
      : { maxConcurrent: parsePositiveInteger('--max-concurrent', options.maxConcurrent) }),
    ...(order === undefined ? {} : { order }),
    confirm: options.yes === true,
    by: cliActor(),
  };
  if (options.dryRun === true) {
    // A dry run writes nothing, not even a new database: without one, nothing has run yet.
    const preview = await withExistingStore(options.db, (store) =>
      previewBackfill(project.dags, store, request),
    );
    printPlan(preview, output);
    return 0;
  }
  return withStore(
    options.db,
    async (store) => {
      const backfill = await createBackfill(project.dags, store, request);
      if (output.json) output.out(JSON.stringify(backfill));
      else
        output.out(
          `Backfill ${backfill.id} of ${dag} from ${options.from} to ${options.to}: ` +
            `${backfill.counts.planned ?? 0} runs planned, ${backfill.counts.skipped ?? 0} periods skipped (already succeeded). ` +
            `The scheduler runs it; \`tributary backfills ${backfill.id}\` shows its progress.`,
        );
      return 0;
    },
    { create: true },
  );
}

/** `fn` on the store at `db`, or on an empty one when there is no database there yet. */
async function withExistingStore<T>(
  db: string | undefined,
  fn: (store: RunStore) => Promise<T>,
): Promise<T> {
  try {
    return await withStore(db, fn);
  } catch (error) {
    if (!(error instanceof TributaryError && error.code === 'STORE_NOT_FOUND')) throw error;
    return fn(new MemoryStore());
  }
}

function printPlan(preview: BackfillPreview, output: Output): void {
  if (output.json) {
    output.out(JSON.stringify({ dryRun: true, ...preview }));
    return;
  }
  const planned = preview.rows.filter((r) => r.state === 'planned').length;
  output.out(
    `Dry run: a backfill of ${preview.dagId} from ${preview.spec.from} to ${preview.spec.to} would make ${planned} runs ` +
      `(${preview.rows.length - planned} periods skipped), ${preview.spec.maxConcurrent} at a time, ${preview.spec.order} first` +
      (preview.spec.propagate ? '' : ', without propagation') +
      '. Nothing was written.',
  );
  output.out(
    table(
      ['dag', 'runs', 'skipped', 'first', 'last'],
      preview.dags.map((d) => [d.dagId, String(d.planned), String(d.skipped), d.first, d.last]),
    ),
  );
  const shown = preview.rows.slice(0, 20);
  output.out(`Order of runs (first ${shown.length} of ${preview.rows.length}):`);
  for (const row of shown)
    output.out(
      `  ${row.ord + 1}. ${row.dagId} ${row.periodKey}${row.state === 'skipped' ? ' (skipped)' : ''}`,
    );
}

/** Options of `tributary backfills`, as commander parses them. */
export interface BackfillsOptions {
  readonly db?: string;
  readonly dag?: string;
  readonly state?: string;
  readonly limit?: string;
  /** With an id: every plan row, not only the summary per DAG. */
  readonly partitions?: boolean;
}

const STATES = ['running', 'succeeded', 'failed', 'cancelled'] as const;

/**
 * `tributary backfills [id]`: the backfills, newest first, with their progress; with an id, one
 * backfill's progress per DAG (and with `--partitions`, every period of its plan and its run).
 *
 * @example
 * ```ts
 * await backfillsCommand('bf-1a2b3c4d', {}, output);
 * ```
 */
export async function backfillsCommand(
  id: string | undefined,
  options: BackfillsOptions,
  output: Output,
): Promise<number> {
  const limit = parseLimit(options.limit ?? '50');
  const state = parseChoice('--state', options.state, STATES);
  return withStore(options.db, async (store) => {
    if (id === undefined) {
      const backfills = await store.listBackfills({
        ...(options.dag === undefined ? {} : { dagId: options.dag }),
        ...(state === undefined ? {} : { state }),
        limit,
      });
      if (output.json) output.out(JSON.stringify(backfills));
      else if (backfills.length === 0) output.out('No backfills.');
      else
        output.out(
          table(
            ['id', 'dag', 'range', 'state', 'progress', 'by', 'created'],
            backfills.map((b) => {
              const spec = backfillSpec(b);
              return [
                b.id,
                b.dagId,
                `${spec.from}..${spec.to}`,
                b.state,
                progress(b),
                b.createdBy,
                time(b.at),
              ];
            }),
          ),
        );
      return 0;
    }
    const backfill = await store.getBackfill(id);
    if (backfill === undefined)
      throw new TributaryError(
        'BACKFILL_NOT_FOUND',
        `No backfill ${JSON.stringify(id)} in the store`,
        {
          context: { received: id },
        },
      );
    const rows = await store.backfillPartitions(id);
    if (output.json) {
      output.out(
        JSON.stringify({ backfill, ...(options.partitions === true ? { partitions: rows } : {}) }),
      );
      return 0;
    }
    const spec = backfillSpec(backfill);
    output.out(
      `Backfill ${backfill.id} of ${backfill.dagId} from ${spec.from} to ${spec.to}: ${backfill.state} (${progress(backfill)})` +
        (backfill.finishedAt === undefined ? '' : `, ended ${time(backfill.finishedAt)}`),
    );
    output.out(
      `${spec.maxConcurrent} runs at a time, ${spec.order} first${spec.propagate ? ', propagated downstream' : ', not propagated'}${spec.rerunSucceeded ? ', re-running succeeded periods' : ''}; by ${backfill.createdBy}`,
    );
    const byDag = new Map<string, Record<string, number>>();
    for (const row of rows) {
      const counts = byDag.get(row.dagId) ?? {};
      const where = rowState(row);
      counts[where] = (counts[where] ?? 0) + 1;
      byDag.set(row.dagId, counts);
    }
    output.out(
      table(
        ['dag', 'periods', 'states'],
        [...byDag].map(([dag, counts]) => [
          dag,
          String(Object.values(counts).reduce((a, b) => a + b, 0)),
          Object.entries(counts)
            .map(([s, n]) => `${n} ${s}`)
            .join(', '),
        ]),
      ),
    );
    if (options.partitions === true)
      output.out(
        table(
          ['#', 'dag', 'period', 'state', 'run'],
          rows.map((r) => [String(r.ord + 1), r.dagId, r.periodKey, rowState(r), r.runId ?? '']),
        ),
      );
    return 0;
  });
}

/** Where a plan row is: skipped, planned (no run yet), or its run's status. */
function rowState(row: StoredBackfillPartition): string {
  return row.state === 'skipped' ? 'skipped' : (row.runStatus ?? 'planned');
}

/** `412/730 succeeded, 2 failed, 8 running`. */
function progress(backfill: StoredBackfill): string {
  const counts = backfill.counts;
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const done = (counts.succeeded ?? 0) + (counts.skipped ?? 0);
  const rest = Object.entries(counts)
    .filter(([s, n]) => n > 0 && s !== 'succeeded' && s !== 'skipped')
    .map(([s, n]) => `${n} ${s}`);
  return [`${done}/${total} done`, ...rest].join(', ');
}

/**
 * Register `tributary backfill` and `tributary backfills` on the program.
 *
 * @example
 * ```ts
 * registerBackfill(program, ctx);
 * ```
 */
export function registerBackfill(program: Command, ctx: CommandContext): void {
  program
    .command('backfill')
    .description(
      'run a DAG again for a range of partitions, and its downstream DAGs for the mapped periods',
    )
    .argument('<dag>')
    .requiredOption('--from <key>', 'first partition key of the range')
    .requiredOption('--to <key>', 'last partition key of the range (included)')
    .option('--no-propagate', 'do not backfill the downstream DAGs')
    .option('--rerun-succeeded', 'run periods whose latest run succeeded too')
    .option('--max-concurrent <n>', 'runs of the backfill at once (default 8)')
    .option('--order <order>', 'oldest (default) or newest first')
    .option('--dry-run', 'print the plan; write nothing')
    .option('--yes', 'allow a backfill of more than 100,000 runs')
    .option('--project <config>', 'project config (default ./tributary.config.*)')
    .addOption(dbOption())
    .addOption(jsonOption())
    .action((dag: string, o: BackfillOptions & { json?: boolean }) =>
      ctx.finish(backfillCommand(dag, o, ctx.output(o.json))),
    );
  program
    .command('backfills')
    .description('backfills and their progress; with an id, one backfill per DAG or per period')
    .argument('[id]')
    .option('--dag <id>')
    .option('--state <state>', 'running, succeeded, failed or cancelled')
    .option('--partitions', 'with an id: every period of the plan and its run')
    .option('--limit <n>', 'how many', '50')
    .addOption(dbOption())
    .addOption(jsonOption())
    .action((id: string | undefined, o: BackfillsOptions & { json?: boolean }) =>
      ctx.finish(backfillsCommand(id, o, ctx.output(o.json))),
    );
}
