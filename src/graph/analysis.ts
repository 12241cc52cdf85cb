import { invalidArgument } from '../errors/index.js';
import type { DagCore } from './core.js';
import { jsonEqual } from './json-equal.js';
import { nodeLevels } from './levels.js';
import { criticalPath } from './paths.js';
import { Reachability } from './reachability.js';

/** Shape statistics of a DAG. */
export interface DagStats {
  readonly nodeCount: number;
  readonly edgeCount: number;
  /** Number of levels (longest path in nodes); 0 for an empty DAG. */
  readonly depth: number;
  /** Size of the largest topological level. */
  readonly width: number;
  /** E / (V·(V-1)/2), 0 for fewer than two nodes. */
  readonly density: number;
  readonly maxInDegree: number;
  readonly maxOutDegree: number;
  /** Mean of in-degree + out-degree: 2E / V (0 for an empty DAG). */
  readonly averageDegree: number;
  /** Weakly connected components. */
  readonly components: number;
  readonly roots: number;
  readonly leaves: number;
}

/** What changed from one DAG to another. */
export interface DagDiff {
  /** In the second DAG only, in its node order. */
  readonly addedNodes: string[];
  /** In the first DAG only, in its node order. */
  readonly removedNodes: string[];
  /** In the second DAG only, in its edge order. */
  readonly addedEdges: { from: string; to: string }[];
  /** In the first DAG only, in its edge order. */
  readonly removedEdges: { from: string; to: string }[];
  /** Nodes in both whose payload or metadata differ (deep JSON comparison). */
  readonly changedNodes: string[];
}

/** Thresholds for {@link lintDag}; each is an integer >= 0 or `Infinity`. */
export interface LintOptions {
  /** Most children a node may have (default 50). */
  readonly maxFanOut?: number;
  /** Most parents a node may have (default 50). */
  readonly maxFanIn?: number;
  /** Most levels (nodes on the longest path) the DAG may have (default 100). */
  readonly maxDepth?: number;
  /**
   * Look for redundant edges (default true). Needs the V²/8-byte reachability index, so it
   * throws `LIMIT_EXCEEDED` above 100,000 nodes; turn it off for such graphs.
   */
  readonly redundantEdges?: boolean;
}

/** One lint finding. */
export interface LintWarning {
  readonly rule: 'fan-out' | 'fan-in' | 'depth' | 'isolated-node' | 'redundant-edge';
  readonly message: string;
  readonly nodes: string[];
}

/**
 * Shape statistics in O(V + E): levels in one topological pass, components by union-find.
 *
 * @example
 * ```ts
 * dagStats(coreOf(dag)).depth; // 3 for extract -> transform -> load
 * ```
 */
export function dagStats(core: DagCore): DagStats {
  const n = core.names.length;
  const m = core.edgeFrom.length;
  const { groups } = nodeLevels(core);
  let maxInDegree = 0;
  let maxOutDegree = 0;
  let roots = 0;
  let leaves = 0;
  for (let v = 0; v < n; v++) {
    const inDegree = core.inStart[v + 1]! - core.inStart[v]!;
    const outDegree = core.outStart[v + 1]! - core.outStart[v]!;
    maxInDegree = Math.max(maxInDegree, inDegree);
    maxOutDegree = Math.max(maxOutDegree, outDegree);
    if (inDegree === 0) roots++;
    if (outDegree === 0) leaves++;
  }
  return {
    nodeCount: n,
    edgeCount: m,
    depth: groups.length,
    width: groups.reduce((widest, level) => Math.max(widest, level.length), 0),
    density: n < 2 ? 0 : m / ((n * (n - 1)) / 2),
    maxInDegree,
    maxOutDegree,
    averageDegree: n === 0 ? 0 : (2 * m) / n,
    components: countComponents(core),
    roots,
    leaves,
  };
}

/** Weakly connected components: union-find with path halving and union by size. */
function countComponents(core: DagCore): number {
  const n = core.names.length;
  const parent = Int32Array.from({ length: n }, (_, v) => v);
  const size = new Int32Array(n).fill(1);
  const find = (v: number): number => {
    while (parent[v] !== v) v = parent[v] = parent[parent[v]!]!;
    return v;
  };
  let components = n;
  for (let e = 0; e < core.edgeFrom.length; e++) {
    let a = find(core.edgeFrom[e]!);
    let b = find(core.edgeTo[e]!);
    if (a === b) continue;
    if (size[a]! < size[b]!) [a, b] = [b, a];
    parent[b] = a;
    size[a]! += size[b]!;
    components--;
  }
  return components;
}

