import { conditionAssets } from '../durable/index.js';
import type { DagRegistry } from './registry.js';

/*
 * The graph of a project's DAGs: one vertex per DAG, one per signal some DAG waits for
 * (`signal:<name>`), and an edge per declared relation, always upstream -> downstream:
 *
 *   dependsOn  B declares `dependsOn: [{ dag: 'A' }]`      A -> B
 *   trigger    A declares `triggers: [{ dag: 'B' }]`       A -> B
 *   sensor     B has a node `sensor.run({ dag: 'A' })`     A -> B
 *   signal     B waits for signal S (`dependsOn` or sensor) signal:S -> B
 *   produces   A declares `produces: ['u://x']`            A -> asset:u://x
 *   asset      B declares `onAssets: 'u://x'`              asset:u://x -> B
 *
 * An asset is a vertex of its own (`asset:<uri>`) between its producers and its consumers, so a
 * cycle through data names the asset (`a -[produces]-> asset:u://x -[asset]-> b -[trigger]-> a`)
 * and lineage reads DAG -> asset -> DAG. An asset nobody produces (written outside Tributary)
 * has no incoming edge. Who sets a signal is not declared (a legacy system, a person, a task), so a signal vertex has
 * no incoming edge and is never on a cycle: it only shows who waits for it. A task's own
 * `ctx.trigger(...)` is decided at run time and is not an edge either.
 *
 * Invariant: every edge is in `#out` of its `from` and `#in` of its `to`, once each, in
 * declaration order (DAGs in registration order; within a DAG: dependencies, signal waits,
 * triggers, then sensors in node order). Construction is O(V + E).
 */

/** The kind of an edge of the graph of DAGs. */
export type ProjectEdgeKind = 'dependsOn' | 'trigger' | 'sensor' | 'signal' | 'produces' | 'asset';

/** One edge of the graph of DAGs, upstream -> downstream. */
export interface ProjectEdge {
  /** The upstream: a DAG id, `signal:<name>` for a signal wait, `asset:<uri>` for a consumed asset. */
  readonly from: string;
  /** The downstream: a DAG, or `asset:<uri>` for a produced asset. */
  readonly to: string;
  readonly kind: ProjectEdgeKind;
  /** The DAG whose definition declares the edge (`from` for a trigger, `to` otherwise). */
  readonly declaredBy: string;
  /** The sensor node, for an edge a sensor declares. */
  readonly node?: string;
  /** The upstream task a run sensor waits for, when it waits for one task. */
  readonly task?: string;
  /** The edge says `crossEnvironment: true`. */
  readonly crossEnvironment: boolean;
  /** The environments of both ends, when they are two DAGs in different environments. */
  readonly crossing?: { readonly from: string; readonly to: string };
}

const SIGNAL_PREFIX = 'signal:';
const ASSET_PREFIX = 'asset:';

/**
 * The vertex of asset `uri` in the graph of DAGs.
 *
 * @example
 * ```ts
 * assetVertex('warehouse://sales'); // 'asset:warehouse://sales'
 * ```
 */
export function assetVertex(uri: string): string {
  return `${ASSET_PREFIX}${uri}`;
}

/**
 * The asset URI of an asset vertex, or undefined for another vertex.
 *
 * @example
 * ```ts
 * assetOfVertex('asset:warehouse://sales'); // 'warehouse://sales'
 * ```
 */
export function assetOfVertex(vertex: string): string | undefined {
  return vertex.startsWith(ASSET_PREFIX) ? vertex.slice(ASSET_PREFIX.length) : undefined;
}

/**
 * The vertex of signal `name` in the graph of DAGs. DAG ids never contain `:`, so the two
 * never collide.
 *
 * @example
 * ```ts
 * signalVertex('finance.approved'); // 'signal:finance.approved'
 * ```
 */
export function signalVertex(name: string): string {
  return `${SIGNAL_PREFIX}${name}`;
}

/**
 * True for a signal vertex (`signal:<name>`).
 *
 * @example
 * ```ts
 * isSignalVertex('signal:finance.approved'); // true
 * ```
 */
export function isSignalVertex(vertex: string): boolean {
  return vertex.startsWith(SIGNAL_PREFIX);
}

/**
 * A path of edges as text, with the kind of every edge: `a -[trigger]-> b -[sensor]-> a`.
 *
 * @example
 * ```ts
 * formatEdgePath(cycle); // 'a -[trigger]-> b -[sensor]-> a'
 * ```
 */
export function formatEdgePath(edges: readonly ProjectEdge[]): string {
  if (edges.length === 0) return '';
  return [edges[0]!.from, ...edges.map((e) => `-[${e.kind}]-> ${e.to}`)].join(' ');
}

/**
 * The graph of a project's DAGs (see the comment at the top of this file for its edges). Built
 * from a registry in O(V + E); immutable.
 *
 * @example
 * ```ts
 * const graph = ProjectGraph.from(project.dags);
 * graph.upstreamOf('report').map((e) => `${e.from} -[${e.kind}]->`); // ['extract -[dependsOn]->']
 * graph.findCycle(); // undefined: acyclic
 * ```
 */
export class ProjectGraph {
  readonly #vertices: string[] = [];
  readonly #out = new Map<string, ProjectEdge[]>();
  readonly #in = new Map<string, ProjectEdge[]>();
  readonly #environments = new Map<string, string>();

  private constructor() {}

