import type { Command } from 'commander';
import { dagLineage, ProjectGraph, type LineageEdge } from '../../orchestrator/index.js';
import { jsonOption, type CommandContext } from '../command-context.js';
import { parsePositiveInteger } from '../limit.js';
import type { Output } from '../output.js';
import { projectFor } from '../project.js';

/** Options of `tributary lineage`, as commander parses them (`depth` is checked by the command). */
export interface LineageOptions {
  readonly project?: string;
  readonly depth?: string;
}

/**
 * `tributary lineage <dag>`: the DAGs (and signals) upstream and downstream of a DAG of the
 * project, with the kind of every edge and the edges between environments marked. `<dag>` may
 * be a signal, `signal:<name>`, to see who waits for it.
 *
 * @example
 * ```ts
 * await lineageCommand('report', { depth: '2' }, output);
 * ```
 */
export async function lineageCommand(
  dag: string,
  options: LineageOptions,
  output: Output,
): Promise<number> {
  const project = await projectFor(options.project);
  const depth =
    options.depth === undefined ? undefined : parsePositiveInteger('--depth', options.depth);
  const lineage = dagLineage(
    ProjectGraph.from(project.dags),
    dag,
    depth === undefined ? {} : { depth },
  );
  if (output.json) {
    output.out(JSON.stringify({ project: project.name, ...lineage }));
    return 0;
  }
  output.out(
    lineage.environment === undefined ? dag : `${dag} (environment ${lineage.environment})`,
  );
  for (const [title, edges] of [
    ['upstream', lineage.upstream],
    ['downstream', lineage.downstream],
  ] as const) {
    output.out(`${title}:`);
    if (edges.length === 0) output.out('  (none)');
    for (const edge of edges) output.out(`  ${'  '.repeat(edge.depth - 1)}${edgeLine(edge)}`);
  }
  return 0;
}

/** `extract -[sensor]-> report (node wait, task load) [cross-environment: staging -> prod]`. */
function edgeLine(edge: LineageEdge): string {
  const details = [
    ...(edge.node === undefined ? [] : [`node ${edge.node}`]),
    ...(edge.task === undefined ? [] : [`task ${edge.task}`]),
  ];
  return (
    `${edge.from} -[${edge.kind}]-> ${edge.to}` +
    (details.length === 0 ? '' : ` (${details.join(', ')})`) +
    (edge.crossing === undefined
      ? ''
      : ` [cross-environment: ${edge.crossing.from} -> ${edge.crossing.to}]`)
  );
}

/**
 * Register `tributary lineage` on the program.
 *
 * @example
 * ```ts
 * registerLineage(program, ctx);
 * ```
 */
export function registerLineage(program: Command, ctx: CommandContext): void {
  program
    .command('lineage')
    .description('the DAGs upstream and downstream of a DAG, with the kind of every edge')
    .argument('<dag>', 'a DAG of the project, or signal:<name>')
    .option('--project <config>', 'the project config (default: ./tributary.config.*)')
    .option('--depth <n>', 'edges away at most (default: all)')
    .addOption(jsonOption())
    .action((dag: string, o: LineageOptions & { json?: boolean }) =>
      ctx.finish(lineageCommand(dag, o, ctx.output(o.json))),
    );
}
