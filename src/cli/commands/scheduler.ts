import type { Command } from 'commander';
import { Scheduler, type SchedulerEvent } from '../../orchestrator/index.js';
import { dbOption, jsonOption, type CommandContext } from '../command-context.js';
import type { Output } from '../output.js';
import { projectFor } from '../project.js';
import { openStore } from '../store.js';

/** Options of `tributary scheduler`, as commander parses them. */
export interface SchedulerCommandOptions {
  readonly db?: string;
}

/**
 * `tributary scheduler [project]`: run the project's scheduler on the store until SIGINT or
 * SIGTERM, then wait for the runs it started. A second scheduler on the same store waits and
 * takes over when the first stops or dies. Prints one line per event (JSON lines with `--json`).
 *
 * @example
 * ```ts
 * await schedulerCommand('tributary.config.ts', {}, output, controller.signal);
 * ```
 */
export async function schedulerCommand(
  config: string | undefined,
  options: SchedulerCommandOptions,
  output: Output,
  signal: AbortSignal,
): Promise<number> {
  const project = await projectFor(config);
  const store = await openStore(options.db);
  try {
    const scheduler = new Scheduler({
      project,
      store,
      onEvent: (event) => output.out(output.json ? JSON.stringify(toJson(event)) : describe(event)),
    });
    output.err(
      `Scheduler ${scheduler.owner} for project ${project.name} (${project.dags.size} DAGs)`,
    );
    await scheduler.run(signal);
    return 0;
  } finally {
    await store.close();
  }
}

function toJson(event: SchedulerEvent): Record<string, unknown> {
  if (event.kind === 'error') return { kind: 'error', message: event.error.message };
  // The pruned runs' ids can be many: the counts are what a log wants.
  if (event.kind === 'pruned') return { kind: 'pruned', ...event.result, runIds: undefined };
  return { ...event };
}

function describe(event: SchedulerEvent): string {
  const at = new Date().toISOString();
  switch (event.kind) {
    case 'queued':
      return `${at} queued ${event.dagId} ${event.runId}${event.periodKey === '' ? '' : ` for ${event.periodKey}`} (${event.origin})`;
    case 'started':
    case 'resumed':
      return `${at} ${event.kind} ${event.dagId} ${event.runId}`;
    case 'held':
      return `${at} held ${event.dagId} ${event.runId}: ${event.reason}`;
    case 'finished':
      return `${at} finished ${event.dagId} ${event.runId}: ${event.status}`;
    case 'role':
      return `${at} ${event.acquired ? 'took' : 'lost'} the scheduler role`;
    case 'error':
      return `${at} error: ${event.error.message}`;
    case 'pruned': {
      const r = event.result;
      return `${at} pruned ${r.runs} runs (${r.journalEntries} journal entries, ${r.logLines} log lines, ${r.artifacts} artifacts), ${r.feedChanges} feed entries, ${r.triggers} triggers, ${r.signalEntries} signal entries`;
    }
  }
}

/**
 * Register `tributary scheduler` on the program: SIGINT and SIGTERM stop it cleanly.
 *
 * @example
 * ```ts
 * registerScheduler(program, ctx);
 * ```
 */
export function registerScheduler(program: Command, ctx: CommandContext): void {
  program
    .command('scheduler')
    .description('run the scheduler of a project until interrupted')
    .argument('[project]', 'the project config (default: ./tributary.config.*)')
    .addOption(dbOption())
    .addOption(jsonOption())
    .action((config: string | undefined, o: SchedulerCommandOptions & { json?: boolean }) => {
      const controller = new AbortController();
      const stop = (): void => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      return ctx.finish(
        schedulerCommand(config, o, ctx.output(o.json), controller.signal).finally(() => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
        }),
      );
    });
}
