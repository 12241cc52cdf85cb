import { TributaryError } from '../../errors/index.js';
import { loadDefinitions, pickDefinition } from '../load-definitions.js';
import type { Output } from '../output.js';

/** `tributary validate <module>`: load, validate and lint every definition. */
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

const FORMATS = ['mermaid', 'dot', 'json', 'text'] as const;

/** `tributary graph <module> --format mermaid|dot|json|text`. */
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
