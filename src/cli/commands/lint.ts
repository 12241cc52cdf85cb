import type { Command } from 'commander';
import { DEFAULT_LINT, lintProject } from '../../orchestrator/index.js';
import { jsonOption, type CommandContext } from '../command-context.js';
import { EXIT } from '../exit-codes.js';
import { parsePositiveInteger } from '../limit.js';
import type { Output } from '../output.js';
import { projectFor } from '../project.js';

/** Options of `tributary lint`, as commander parses them (numbers are checked by the command). */
export interface LintOptions {
  readonly strict?: boolean;
  readonly maxNodes?: string;
  readonly maxTriggerDepth?: string;
}

/**
 * `tributary lint [project]`: load and validate a project, then warn on seed 000's anti-patterns
 * between its DAGs (Mega-DAGs, deep trigger chains, tight coupling, time-based guessing), each
 * with how to fix it. Exit 0 with warnings printed; with `--strict`, exit 1 when there is one.
 * Thresholds: the flags, else the config's `lint`, else the defaults.
 *
 * @example
 * ```ts
 * const code = await lintCommand('tributary.config.ts', { strict: true }, output);
 * ```
 */
export async function lintCommand(
  config: string | undefined,
  options: LintOptions,
  output: Output,
): Promise<number> {
  const project = await projectFor(config);
  const thresholds = {
    maxNodes:
      options.maxNodes === undefined
        ? (project.lint?.maxNodes ?? DEFAULT_LINT.maxNodes)
        : parsePositiveInteger('--max-nodes', options.maxNodes),
    maxTriggerDepth:
      options.maxTriggerDepth === undefined
        ? (project.lint?.maxTriggerDepth ?? DEFAULT_LINT.maxTriggerDepth)
        : parsePositiveInteger('--max-trigger-depth', options.maxTriggerDepth),
  };
  const warnings = lintProject(project.dags, thresholds);
  const code = options.strict === true && warnings.length > 0 ? EXIT.failed : EXIT.ok;
  if (output.json) {
    output.out(JSON.stringify({ project: project.name, ...thresholds, warnings }));
    return code;
  }
  if (warnings.length === 0) {
    output.out(`✓ project ${project.name}: ${project.dags.size} DAGs, no warnings`);
    return code;
  }
  for (const w of warnings) {
    output.out(`warning ${w.rule} (${w.dag}): ${w.message}`);
    output.out(`  fix: ${w.fix}`);
  }
  output.out(
    `${warnings.length} warning${warnings.length === 1 ? '' : 's'} in project ${project.name}` +
      (options.strict === true ? ' (--strict: exit 1)' : ''),
  );
  return code;
}

/**
 * Register `tributary lint` on the program.
 *
 * @example
 * ```ts
 * registerLint(program, ctx);
 * ```
 */
export function registerLint(program: Command, ctx: CommandContext): void {
  program
    .command('lint')
    .description(
      "warn on anti-patterns between a project's DAGs: Mega-DAGs, deep trigger chains, tight coupling, time-based guessing",
    )
    .argument('[project]', 'the project config (default: ./tributary.config.*)')
    .option('--strict', 'exit 1 when there is a warning')
    .option('--max-nodes <n>', `static nodes of a Mega-DAG (default ${DEFAULT_LINT.maxNodes})`)
    .option(
      '--max-trigger-depth <n>',
      `triggers in a chain before it is too deep (default ${DEFAULT_LINT.maxTriggerDepth})`,
    )
    .addOption(jsonOption())
    .action((config: string | undefined, o: LintOptions & { json?: boolean }) =>
      ctx.finish(lintCommand(config, o, ctx.output(o.json))),
    );
}
