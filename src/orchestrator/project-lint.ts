import { checkLintOptions, type ProjectLintOptions } from './project.js';
import { formatEdgePath, ProjectGraph, type ProjectEdge } from './project-graph.js';
import type { DagRegistry } from './registry.js';

/*
 * `tributary lint`: seed 000's anti-patterns between DAGs, as far as the declarations show them.
 * Every rule reads definitions only (no store, no clock); the whole lint is O(V + E + nodes).
 */

/** The rules of {@link lintProject}. */
export type ProjectLintRule =
  'mega-dag' | 'deep-trigger-chain' | 'tight-coupling' | 'time-based-guessing';

/** One warning: what is wrong, where, and how to fix it. */
export interface ProjectLintWarning {
  readonly rule: ProjectLintRule;
  /** The DAG the warning is about (for a trigger chain: its last DAG). */
  readonly dag: string;
  readonly message: string;
  /** What to change. */
  readonly fix: string;
  /** For a trigger chain: its DAGs, first to last. */
  readonly path?: readonly string[];
}

/**
 * The default thresholds of {@link lintProject}.
 *
 * @example
 * ```ts
 * lintProject(project.dags, { ...DEFAULT_LINT, maxNodes: 500 });
 * ```
 */
export const DEFAULT_LINT: Required<ProjectLintOptions> = Object.freeze({
  maxNodes: 200,
  maxTriggerDepth: 4,
});

/**
 * Lint a project's DAGs for seed 000's anti-patterns between DAGs. Rules:
 *
 * - `mega-dag`: a DAG with more static nodes than `maxNodes` (default 200).
 * - `deep-trigger-chain`: a chain of more than `maxTriggerDepth` triggers (default 4), each DAG
 *   starting the next; one warning per chain end, naming the longest chain to it.
 * - `tight-coupling`: a run sensor that waits for one task of the upstream run (`task`) rather
 *   than the run or a signal.
 * - `time-based-guessing`: a DAG with a cron schedule that a DAG triggers (on success, partial
 *   success or finish) without the scheduled DAG waiting for that upstream (no `dependsOn` on it,
 *   no run sensor on it): its tick and the trigger land on one run, so whichever comes first
 *   runs the period, and a tick before the upstream has finished runs it on missing data.
 *
 * Warnings come in rule order, then DAG order. `INVALID_ARGUMENT` for a threshold that is not an
 * integer >= 1.
 *
 * @example
 * ```ts
 * for (const w of lintProject(project.dags, { maxTriggerDepth: 3 })) console.log(`${w.rule}: ${w.message}`);
 * ```
 */
export function lintProject(
  registry: DagRegistry,
  options: ProjectLintOptions = {},
): ProjectLintWarning[] {
  checkLintOptions(options, 'the lint options');
  const maxNodes = options.maxNodes ?? DEFAULT_LINT.maxNodes;
  const maxTriggerDepth = options.maxTriggerDepth ?? DEFAULT_LINT.maxTriggerDepth;
  const graph = ProjectGraph.from(registry);
  return [
    ...megaDags(registry, maxNodes),
    ...deepTriggerChains(graph, maxTriggerDepth),
    ...tightCoupling(graph),
    ...timeBasedGuessing(registry, graph),
  ];
}

function megaDags(registry: DagRegistry, maxNodes: number): ProjectLintWarning[] {
  const out: ProjectLintWarning[] = [];
  for (const { definition } of registry) {
    const nodes = definition.dag.nodeCount;
    if (nodes <= maxNodes) continue;
    out.push({
      rule: 'mega-dag',
      dag: definition.id,
      message: `DAG "${definition.id}" has ${nodes} static nodes, more than ${maxNodes} (lint.maxNodes)`,
      fix:
        'Split it by owner or stage into DAGs of their own, linked by `dependsOn` (or triggers): ' +
        'each can then be run, cleared, paused and owned alone, and one failure stops less. ' +
        'If the size is deliberate, raise `lint.maxNodes` in defineProject.',
    });
  }
  return out;
}

/**
 * Longest trigger chain ending at each DAG, by dynamic programming over the trigger edges in
 * topological order (Kahn): O(V + E). DAGs on a trigger cycle (which `validate` refuses) are
 * never ready and are left out.
 */
