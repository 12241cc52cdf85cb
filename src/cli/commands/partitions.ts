import type { Command } from 'commander';
import { TributaryError } from '../../errors/index.js';
import {
  assetPartitionStatus,
  dagPartitionStatus,
  type PartitionReport,
  type PartitionState,
} from '../../orchestrator/index.js';
import { dynamicPartitions } from '../../time/index.js';
import { cliActor } from '../actor.js';
import { dbOption, jsonOption, type CommandContext } from '../command-context.js';
import { parsePositiveInteger } from '../limit.js';
import { table, time, type Output } from '../output.js';
import { projectFor } from '../project.js';
import { withStore } from '../store.js';

/** Options of `tributary partitions`, as commander parses them. */
export interface PartitionsOptions {
  readonly db?: string;
  readonly project?: string;
  readonly from?: string;
  readonly to?: string;
  readonly width?: string;
}

/** One character per state in the strip, and which state a cell of several shows (worst first). */
const SYMBOL: Readonly<Record<PartitionState, string>> = {
  failed: 'X',
  cancelled: 'c',
  partial: 'p',
  running: 'R',
  queued: 'q',
  stale: '~',
  missing: '.',
  succeeded: '#',
  materialized: '#',
};
const WORST_FIRST = Object.keys(SYMBOL) as PartitionState[];

/**
 * `tributary partitions <dag|asset>`: the partitions of a DAG (or of an asset, given by URI)
 * over a range: a status strip (one character per partition, or per group of partitions when
 * there are more than `--width`, showing the worst), the counts by state, and the keys that are
 * not done, as ranges. `stale`: the partition succeeded, but an asset partition its run read has
 * a newer data version now. `--json` lists every partition.
 *
 * @example
 * ```ts
 * await partitionsCommand('report', { from: '2026-01-01' }, output);
 * ```
 */
export async function partitionsCommand(
  subject: string,
  options: PartitionsOptions,
  output: Output,
): Promise<number> {
  const project = await projectFor(options.project);
  const width = parsePositiveInteger('--width', options.width ?? '80');
  const range = {
    ...(options.from === undefined ? {} : { from: options.from }),
    ...(options.to === undefined ? {} : { to: options.to }),
  };
  return withStore(options.db, async (store) => {
    const report = subject.includes('://')
      ? await assetPartitionStatus(project.dags, store, subject, range)
      : await dagPartitionStatus(project.dags, store, subject, range);
    if (output.json) output.out(JSON.stringify(report));
    else printReport(report, width, output);
    return 0;
  });
}

function printReport(report: PartitionReport, width: number, output: Output): void {
  const { statuses } = report;
  output.out(
    `${report.subject.kind === 'dag' ? 'DAG' : 'Asset'} ${report.subject.id}: ${report.partitions}`,
  );
  if (statuses.length === 0) {
    output.out('No partitions in the range.');
    return;
  }
  output.out(`${statuses[0]!.key} .. ${statuses.at(-1)!.key} (${statuses.length} partitions)`);
  output.out(strip(report, width));
  output.out(
    Object.entries(report.counts)
      .map(([state, n]) => `${n} ${state}`)
      .join(', ') +
      `   (${WORST_FIRST.filter((s) => s !== 'materialized')
        .map((s) => `${SYMBOL[s]} ${s === 'succeeded' ? 'done' : s}`)
        .join(', ')})`,
  );
  for (const state of WORST_FIRST) {
    if (state === 'succeeded' || state === 'materialized') continue;
    const keys = ranges(statuses.map((s) => s.state === state));
    if (keys.length === 0) continue;
    const shown = keys
      .slice(0, 8)
      .map(([a, b]) => (a === b ? statuses[a]!.key : `${statuses[a]!.key}..${statuses[b]!.key}`));
    output.out(
      `${state}: ${shown.join(', ')}${keys.length > 8 ? `, ... (${keys.length} ranges)` : ''}`,
    );
  }
  const staleOnes = statuses.filter((s) => s.staleInputs !== undefined).slice(0, 5);
  if (staleOnes.length > 0)
    output.out(
      table(
        ['stale partition', 'input', 'read', 'now'],
        staleOnes.flatMap((s) =>
          s.staleInputs!.map((i) => [
            s.key,
            `${i.asset}${i.partitionKey === '' ? '' : `[${i.partitionKey}]`}`,
            i.readVersion,
            i.latestVersion,
          ]),
        ),
      ),
    );
}

