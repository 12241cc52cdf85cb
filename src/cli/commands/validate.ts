import type { Command } from 'commander';
import { jsonOption, type CommandContext } from '../command-context.js';
import { loadDefinitions } from '../load-definitions.js';
import type { Output } from '../output.js';

/**
 * `tributary validate <module>`: load, validate and lint every definition.
 *
 * @example
 * ```ts
 * const code = await validateCommand('examples/etl.ts', output);
 * ```
 */
export async function validateCommand(modulePath: string, output: Output): Promise<number> {
  const { dags } = await loadDefinitions(modulePath);
  const report = dags.map((def) => ({
    id: def.id,
    nodes: def.dag.nodeCount,
    edges: def.dag.edgeCount,
    tasks: [...def.tasks.keys()],
    warnings: def.dag.lint().map((w) => `${w.rule}: ${w.message}`),
  }));
  if (output.json) output.out(JSON.stringify({ valid: true, dags: report }));
  else {
    for (const d of report) {
      output.out(`✓ ${d.id}: ${d.nodes} nodes, ${d.edges} edges, ${d.tasks.length} tasks`);
      for (const w of d.warnings) output.out(`  warning ${w}`);
    }
  }
  return 0;
}

/**
 * Register `tributary validate` on the program.
 *
 * @example
 * ```ts
 * registerValidate(program, ctx);
 * ```
 */
export function registerValidate(program: Command, ctx: CommandContext): void {
  program
    .command('validate')
    .description('load and validate the DAG definitions of a module')
    .argument('<module>')
    .addOption(jsonOption())
    .action((module: string, o: { json?: boolean }) =>
      ctx.finish(validateCommand(module, ctx.output(o.json))),
    );
}