function deepTriggerChains(graph: ProjectGraph, maxDepth: number): ProjectLintWarning[] {
  const triggersOut = (v: string): ProjectEdge[] =>
    graph.downstreamOf(v).filter((e) => e.kind === 'trigger');
  const indegree = new Map<string, number>();
  for (const v of graph.vertices()) indegree.set(v, 0);
  for (const e of graph.edges())
    if (e.kind === 'trigger') indegree.set(e.to, indegree.get(e.to)! + 1);
  const depth = new Map<string, number>();
  const via = new Map<string, ProjectEdge>();
  const ready = graph.vertices().filter((v) => indegree.get(v) === 0);
  const out: ProjectLintWarning[] = [];
  for (let i = 0; i < ready.length; i++) {
    const v = ready[i]!;
    const d = depth.get(v) ?? 0;
    const next = triggersOut(v);
    for (const e of next) {
      if (d + 1 > (depth.get(e.to) ?? 0)) {
        depth.set(e.to, d + 1);
        via.set(e.to, e);
      }
      const left = indegree.get(e.to)! - 1;
      indegree.set(e.to, left);
      if (left === 0) ready.push(e.to);
    }
    if (next.length > 0 || d <= maxDepth) continue;
    const chain: ProjectEdge[] = [];
    for (let at = via.get(v); at !== undefined; at = via.get(at.from)) chain.unshift(at);
    out.push({
      rule: 'deep-trigger-chain',
      dag: v,
      path: [chain[0]!.from, ...chain.map((e) => e.to)],
      message: `A chain of ${d} triggers ends at DAG "${v}", more than ${maxDepth} (lint.maxTriggerDepth): ${formatEdgePath(chain)}`,
      fix:
        `Let "${v}" (and the DAGs along the chain) declare \`dependsOn\` on the DAGs whose output ` +
        'they read instead of being pushed one by one: each then waits for what it needs, a ' +
        'failure shows as a run blocked by the failed one, and `tributary lineage` shows the flow. ' +
        'Merge steps that always run together into one DAG.',
    });
  }
  return out;
}

function tightCoupling(graph: ProjectGraph): ProjectLintWarning[] {
  const out: ProjectLintWarning[] = [];
  for (const e of graph.edges()) {
    if (e.kind !== 'sensor' || e.task === undefined) continue;
    out.push({
      rule: 'tight-coupling',
      dag: e.to,
      message: `Sensor "${e.node!}" of DAG "${e.to}" waits for task "${e.task}" of DAG "${e.from}", not for its run`,
      fix:
        `Wait for the run of "${e.from}" (drop \`task\`). If "${e.to}" needs that output before the ` +
        `whole run ends, move the task into a DAG of its own and wait for that DAG's run, or wait ` +
        `for a signal set when the output is ready (sensor.signal). A sensor on a task breaks ` +
        `when "${e.from}" renames, splits or removes it.`,
    });
  }
  return out;
}

function timeBasedGuessing(registry: DagRegistry, graph: ProjectGraph): ProjectLintWarning[] {
  const out: ProjectLintWarning[] = [];
  for (const { definition: def } of registry) {
    const schedule = def.scheduling.schedule;
    if (schedule === undefined) continue;
    const waitsFor = new Set(
      graph
        .upstreamOf(def.id)
        .filter((e) => e.kind === 'dependsOn' || e.kind === 'sensor')
        .map((e) => e.from),
    );
    const warned = new Set<string>();
    for (const e of graph.upstreamOf(def.id)) {
      if (e.kind !== 'trigger' || waitsFor.has(e.from) || warned.has(e.from)) continue;
      const upstream = registry.get(e.from)?.definition;
      const consumes = upstream?.scheduling.triggers.some(
        (t) => t.dag === def.id && t.on !== 'failure',
      );
      if (consumes !== true) continue;
      warned.add(e.from);
      out.push({
        rule: 'time-based-guessing',
        dag: def.id,
        message:
          `DAG "${def.id}" runs on its schedule (${schedule.expression} ${schedule.timezone}) and is ` +
          `also triggered by DAG "${e.from}" without waiting for it: the tick and the trigger land on ` +
          `one run, so a tick before "${e.from}" has finished runs "${def.id}" on missing data`,
        fix:
          `Add \`dependsOn: [{ dag: '${e.from}' }]\` to "${def.id}" (its tick then waits for ` +
          `"${e.from}"'s run of the period), or remove the schedule of "${def.id}" and let the ` +
          'trigger start it.',
      });
    }
  }
  return out;
}