/** The strip: one cell per partition, or per group, showing the worst state of the group. */
function strip(report: PartitionReport, width: number): string {
  const { statuses } = report;
  const per = Math.ceil(statuses.length / width);
  let out = '';
  for (let i = 0; i < statuses.length; i += per) {
    let worst = WORST_FIRST.length - 1;
    for (let j = i; j < Math.min(i + per, statuses.length); j++)
      worst = Math.min(worst, WORST_FIRST.indexOf(statuses[j]!.state));
    out += SYMBOL[WORST_FIRST[worst]!];
  }
  return per === 1 ? `[${out}]` : `[${out}] (a cell is ${per} partitions)`;
}

/** Runs of consecutive true flags, as [first, last] index pairs. */
function ranges(flags: readonly boolean[]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < flags.length; i++) {
    if (!flags[i]) continue;
    const start = i;
    while (i + 1 < flags.length && flags[i + 1]) i++;
    out.push([start, i]);
  }
  return out;
}

/**
 * `tributary partition-keys add|list <set>`: the keys of a dynamic partition set (a DAG with
 * `partitions: dynamicPartitions('customers')`): `add` adds keys (those already there are
 * kept, once), `list` prints them in the order they were added.
 *
 * @example
 * ```ts
 * await partitionKeysCommand('add', 'customers', ['acme', 'globex'], {}, output);
 * ```
 */
export async function partitionKeysCommand(
  action: 'add' | 'list',
  set: string,
  keys: readonly string[],
  options: { readonly db?: string },
  output: Output,
): Promise<number> {
  const space = dynamicPartitions(set);
  for (const key of keys) space.parse(key);
  if (action === 'add' && keys.length === 0)
    throw new TributaryError('USAGE', 'partition-keys add needs at least one key', {
      context: { received: keys },
    });
  return withStore(
    options.db,
    async (store) => {
      if (action === 'add') {
        const added = await store.addPartitionKeys(set, keys, cliActor(), Date.now());
        output.out(
          output.json
            ? JSON.stringify({ set, added })
            : `Added ${added.length} key(s) to ${set}${added.length < keys.length ? ` (${keys.length - added.length} already there)` : ''}.`,
        );
        return 0;
      }
      const stored = await store.partitionKeys(set);
      if (output.json) output.out(JSON.stringify(stored));
      else if (stored.length === 0) output.out(`No keys in ${set}.`);
      else
        output.out(
          table(
            ['key', 'added by', 'at'],
            stored.map((k) => [k.key, k.addedBy, time(k.addedAt)]),
          ),
        );
      return 0;
    },
    { create: action === 'add' },
  );
}

/**
 * Register `tributary partitions` and `tributary partition-keys` on the program.
 *
 * @example
 * ```ts
 * registerPartitions(program, ctx);
 * ```
 */
export function registerPartitions(program: Command, ctx: CommandContext): void {
  program
    .command('partitions')
    .description('partition status of a DAG or an asset: missing, done, failed, running, stale')
    .argument('<dag-or-asset>', 'a DAG id, or an asset URI')
    .option('--from <key>', 'first partition key (default: the first one)')
    .option('--to <key>', 'last partition key (default: the last one closed now)')
    .option('--width <n>', 'characters of the status strip', '80')
    .option('--project <config>', 'project config (default ./tributary.config.*)')
    .addOption(dbOption())
    .addOption(jsonOption())
    .action((subject: string, o: PartitionsOptions & { json?: boolean }) =>
      ctx.finish(partitionsCommand(subject, o, ctx.output(o.json))),
    );
  const keys = program.command('partition-keys').description('the keys of a dynamic partition set');
  keys
    .command('add')
    .description('add keys to a dynamic partition set')
    .argument('<set>')
    .argument('<keys...>')
    .addOption(dbOption())
    .addOption(jsonOption())
    .action((set: string, added: string[], o: { db?: string; json?: boolean }) =>
      ctx.finish(partitionKeysCommand('add', set, added, o, ctx.output(o.json))),
    );
  keys
    .command('list')
    .description('the keys of a dynamic partition set, in the order they were added')
    .argument('<set>')
    .addOption(dbOption())
    .addOption(jsonOption())
    .action((set: string, o: { db?: string; json?: boolean }) =>
      ctx.finish(partitionKeysCommand('list', set, [], o, ctx.output(o.json))),
    );
}
