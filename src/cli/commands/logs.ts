import type { Command } from 'commander';
import { runNotFound, type RunStore, type StoredLogLine } from '../../store/index.js';
import { dbOption, jsonOption, type CommandContext } from '../command-context.js';
import { time, type Output } from '../output.js';
import { withStore } from '../store.js';

/** Options of `tributary logs`. */
export interface LogsOptions {
  readonly db?: string;
  readonly follow?: boolean;
}

/**
 * `tributary logs <runId> [node] [--follow]`: what a run's tasks logged, per attempt, in the
 * order it was committed. `--follow` keeps printing new lines until the run finishes.
 *
 * @example
 * ```ts
 * await logsCommand(runId, 'load', { follow: true }, output);
 * ```
 */
export async function logsCommand(
  runId: string,
  node: string | undefined,
  options: LogsOptions,
  output: Output,
): Promise<number> {
  return withStore(options.db, async (store) => {
    if ((await store.getRun(runId)) === undefined) throw runNotFound(runId);
    let after = 0;
    for (;;) {
      const lines = await store.loadLogs(runId, {
        ...(node === undefined ? {} : { node }),
        afterId: after,
      });
      for (const line of lines) output.out(render(line, output.json));
      if (lines.length > 0) after = lines.at(-1)!.id;
      if (options.follow !== true || (await finished(store, runId))) {
        if (options.follow === true) {
          // One last read: lines committed together with the run's end.
          const rest = await store.loadLogs(runId, {
            ...(node === undefined ? {} : { node }),
            afterId: after,
          });
          for (const line of rest) output.out(render(line, output.json));
        }
        return 0;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  });
}

async function finished(store: RunStore, runId: string): Promise<boolean> {
  return (await store.getRun(runId))?.status !== 'running';
}

function render(line: StoredLogLine, json: boolean): string {
  if (json) {
    const { id: _id, fields, ...rest } = line;
    return JSON.stringify(
      fields === undefined ? rest : { ...rest, fields: JSON.parse(fields) as unknown },
    );
  }
  const source = line.source === 'log' ? '' : ` ${line.source}`;
  return `${time(line.at)} ${line.node}#${line.attempt} ${line.level.toUpperCase()}${source} ${line.message}${line.fields === undefined ? '' : ` ${line.fields}`}`;
}

/**
 * Register `tributary logs` on the program.
 *
 * @example
 * ```ts
 * registerLogs(program, ctx);
 * ```
 */
export function registerLogs(program: Command, ctx: CommandContext): void {
  program
    .command('logs')
    .description("what a run's tasks logged, per attempt")
    .argument('<runId>')
    .argument('[node]', 'only this node')
    .option('--follow', 'keep printing new lines until the run finishes')
    .addOption(dbOption())
    .addOption(jsonOption())
    .action((runId: string, node: string | undefined, o: LogsOptions & { json?: boolean }) =>
      ctx.finish(logsCommand(runId, node, o, ctx.output(o.json))),
    );
}
