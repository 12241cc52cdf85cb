import { relative } from 'node:path';
import type { Command } from 'commander';
import { TributaryError } from '../../errors/index.js';
import type { DagDefinition } from '../../durable/index.js';
import {
  CONFIG_NAMES,
  DEFAULT_ENVIRONMENT,
  definitionsIn,
  findProjectConfig,
  importDefinitionModule,
  loadProjectFrom,
  projectIn,
} from '../../orchestrator/index.js';
import { jsonOption, type CommandContext } from '../command-context.js';
import type { Output } from '../output.js';

/**
 * `tributary validate [target]`: load, validate and lint every definition of a DAG module, or
 * of every module of a project (its config module; by default `tributary.config.*` in the
 * current folder). A project's graph of DAGs is checked too: `DAG_NOT_FOUND` for a reference to
 * no DAG, `CYCLE_DETECTED` for a cycle, `CROSS_ENVIRONMENT` for an undeclared edge between
 * environments.
 *
 * @example
 * ```ts
 * const code = await validateCommand('examples/etl.ts', output);
 * ```
 */
export async function validateCommand(target: string | undefined, output: Output): Promise<number> {
  const path = target ?? findProjectConfig(process.cwd());
  if (path === undefined) {
    throw new TributaryError(
      'USAGE',
      `No module given and no project config in ${process.cwd()} (looked for ${CONFIG_NAMES.join(', ')})`,
    );
  }
  const { path: absolute, exports } = await importDefinitionModule(path);
  const project = projectIn(exports);
  const loaded = project === undefined ? undefined : await loadProjectFrom(project, absolute);
  const entries: { def: DagDefinition; module: string }[] =
    loaded === undefined
      ? definitionsIn(exports, path).map((def) => ({ def, module: absolute }))
      : [...loaded.dags].map(({ definition, module }) => ({ def: definition, module }));
  const root = loaded?.root ?? process.cwd();
  const report = entries.map(({ def, module }) => ({
    id: def.id,
    module: relative(root, module),
    environment: loaded?.dags.environmentOf(def.id) ?? def.environment ?? DEFAULT_ENVIRONMENT,
    nodes: def.dag.nodeCount,
    edges: def.dag.edgeCount,
    tasks: [...def.tasks.keys()],
    warnings: def.dag.lint().map((w) => `${w.rule}: ${w.message}`),
  }));
  if (output.json) {
    output.out(
      JSON.stringify({
        valid: true,
        ...(loaded === undefined
          ? {}
          : {
              project: {
                name: loaded.name,
                config: loaded.config,
                modules: loaded.modules.map((m) => relative(root, m)),
              },
            }),
        dags: report,
      }),
    );
    return 0;
  }
  if (loaded !== undefined) {
    output.out(
      `✓ project ${loaded.name}: ${report.length} DAGs from ${loaded.modules.length} modules`,
    );
  }
  for (const d of report) {
    const environment =
      d.environment === DEFAULT_ENVIRONMENT ? '' : `, environment ${d.environment}`;
    const from = loaded === undefined ? '' : ` (${d.module}${environment})`;
    output.out(`✓ ${d.id}${from}: ${d.nodes} nodes, ${d.edges} edges, ${d.tasks.length} tasks`);
    for (const w of d.warnings) output.out(`  warning ${w}`);
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
    .description(
      'load and validate the DAGs of a module, or of a whole project (default: ./tributary.config.*)',
    )
    .argument('[target]', 'a DAG module, or a project config module')
    .addOption(jsonOption())
    .action((target: string | undefined, o: { json?: boolean }) =>
      ctx.finish(validateCommand(target, ctx.output(o.json))),
    );
}
