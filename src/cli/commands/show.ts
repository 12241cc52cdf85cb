import type { Command } from 'commander';
import { describeRunOrigin, runLineage } from '../../orchestrator/index.js';
import { dbOption, jsonOption, type CommandContext } from '../command-context.js';
import { loadRunView } from '../load-run-view.js';
import type { RunRecord } from '../../store/index.js';
import { countsLine, duration, table, time, type Output } from '../output.js';
import { withStore } from '../store.js';

/**
 * `tributary show <runId>`: the run and every node's state, from the journal; what started the
 * run and the runs it started; the asset events it read and produced. A run that retention pruned has no journal left: its summary,
 * and a line saying so.
 *
 * @example
 * ```ts
 * await showCommand(runId, { db: '.tributary/tributary.db' }, output);
 * ```
 */
export async function showCommand(
  runId: string,
  options: { db?: string },
  output: Output,
): Promise<number> {
  return withStore(options.db, async (store) => {
    const summary = await store.getRun(runId);
    if (summary?.prunedAt !== undefined) return showPruned(summary, summary.prunedAt, output);
    const { view } = await loadRunView(store, runId);
    const nodes = [...view.nodes.values()];
    const lineage = await runLineage(store, runId);
    const startedBy = describeRunOrigin(
      lineage.origin,
      view.run.partitionKey,
      lineage.startedByRun,
    );
    const started = lineage.started.map(({ runId: id, dagId, partitionKey, status, origin }) => ({
      runId: id,
      dagId,
      ...(partitionKey === undefined ? {} : { partitionKey }),
      status,
      ...(origin === undefined ? {} : { origin }),
    }));
    if (output.json) {
      const { graph: _graph, ...run } = view.run;
      output.out(
        JSON.stringify({
          run,
          nodes,
          modifications: view.modifications.length,
          lineage: {
            origin: lineage.origin,
            startedBy,
            started,
            consumed: lineage.consumed,
            produced: lineage.produced,
          },
        }),
      );
      return 0;
    }
    const counts: Record<string, number> = {};
    for (const n of nodes) counts[n.state] = (counts[n.state] ?? 0) + 1;
    const { run } = view;
    const period = run.partitionKey === undefined ? '' : ` for ${run.partitionKey}`;
    output.out(`Run ${runId} of ${run.dagId}${period}: ${run.status} (${countsLine(counts)})`);
    const details = [
      `params ${JSON.stringify(run.params)}`,
      `created ${time(run.createdAt)}`,
      ...(run.owner === undefined ? [] : [`owner ${run.owner}`]),
    ];
    output.out(details.join('; '));
    output.out(`started by ${startedBy}`);
    output.out(
      started.length === 0
        ? 'started no run'
        : `started ${started
            .map((r) => {
              const period = r.partitionKey === undefined ? '' : ` for ${r.partitionKey}`;
              const by = r.origin?.startsWith('task:') === true ? ` (${r.origin})` : '';
              return `${r.dagId} run ${r.runId}${period}: ${r.status}${by}`;
            })
            .join(', ')}`,
    );
    if (lineage.consumed.length > 0) output.out(`read ${assetList(lineage.consumed)}`);
    if (lineage.produced.length > 0)
      output.out(`produced ${assetList(lineage.produced.map((e) => ({ ...e, eventId: e.id })))}`);
    output.out('');
    output.out(
      table(
        ['node', 'state', 'attempts', 'duration', 'error'],
        nodes.map((n) => [
          n.dynamic ? `${n.name} (dynamic)` : n.name,
          n.state,
          String(n.attempts),
          n.startedAt === undefined || n.finishedAt === undefined
            ? ''
            : duration(n.finishedAt - n.startedAt),
          n.error ?? '',
        ]),
      ),
    );
    return 0;
  });
}

function showPruned(record: RunRecord, prunedAt: number, output: Output): number {
  const { graph: _graph, ...run } = record;
  if (output.json) {
    output.out(JSON.stringify({ run, pruned: true, nodes: [], modifications: 0 }));
    return 0;
  }
  const period = run.partitionKey === undefined ? '' : ` for ${run.partitionKey}`;
  output.out(`Run ${run.runId} of ${run.dagId}${period}: ${run.status}`);
  output.out(
    [
      `params ${JSON.stringify(run.params)}`,
      `created ${time(run.createdAt)}${run.origin === undefined ? '' : ` by ${run.origin}`}`,
      `finished ${time(run.finishedAt)}`,
    ].join('; '),
  );
  output.out(
    `Its journal was pruned at ${time(prunedAt)}: node states, logs and artifacts are gone (only this summary is kept).`,
  );
  return 0;
}

/**
 * Register `tributary show` on the program.
 *
 * @example
 * ```ts
 * registerShow(program, ctx);
 * ```
 */
export function registerShow(program: Command, ctx: CommandContext): void {
  program
    .command('show')
    .description('show a run and the state of every node')
    .argument('<runId>')
    .addOption(dbOption())
    .addOption(jsonOption())
    .action((runId: string, o: { db: string; json?: boolean }) =>
      ctx.finish(showCommand(runId, o, ctx.output(o.json))),
    );
}

/** Asset events, short, the first 5 of a longer list (`--json` has them all). */
function assetList(events: readonly Parameters<typeof assetLine>[0][]): string {
  const shown = events.slice(0, 5).map(assetLine).join(', ');
  return events.length > 5 ? `${shown}, ... (${events.length} events; --json lists them)` : shown;
}

/** `warehouse://sales[2026-12-05]@v3 (#12)`: an asset event, short. */
function assetLine(e: {
  readonly asset: string;
  readonly partitionKey: string;
  readonly dataVersion: string;
  readonly eventId: number;
}): string {
  const partition = e.partitionKey === '' ? '' : `[${e.partitionKey}]`;
  return `${e.asset}${partition}@${e.dataVersion} (#${e.eventId})`;
}
