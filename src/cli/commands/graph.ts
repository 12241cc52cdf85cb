import type { Command } from 'commander';
import { TributaryError } from '../../errors/index.js';
import type { CommandContext } from '../command-context.js';
import { loadDefinitions, pickDefinition } from '../../orchestrator/index.js';
import type { Output } from '../output.js';

const FORMATS = ['mermaid', 'dot', 'json', 'text'] as const;

/**
 * `tributary graph <module> --format mermaid|dot|json|text`.
 *
 * @example
 * ```ts
 * await graphCommand('examples/etl.ts', { format: 'mermaid' }, output);
 * ```
 */
export async function graphCommand(
  modulePath: string,
  options: { dag?: string; format?: string },
  output: Output,
): Promise<number> {
  const format = options.format ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new TributaryError(
      'INVALID_ARGUMENT',
      `Expected --format to be one of ${FORMATS.join(', ')}, got \`${format}\``,
      {
        context: { received: format },
      },
    );
  }
  const { dags } = await loadDefinitions(modulePath);
  const dag = pickDefinition(dags, options.dag, modulePath).dag;
  const text =
    format === 'mermaid'
      ? dag.toMermaid()
      : format === 'dot'
        ? dag.toDot()
        : format === 'json'
          ? JSON.stringify(dag.toJSON(), null, 2)
          : dag.toText();
  output.out(text);
  return 0;
}

/**
 * Register `tributary graph` on the program.
 *
 * @example
 * ```ts
 * registerGraph(program, ctx);
 * ```
 */
export function registerGraph(program: Command, ctx: CommandContext): void {
  program
    .command('graph')
    .description('print a DAG as mermaid, dot, json or text')
    .argument('<module>')
    .option('--dag <id>')
    .option('--format <format>', 'mermaid | dot | json | text', 'text')
    .action((module: string, o: { dag?: string; format: string }) =>
      ctx.finish(graphCommand(module, o, ctx.output(false))),
    );
}
