import { TributaryError } from '../errors/index.js';
import { buildCore, unknownNode, type DagCore } from './core.js';
import type { Costs, DagEdge, DagNode } from './types.js';
import { DagBuilder } from './builder.js';
import { ancestorIds, descendantIds, inTopoOrder } from './traversal.js';
import { Reachability } from './reachability.js';
import {
  allPaths,
  bottomLevels,
  criticalPath,
  longestPath,
  shortestPath,
  type WeightedPath,
} from './paths.js';
import { executionPlan, type ExecutionPlan } from './plan.js';
import {
  collapse,
  compose,
  filterDag,
  merge,
  reverse,
  subgraph,
  subgraphByDepth,
  transitiveClosure,
  transitiveReduction,
  type Connection,
} from './transform.js';
import {
  dagDiff,
  dagStats,
  lintDag,
  type DagDiff,
  type DagStats,
  type LintOptions,
  type LintWarning,
} from './analysis.js';
import { toDot, toMermaid, toText } from './render.js';
import { dagFromJSON, dagToJSON, type DagJSON } from './serialize.js';

let coreAccess: (dag: DAG) => DagCore;

/**
 * An immutable directed acyclic graph of named nodes. Build one with {@link DAG.builder};
 * every query is side-effect free and every transform returns a new `DAG`.
 *
 * Representation: dense integer ids with CSR adjacency in both directions, so traversals
 * are allocation-light O(V + E) loops.
 *
 * @example
 * ```ts
 * const dag = DAG.builder().addEdge('extract', 'transform').addEdge('transform', 'load').build();
 * dag.topologicalSort(); // ['extract', 'transform', 'load']
 * ```
 */
export class DAG {
  readonly #core: DagCore;
  #reachability: Reachability | undefined;

  static {
    coreAccess = (dag) => dag.#core;
  }

  /** @internal Use {@link DAG.builder} or {@link DAG.fromJSON}. */
  constructor(core: DagCore) {
    this.#core = core;
  }

  /**
   * A fluent builder.
   *
   * @example
   * ```ts
   * const dag = DAG.builder().addNode('a').addNode('b').addEdge('a', 'b').build();
   * ```
   */
  static builder(): DagBuilder<DAG> {
    return new DagBuilder((input) => new DAG(buildCore(input)));
  }

  /**
   * Rebuild a DAG from {@link DAG.toJSON} output, validating it like `build()`.
   *
   * @example
   * ```ts
   * const copy = DAG.fromJSON(JSON.parse(JSON.stringify(dag.toJSON())));
   * ```
   */
  static fromJSON(json: unknown): DAG {
    return new DAG(buildCore(dagFromJSON(json)));
  }

  /** Number of nodes. @example `dag.nodeCount` */
  get nodeCount(): number {
    return this.#core.names.length;
  }

  /** Number of edges. @example `dag.edgeCount` */
  get edgeCount(): number {
    return this.#core.edgeFrom.length;
  }

  /** True when a node with this name exists. @example `dag.hasNode('a')` */
  hasNode(name: string): boolean {
    return this.#core.ids.has(name);
  }

  /** True when the edge `from -> to` exists. @example `dag.hasEdge('a', 'b')` */
  hasEdge(from: string, to: string): boolean {
    const c = this.#core;
    const u = c.ids.get(from);
    const v = c.ids.get(to);
    if (u === undefined || v === undefined) return false;
    for (let i = c.outStart[u]!; i < c.outStart[u + 1]!; i++) if (c.outTo[i] === v) return true;
    return false;
  }

