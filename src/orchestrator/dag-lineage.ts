import { invalidArgument, TributaryError } from '../errors/index.js';
import type { ProjectEdge, ProjectGraph } from './project-graph.js';

/** An edge of a lineage, with how far it is from the DAG asked about (1: a direct neighbour). */
export interface LineageEdge extends ProjectEdge {
  readonly depth: number;
}

/** What a DAG (or a signal) comes from and what comes from it, in the graph of DAGs. */
export interface DagLineage {
  /** The DAG id, or `signal:<name>`. */
  readonly dag: string;
  /** Its environment; undefined for a signal. */
  readonly environment?: string;
  /** Edges above it, nearest first: each edge's `to` is the DAG itself or one of these `from`s. */
  readonly upstream: readonly LineageEdge[];
  /** Edges below it, nearest first. */
  readonly downstream: readonly LineageEdge[];
}

/**
 * The lineage of a DAG: the edges above and below it in the graph of DAGs, breadth first up to
 * `depth` edges away (default: all), each with its kind and, for an edge between environments,
 * `crossing`. A vertex reached twice is walked once. O(V + E). `DAG_NOT_FOUND` for a vertex the
 * graph does not have; `INVALID_ARGUMENT` for a depth that is not an integer >= 1.
 *
 * @example
 * ```ts
 * const lineage = dagLineage(ProjectGraph.from(project.dags), 'report', { depth: 2 });
 * lineage.upstream.map((e) => `${e.from} -[${e.kind}]-> ${e.to}`); // ['extract -[dependsOn]-> report']
 * ```
 */
export function dagLineage(
  graph: ProjectGraph,
  dag: string,
  options: { readonly depth?: number } = {},
): DagLineage {
  const { depth = Number.POSITIVE_INFINITY } = options;
  if (depth !== Number.POSITIVE_INFINITY && !(Number.isInteger(depth) && depth >= 1))
    invalidArgument('`depth` of a lineage', 'an integer >= 1', depth);
  if (!graph.has(dag)) {
    throw new TributaryError(
      'DAG_NOT_FOUND',
      `No DAG, signal or asset "${dag}" in the graph of DAGs; it has: ${graph.vertices().join(', ')}`,
      { context: { received: dag } },
    );
  }
  const environment = graph.environmentOf(dag);
  return {
    dag,
    ...(environment === undefined ? {} : { environment }),
    upstream: walk(dag, depth, (v) => graph.upstreamOf(v), 'from'),
    downstream: walk(dag, depth, (v) => graph.downstreamOf(v), 'to'),
  };
}

/** Breadth first from `start` along `next`, each edge once; `far` names the end walked to. */
function walk(
  start: string,
  maxDepth: number,
  next: (vertex: string) => readonly ProjectEdge[],
  far: 'from' | 'to',
): LineageEdge[] {
  const out: LineageEdge[] = [];
  const seen = new Set([start]);
  let frontier = [start];
  for (let depth = 1; depth <= maxDepth && frontier.length > 0; depth++) {
    const following: string[] = [];
    for (const vertex of frontier) {
      for (const edge of next(vertex)) {
        out.push({ ...edge, depth });
        const end = edge[far];
        if (seen.has(end)) continue;
        seen.add(end);
        following.push(end);
      }
    }
    frontier = following;
  }
  return out;
}
