import { relative } from 'node:path';
import type { Command } from 'commander';
import { describeCondition } from '../../durable/index.js';
import { TributaryError } from '../../errors/index.js';
import type { RunStore, RunSummary } from '../../store/index.js';
import { dbOption, jsonOption, type CommandContext } from '../command-context.js';
import { table, time, type Output } from '../output.js';
import { projectFor } from '../project.js';
import { DEFAULT_DB, openStore } from '../store.js';

/** Options of `tributary dags`, as commander parses them. */
export interface DagsOptions {
  readonly db?: string;
}

/** One DAG of the listing. */
interface DagRow {
  readonly id: string;
  readonly module: string;
  readonly environment: string;
  readonly schedule: { cron: string; timezone: string; delayMs: number } | undefined;
  /** Its partitions, for people (`daily partitions in UTC from 2024-01-01`). */
  readonly partitions: string;
  /** The next period to fall due and when. */
  readonly next: { period: string; dueAt: number } | undefined;
  readonly paused: boolean;
  readonly lastRun: { runId: string; status: string; periodKey: string; at: number } | undefined;
  readonly dependsOn: readonly string[];
  readonly triggers: readonly string[];
  /** The asset updates that start it, as text. */
  readonly onAssets: string | undefined;
  /** The assets it produces. */
  readonly produces: readonly string[];
}

/**
 * `tributary dags [project]`: every DAG of the project with its schedule, its next tick,
 * whether it is paused, its last run, what it waits for and triggers, and its environment.
 *
 * @example
 * ```ts
 * await dagsCommand('tributary.config.ts', {}, output);
 * ```
 */
export async function dagsCommand(
  config: string | undefined,
  options: DagsOptions,
  output: Output,
): Promise<number> {
  const project = await projectFor(config);
  const now = Date.now();
  // No default database yet is not an error here: nothing has run, nothing is paused.
  const store = await openStore(options.db, { mustExist: true }).catch((error: unknown) => {
    const byDefault = options.db === undefined || options.db === DEFAULT_DB;
    if (byDefault && error instanceof TributaryError && error.code === 'STORE_NOT_FOUND')
      return undefined;
    throw error;
  });
  try {
    const paused = new Set((await store?.pausedDags())?.map((p) => p.dagId));
    const rows: DagRow[] = [];
    for (const { definition, module } of project.dags) {
      const { schedule, dependsOn, signals, triggers, periods, onAssets } = definition.scheduling;
      const next = schedule === undefined ? undefined : first(schedule.due(now));
      const last = await lastRun(store, definition.id);
      rows.push({
        id: definition.id,
        module: relative(project.root, module),
        environment: project.dags.environmentOf(definition.id)!,
        schedule:
          schedule === undefined
            ? undefined
            : { cron: schedule.expression, timezone: schedule.timezone, delayMs: schedule.delay },
        partitions: periods.description,
        next:
          next === undefined || schedule === undefined
            ? undefined
            : { period: next.key, dueAt: schedule.dueAt(next) },
        paused: paused.has(definition.id),
        lastRun:
          last === undefined
            ? undefined
            : {
                runId: last.runId,
                status: last.status,
                periodKey: last.partitionKey ?? '',
                at: last.createdAt,
              },
        dependsOn: [...dependsOn.map((d) => d.dag), ...signals.map((s) => `signal:${s.signal}`)],
        triggers: triggers.map((t) => `${t.dag} (on ${t.on})`),
        onAssets: onAssets === undefined ? undefined : describeCondition(onAssets),
        produces: [...new Set(definition.assets.produces.map((p) => p.asset))],
      });
    }
    if (output.json) {
      output.out(JSON.stringify({ project: project.name, dags: rows }));
      return 0;
    }
    output.out(
      table(
        [
          'dag',
          'schedule',
          'next due',
          'paused',
          'last run',
          'waits for',
          'triggers',
          'assets',
          'environment',
        ],
        rows.map((r) => [
          r.id,
          r.schedule === undefined
            ? r.partitions === 'unpartitioned'
              ? '-'
              : `none (${r.partitions})`
            : `${r.schedule.cron} ${r.schedule.timezone}`,
          r.next === undefined ? '-' : `${time(r.next.dueAt)} (${r.next.period})`,
          r.paused ? 'yes' : 'no',
          r.lastRun === undefined ? '-' : `${r.lastRun.status} ${time(r.lastRun.at)}`,
          [...r.dependsOn, ...(r.onAssets === undefined ? [] : [`updates of ${r.onAssets}`])].join(
            ', ',
          ) || '-',
          r.triggers.join(', ') || '-',
          r.produces.length === 0 ? '-' : `produces ${r.produces.join(', ')}`,
          r.environment,
        ]),
      ),
    );
    return 0;
  } finally {
    await store?.close();
  }
}

function first<T>(items: Iterator<T>): T | undefined {
  const item = items.next();
  return item.done === true ? undefined : item.value;
}

async function lastRun(
  store: RunStore | undefined,
  dagId: string,
): Promise<RunSummary | undefined> {
  return (await store?.listRuns({ dagId, limit: 1 }))?.[0];
}

/**
 * Register `tributary dags` on the program.
 *
 * @example
 * ```ts
 * registerDags(program, ctx);
 * ```
 */
export function registerDags(program: Command, ctx: CommandContext): void {
  program
    .command('dags')
    .description('the DAGs of a project: schedule, next tick, paused, last run, dependencies')
    .argument('[project]', 'the project config (default: ./tributary.config.*)')
    .addOption(dbOption())
    .addOption(jsonOption())
    .action((config: string | undefined, o: DagsOptions & { json?: boolean }) =>
      ctx.finish(dagsCommand(config, o, ctx.output(o.json))),
    );
}