  /** Node names in insertion order. @example `dag.nodeNames()` */
  nodeNames(): string[] {
    return [...this.#core.names];
  }

  /** Nodes with payload and metadata, in insertion order. @example `dag.nodes()` */
  nodes(): DagNode[] {
    return this.#core.names.map((_, v) => this.#node(v));
  }

  /** One node's record. @example `dag.node('a').payload` */
  node(name: string): DagNode {
    return this.#node(this.#id(name));
  }

  /** Edges in insertion order. @example `dag.edges()` */
  edges(): DagEdge[] {
    const out: DagEdge[] = [];
    for (let e = 0; e < this.edgeCount; e++) out.push(this.#edge(e));
    return out;
  }

  /** One edge's record; `UNKNOWN_EDGE` when absent. @example `dag.edge('a', 'b').weight` */
  edge(from: string, to: string): DagEdge {
    const c = this.#core;
    const u = this.#id(from);
    const v = this.#id(to);
    for (let i = c.outStart[u]!; i < c.outStart[u + 1]!; i++) {
      if (c.outTo[i] === v) return this.#edge(c.outEdge[i]!);
    }
    throw new TributaryError('UNKNOWN_EDGE', `Unknown edge "${from}" -> "${to}"`, {
      context: { from, to },
    });
  }

  /** A node's payload. @example `dag.payload('a')` */
  payload(name: string): unknown {
    return this.#core.payloads[this.#id(name)];
  }

  /** A node's metadata (an empty object when none was given). @example `dag.metadata('a')` */
  metadata(name: string): Readonly<Record<string, unknown>> {
    return this.#core.metadata[this.#id(name)] ?? EMPTY;
  }

  /** Direct parents, in edge insertion order. @example `dag.predecessors('b')` */
  predecessors(name: string): string[] {
    const c = this.#core;
    const v = this.#id(name);
    const out: string[] = [];
    for (let i = c.inStart[v]!; i < c.inStart[v + 1]!; i++) out.push(c.names[c.inFrom[i]!]!);
    return out;
  }

  /** Direct children, in edge insertion order. @example `dag.successors('a')` */
  successors(name: string): string[] {
    const c = this.#core;
    const v = this.#id(name);
    const out: string[] = [];
    for (let i = c.outStart[v]!; i < c.outStart[v + 1]!; i++) out.push(c.names[c.outTo[i]!]!);
    return out;
  }

  /** Every node that reaches `name`, in topological order. @example `dag.ancestors('load')` */
  ancestors(name: string): string[] {
    return this.#namesInTopoOrder(ancestorIds(this.#core, this.#id(name)));
  }

  /** Every node reachable from `name`, in topological order. @example `dag.descendants('a')` */
  descendants(name: string): string[] {
    return this.#namesInTopoOrder(descendantIds(this.#core, this.#id(name)));
  }

  /** Number of parents. @example `dag.inDegree('b')` */
  inDegree(name: string): number {
    const v = this.#id(name);
    return this.#core.inStart[v + 1]! - this.#core.inStart[v]!;
  }

  /** Number of children. @example `dag.outDegree('a')` */
  outDegree(name: string): number {
    const v = this.#id(name);
    return this.#core.outStart[v + 1]! - this.#core.outStart[v]!;
  }

  /** Nodes without parents, in insertion order. @example `dag.roots()` */
  roots(): string[] {
    const c = this.#core;
    return c.names.filter((_, v) => c.inStart[v + 1] === c.inStart[v]);
  }

  /** Nodes without children, in insertion order. @example `dag.leaves()` */
  leaves(): string[] {
    const c = this.#core;
    return c.names.filter((_, v) => c.outStart[v + 1] === c.outStart[v]);
  }

  /**
   * A topological order. Deterministic: Kahn's algorithm with a FIFO queue seeded in node
   * insertion order, so the same definition always yields the same order. O(V) (precomputed).
   *
   * @example
   * ```ts
   * dag.topologicalSort(); // ['a', 'b', 'c']
   * ```
   */
  topologicalSort(): string[] {
    const c = this.#core;
    return Array.from(c.topo, (v) => c.names[v]!);
  }

  /**
   * Nodes grouped by depth: level 0 holds the roots, level k the nodes whose longest path from
   * a root has k edges. Every level can run in parallel once the previous ones are done.
   *
   * @example
   * ```ts
   * dag.topologicalLevels(); // [['a'], ['b', 'c'], ['d']]
   * ```
   */
  topologicalLevels(): string[][] {
    const c = this.#core;
    const depth = new Int32Array(c.names.length);
    const levels: string[][] = [];
    for (const v of c.topo) {
      const d = depth[v]!;
      (levels[d] ??= []).push(c.names[v]!);
      for (let i = c.outStart[v]!; i < c.outStart[v + 1]!; i++) {
        const w = c.outTo[i]!;
        if (depth[w]! < d + 1) depth[w] = d + 1;
      }
    }
    return levels;
  }

  /** The longest path by node cost (missing costs count 1). @example `dag.criticalPath({ a: 3 })` */
  criticalPath(costs: Costs = {}): WeightedPath {
    return criticalPath(this.#core, costs);
  }

  /**
   * For each node, the cost of the longest path from it to a leaf, itself included: the
   * classic list-scheduling priority. @example `dag.bottomLevels().get('a')`
   */
  bottomLevels(costs: Costs = {}): Map<string, number> {
    return bottomLevels(this.#core, costs);
  }

  /**
   * A list schedule on `maxWorkers` workers (unbounded when omitted), highest bottom level
   * first. @example `dag.executionPlan({ a: 2 }, 4).makespan`
   */
  executionPlan(costs: Costs = {}, maxWorkers?: number): ExecutionPlan {
    return executionPlan(this.#core, costs, maxWorkers);
  }

  /** Fewest-edges path, or undefined when `to` is unreachable. @example `dag.shortestPath('a', 'd')` */
  shortestPath(from: string, to: string): string[] | undefined {
    return shortestPath(this.#core, this.#id(from), this.#id(to));
  }

  /** Most-edges path, or undefined when `to` is unreachable. @example `dag.longestPath('a', 'd')` */
  longestPath(from: string, to: string): string[] | undefined {
    return longestPath(this.#core, this.#id(from), this.#id(to));
  }

  /** Up to `limit` paths from `from` to `to`, depth first. @example `dag.allPaths('a', 'd', 10)` */
  allPaths(from: string, to: string, limit = 1000): string[][] {
    return allPaths(this.#core, this.#id(from), this.#id(to), limit);
  }

  /**
   * True when `ancestor` reaches `descendant` by a non-empty path. Uses the reachability index
   * when one was built, else a pruned search. @example `dag.isAncestor('a', 'd')`
   */
  isAncestor(ancestor: string, descendant: string): boolean {
    const u = this.#id(ancestor);
    const v = this.#id(descendant);
    if (this.#reachability !== undefined) return this.#reachability.reaches(u, v);
    return u !== v && descendantIds(this.#core, u, v).includes(v);
  }

  /**
   * Build (once) and return the reachability index: O(V·E/32) time, V²/8 bytes, then O(1)
   * per query. @example `dag.reachabilityIndex().reaches('a', 'd')`
   */
  reachabilityIndex(): { reaches(from: string, to: string): boolean } {
    const index = (this.#reachability ??= new Reachability(this.#core));
    return { reaches: (from, to) => index.reaches(this.#id(from), this.#id(to)) };
  }

  /** The induced subgraph on `names`. @example `dag.subgraph(['a', 'b'])` */
  subgraph(names: Iterable<string>): DAG {
    return new DAG(subgraph(this.#core, this.#ids(names)));
  }

  /**
   * Nodes within `depth` edges of `name`, following `direction`.
   * @example `dag.subgraphByDepth('b', 1, 'both')`
   */
  subgraphByDepth(name: string, depth: number, direction: 'down' | 'up' | 'both' = 'down'): DAG {
    return new DAG(subgraphByDepth(this.#core, this.#id(name), depth, direction));
  }

  /**
   * The changed nodes plus all their descendants, in topological order: what must re-run.
   * @example `dag.dirtySet(['b'])`
   */
  dirtySet(changed: Iterable<string>): string[] {
    const starts = [...new Set(this.#ids(changed))];
    // Starts are stamped before the search, so a start below another start is not found twice.
    return this.#namesInTopoOrder([...starts, ...descendantIds(this.#core, starts)]);
  }

  /** Shape statistics. @example `dag.stats().depth` */
  stats(): DagStats {
    return dagStats(this.#core);
  }

  /** Structural difference from another DAG. @example `dag.diff(other).addedNodes` */
  diff(other: DAG): DagDiff {
    return dagDiff(this.#core, other.#core);
  }

  /** The same reachability with the fewest edges. @example `dag.transitiveReduction()` */
  transitiveReduction(): DAG {
    return new DAG(transitiveReduction(this.#core));
  }

  /** An edge from every node to every descendant. @example `dag.transitiveClosure()` */
  transitiveClosure(): DAG {
    return new DAG(transitiveClosure(this.#core));
  }

  /** Every edge reversed. @example `dag.reverse()` */
  reverse(): DAG {
    return new DAG(reverse(this.#core));
  }

  /** The induced subgraph on nodes that pass `keep`. @example `dag.filter((n) => n.name !== 'x')` */
  filter(keep: (node: DagNode) => boolean): DAG {
    return new DAG(filterDag(this.#core, (v) => keep(this.#node(v))));
  }

  /**
   * The union with another DAG; shared names are one node (this DAG's payload wins).
   * @example `a.merge(b)`
   */
  merge(other: DAG): DAG {
    return new DAG(merge(this.#core, other.#core));
  }

  /**
   * Replace a group of nodes by one node named `into`, keeping outside edges.
   * `CYCLE_DETECTED` when the collapse would create a cycle. @example `dag.collapse(['b', 'c'], 'bc')`
   */
  collapse(names: Iterable<string>, into: string): DAG {
    return new DAG(collapse(this.#core, this.#ids(names), into));
  }

  /**
   * Combine DAGs under namespaces (`ns.node`) and connect them.
   *
   * @example
   * ```ts
   * DAG.compose({ etl, report }, [['etl.load', 'report.render']]);
   * ```
   */
  static compose(
    parts: Readonly<Record<string, DAG>>,
    connections: readonly Connection[] = [],
  ): DAG {
    const cores = Object.entries(parts).map(([ns, dag]) => [ns, dag.#core] as const);
    return new DAG(compose(cores, connections));
  }

  /** Structural warnings. @example `dag.lint({ maxFanOut: 50 })` */
  lint(options: LintOptions = {}): LintWarning[] {
    return lintDag(this.#core, options);
  }

  /** A JSON value that {@link DAG.fromJSON} accepts. @example `JSON.stringify(dag.toJSON())` */
  toJSON(): DagJSON {
    return dagToJSON(this.#core);
  }

  /** A Mermaid flowchart. @example `dag.toMermaid()` */
  toMermaid(): string {
    return toMermaid(this.#core);
  }

  /** A Graphviz DOT digraph. @example `dag.toDot()` */
  toDot(): string {
    return toDot(this.#core);
  }

  /** A readable, level-by-level terminal rendering. @example `console.log(dag.toText())` */
  toText(): string {
    return toText(this.#core);
  }

  #id(name: string): number {
    const v = this.#core.ids.get(name);
    if (v === undefined) throw unknownNode(name);
    return v;
  }

  #ids(names: Iterable<string>): number[] {
    return Array.from(names, (name) => this.#id(name));
  }

  #node(v: number): DagNode {
    const c = this.#core;
    return { name: c.names[v]!, payload: c.payloads[v], metadata: c.metadata[v] ?? EMPTY };
  }

  #edge(e: number): DagEdge {
    const c = this.#core;
    const weight = c.edgeWeight[e];
    const label = c.edgeLabel[e];
    const condition = c.edgeCondition?.[e];
    return {
      from: c.names[c.edgeFrom[e]!]!,
      to: c.names[c.edgeTo[e]!]!,
      ...(weight === undefined ? {} : { weight }),
      ...(label === undefined ? {} : { label }),
      ...(condition === undefined ? {} : { condition }),
    };
  }

  #namesInTopoOrder(ids: readonly number[]): string[] {
    const names = this.#core.names;
    return inTopoOrder(this.#core, ids).map((v) => names[v]!);
  }
}

const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});

/** @internal The core behind a DAG, for the graph algorithms and the engine. */
export function coreOf(dag: DAG): DagCore {
  return coreAccess(dag);
}
