import { TributaryError } from '../errors/index.js';
import { formatEdgePath, ProjectGraph, type ProjectEdge } from './project-graph.js';
import type { DagRegistry } from './registry.js';
import { checkAssets } from './asset-index.js';
import { checkMappings } from './mapping-checks.js';

const VERB: Readonly<Record<ProjectEdge['kind'], string>> = {
  dependsOn: 'depends on',
  trigger: 'triggers',
  sensor: 'has a sensor on',
  signal: 'waits for',
  produces: 'produces',
  asset: 'runs on updates of',
};

/**
 * Check the graph of a project's DAGs and return it: `CYCLE_DETECTED` when its edges form a
 * cycle (the message names the path with the kind of every edge, `a -[trigger]-> b -[sensor]->
 * a`; context `cyclePath` lists the vertices, `edges` the edges), then `CROSS_ENVIRONMENT` when
 * a dependency, trigger or run sensor joins DAGs of two environments without
 * `crossEnvironment: true` (the message lists every such edge with both DAGs and environments).
 * Then the assets (`checkAssets`: `UNKNOWN_ASSET`, producers that disagree on partitions), then
 * every partition mapping (`checkMappings`: `MAPPING_INCOMPATIBLE`).
 * Run after `registry.checkReferences()`. O(V + E).
 *
 * @example
 * ```ts
 * registry.checkReferences();
 * const graph = checkProjectGraph(registry); // throws on a cycle or an undeclared crossing
 * ```
 */
export function checkProjectGraph(registry: DagRegistry): ProjectGraph {
  const graph = ProjectGraph.from(registry);
  const cycle = graph.findCycle();
  if (cycle !== undefined) {
    const path = formatEdgePath(cycle);
    throw new TributaryError(
      'CYCLE_DETECTED',
      `The DAGs of the project form a cycle: ${path}. Each DAG on it would wait for, or start, ` +
        'the next one for ever; remove or reverse one of these edges',
      {
        context: {
          cyclePath: [cycle[0]!.from, ...cycle.map((e) => e.to)],
          edges: cycle.map(({ from, to, kind, declaredBy }) => ({ from, to, kind, declaredBy })),
        },
      },
    );
  }
  const crossings = graph.edges().filter((e) => e.crossing !== undefined && !e.crossEnvironment);
  if (crossings.length > 0) {
    const lines = crossings.map((e) => {
      const module = registry.displayPath(registry.get(e.declaredBy)!.module);
      const { from, to } = e.crossing!;
      const where = e.node === undefined ? '' : ` (sensor node "${e.node}")`;
      return e.kind === 'trigger'
        ? `DAG "${e.from}" (environment ${from}, ${module}) triggers DAG "${e.to}" (environment ${to})`
        : `DAG "${e.to}" (environment ${to}, ${module})${where} ${VERB[e.kind]} DAG "${e.from}" (environment ${from})`;
    });
    throw new TributaryError(
      'CROSS_ENVIRONMENT',
      `${lines.join('; ')}. An edge between environments is refused unless it says ` +
        '`crossEnvironment: true` (on the dependency, trigger or sensor), for a migration on purpose',
      {
        context: {
          dagId: crossings[0]!.declaredBy,
          edges: crossings.map(({ from, to, kind, declaredBy, crossing }) => ({
            from,
            to,
            kind,
            declaredBy,
            fromEnvironment: crossing!.from,
            toEnvironment: crossing!.to,
          })),
        },
      },
    );
  }
  checkAssets(registry);
  checkMappings(registry);
  return graph;
}