/**
 * What changed from `a` to `b`: nodes and edges by name, and the shared nodes whose payload or
 * metadata differ by {@link jsonEqual} (missing metadata equals `{}`). O(V + E + payload size).
 *
 * @example
 * ```ts
 * dagDiff(coreOf(before), coreOf(after)).addedNodes; // ['publish']
 * ```
 */
export function dagDiff(a: DagCore, b: DagCore): DagDiff {
  const addedNodes = b.names.filter((name) => !a.ids.has(name));
  const removedNodes = a.names.filter((name) => !b.ids.has(name));
  const changedNodes = a.names.filter((name, v) => {
    const w = b.ids.get(name);
    if (w === undefined) return false;
    return (
      !jsonEqual(a.payloads[v], b.payloads[w]) ||
      !jsonEqual(a.metadata[v] ?? {}, b.metadata[w] ?? {})
    );
  });
  const edgesA = edgeList(a);
  const edgesB = edgeList(b);
  const keysA = new Set(edgesA.map(edgeKey));
  const keysB = new Set(edgesB.map(edgeKey));
  return {
    addedNodes,
    removedNodes,
    addedEdges: edgesB.filter((edge) => !keysA.has(edgeKey(edge))),
    removedEdges: edgesA.filter((edge) => !keysB.has(edgeKey(edge))),
    changedNodes,
  };
}

function edgeList(core: DagCore): { from: string; to: string }[] {
  return Array.from(core.edgeFrom, (u, e) => ({
    from: core.names[u]!,
    to: core.names[core.edgeTo[e]!]!,
  }));
}

/** JSON of the pair: unambiguous whatever characters the names hold. */
function edgeKey(edge: { from: string; to: string }): string {
  return JSON.stringify([edge.from, edge.to]);
}

/**
 * Structural warnings, in rule order (fan-out, fan-in, depth, isolated nodes, redundant edges)
 * and node or edge order within a rule. Isolated nodes are only reported when the DAG has more
 * than one node. O(V + E), plus the reachability index for redundant edges.
 *
 * @example
 * ```ts
 * lintDag(coreOf(dag), { maxFanOut: 10 }).map((w) => w.rule); // ['fan-out', 'redundant-edge']
 * ```
 */
export function lintDag(core: DagCore, options: LintOptions): LintWarning[] {
  const maxFanOut = threshold('maxFanOut', options.maxFanOut, 50);
  const maxFanIn = threshold('maxFanIn', options.maxFanIn, 50);
  const maxDepth = threshold('maxDepth', options.maxDepth, 100);
  const n = core.names.length;
  const warnings: LintWarning[] = [];
  const outDegree = (v: number): number => core.outStart[v + 1]! - core.outStart[v]!;
  const inDegree = (v: number): number => core.inStart[v + 1]! - core.inStart[v]!;
  for (let v = 0; v < n; v++) {
    if (outDegree(v) > maxFanOut) {
      const message = `Node "${core.names[v]}" has ${outDegree(v)} children (max ${maxFanOut})`;
      warnings.push({ rule: 'fan-out', message, nodes: [core.names[v]!] });
    }
  }
  for (let v = 0; v < n; v++) {
    if (inDegree(v) > maxFanIn) {
      const message = `Node "${core.names[v]}" has ${inDegree(v)} parents (max ${maxFanIn})`;
      warnings.push({ rule: 'fan-in', message, nodes: [core.names[v]!] });
    }
  }
  const longest = criticalPath(core, {}).path;
  if (longest.length > maxDepth) {
    const message = `The longest path has ${longest.length} nodes (max ${maxDepth})`;
    warnings.push({ rule: 'depth', message, nodes: longest });
  }
  for (let v = 0; n > 1 && v < n; v++) {
    if (outDegree(v) === 0 && inDegree(v) === 0) {
      const message = `Node "${core.names[v]}" has no edges`;
      warnings.push({ rule: 'isolated-node', message, nodes: [core.names[v]!] });
    }
  }
  if (options.redundantEdges ?? true) {
    const index = new Reachability(core);
    for (let e = 0; e < core.edgeFrom.length; e++) {
      if (!index.isRedundant(e)) continue;
      const from = core.names[core.edgeFrom[e]!]!;
      const to = core.names[core.edgeTo[e]!]!;
      const message = `Edge "${from}" -> "${to}" is implied by a longer path`;
      warnings.push({ rule: 'redundant-edge', message, nodes: [from, to] });
    }
  }
  return warnings;
}

function threshold(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(value === Infinity || (Number.isInteger(value) && value >= 0))) {
    invalidArgument(`\`${name}\``, 'an integer >= 0 or Infinity', value);
  }
  return value;
}