  /** The graph of the DAGs of `registry`. A reference to an unregistered DAG is a vertex too. */
  static from(registry: DagRegistry): ProjectGraph {
    const graph = new ProjectGraph();
    for (const { definition } of registry) {
      graph.#vertex(definition.id);
      graph.#environments.set(definition.id, registry.environmentOf(definition.id)!);
    }
    for (const { definition: def } of registry) {
      const id = def.id;
      for (const d of def.scheduling.dependsOn)
        graph.#edge({ from: d.dag, to: id, kind: 'dependsOn', declaredBy: id }, d.crossEnvironment);
      for (const s of def.scheduling.signals)
        graph.#edge(
          { from: signalVertex(s.signal), to: id, kind: 'signal', declaredBy: id },
          false,
        );
      for (const t of def.scheduling.triggers)
        graph.#edge({ from: id, to: t.dag, kind: 'trigger', declaredBy: id }, t.crossEnvironment);
      for (const s of def.sensors.values()) {
        if (s.kind === 'run') {
          const task = s.task === undefined ? {} : { task: s.task };
          graph.#edge(
            { from: s.dag, to: id, kind: 'sensor', declaredBy: id, node: s.node, ...task },
            s.crossEnvironment === true,
          );
        } else if (s.kind === 'signal') {
          const from = signalVertex(s.name);
          graph.#edge({ from, to: id, kind: 'signal', declaredBy: id, node: s.node }, false);
        }
      }
      const produced = new Set<string>();
      for (const { asset, node } of def.assets.produces) {
        if (produced.has(asset)) continue;
        produced.add(asset);
        graph.#edge(
          { from: id, to: assetVertex(asset), kind: 'produces', declaredBy: id, node },
          false,
        );
      }
      const condition = def.scheduling.onAssets;
      if (condition !== undefined)
        for (const asset of conditionAssets(condition))
          graph.#edge({ from: assetVertex(asset), to: id, kind: 'asset', declaredBy: id }, false);
    }
    return graph;
  }

  #vertex(id: string): void {
    if (this.#out.has(id)) return;
    this.#vertices.push(id);
    this.#out.set(id, []);
    this.#in.set(id, []);
  }

  #edge(edge: Omit<ProjectEdge, 'crossEnvironment' | 'crossing'>, crossEnvironment: boolean): void {
    this.#vertex(edge.from);
    this.#vertex(edge.to);
    const from = this.#environments.get(edge.from);
    const to = this.#environments.get(edge.to);
    const full: ProjectEdge = Object.freeze({
      ...edge,
      crossEnvironment,
      ...(from !== undefined && to !== undefined && from !== to ? { crossing: { from, to } } : {}),
    });
    this.#out.get(edge.from)!.push(full);
    this.#in.get(edge.to)!.push(full);
  }

  /** Every vertex: the DAGs in registration order, then the other vertices as first referred to. */
  vertices(): readonly string[] {
    return this.#vertices;
  }

  /** Every edge, grouped by upstream vertex. O(E). */
  edges(): ProjectEdge[] {
    return this.#vertices.flatMap((v) => this.#out.get(v)!);
  }

  has(vertex: string): boolean {
    return this.#out.has(vertex);
  }

  /** The environment of a registered DAG; undefined for a signal or an unknown id. */
  environmentOf(dag: string): string | undefined {
    return this.#environments.get(dag);
  }

  /** The edges into `vertex` (its direct upstream). Empty for an unknown vertex. */
  upstreamOf(vertex: string): readonly ProjectEdge[] {
    return this.#in.get(vertex) ?? [];
  }

  /** The edges out of `vertex` (its direct downstream). Empty for an unknown vertex. */
  downstreamOf(vertex: string): readonly ProjectEdge[] {
    return this.#out.get(vertex) ?? [];
  }

  /**
   * A cycle, as its closed path of edges (the last edge ends where the first starts), or
   * undefined when the graph is acyclic. Iterative depth-first search, O(V + E); the cycle found
   * is the first in vertex and declaration order, so the same project always reports the same
   * cycle.
   */
  findCycle(): ProjectEdge[] | undefined {
    const WHITE = 0;
    const GREY = 1;
    const BLACK = 2;
    const colour = new Map<string, number>();
    for (const root of this.#vertices) {
      if ((colour.get(root) ?? WHITE) !== WHITE) continue;
      // The path from `root`: the edge taken into each vertex of `stack` but the first.
      const stack: { vertex: string; next: number }[] = [{ vertex: root, next: 0 }];
      const taken: ProjectEdge[] = [];
      colour.set(root, GREY);
      while (stack.length > 0) {
        const top = stack[stack.length - 1]!;
        const out = this.#out.get(top.vertex)!;
        if (top.next === out.length) {
          colour.set(top.vertex, BLACK);
          stack.pop();
          taken.pop();
          continue;
        }
        const edge = out[top.next++]!;
        const state = colour.get(edge.to) ?? WHITE;
        if (state === GREY) {
          // `edge.to` is on the stack: the cycle is the path from it to here, closed by `edge`.
          const start = stack.findIndex((s) => s.vertex === edge.to);
          return [...taken.slice(start), edge];
        }
        if (state === WHITE) {
          colour.set(edge.to, GREY);
          stack.push({ vertex: edge.to, next: 0 });
          taken.push(edge);
        }
      }
    }
    return undefined;
  }
}
