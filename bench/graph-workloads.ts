import { DirectedGraph } from 'graphology';
import { hasCycle, willCreateCycle } from 'graphology-dag';
import { DAG } from '../src/graph/dag.js';
import { RunGraph } from '../src/graph/run-graph.js';

/** A static benchmark graph: nodes and edges by name, plus the nodes to query. */
export interface Shape {
  readonly name: string;
  readonly nodes: readonly string[];
  readonly edges: readonly (readonly [string, string])[];
  readonly probes: readonly { readonly label: string; readonly node: string }[];
}

/** n0 -> n1 -> ... -> n(n-1). */
export function chainShape(n: number): Shape {
  const nodes = Array.from({ length: n }, (_, i) => `n${i}`);
  const edges = nodes.slice(1).map((to, i) => [nodes[i]!, to] as const);
  const probes = [
    { label: 'first', node: nodes[0]! },
    { label: 'middle', node: nodes[n >> 1]! },
    { label: 'last', node: nodes[n - 1]! },
  ];
  return { name: `chain ${n.toLocaleString('en-US')}`, nodes, edges, probes };
}

/** `count` independent chains c<i>_0 -> ... -> c<i>_<length-1>. */
export function chainsShape(count: number, length: number): Shape {
  const nodes: string[] = [];
  const edges: [string, string][] = [];
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < length; j++) {
      nodes.push(`c${i}_${j}`);
      if (j > 0) edges.push([`c${i}_${j - 1}`, `c${i}_${j}`]);
    }
  }
  const probes = [
    { label: 'first', node: 'c0_0' },
    { label: 'middle', node: `c${count >> 1}_${length >> 1}` },
    { label: 'last', node: `c${count - 1}_${length - 1}` },
  ];
  return { name: `${count.toLocaleString('en-US')} chains of ${length}`, nodes, edges, probes };
}

/** A side x side diamond lattice: g<i>_<j> -> g<i+1>_<j> and g<i>_<j+1>. */
export function latticeShape(side: number): Shape {
  const nodes: string[] = [];
  const edges: [string, string][] = [];
  for (let i = 0; i < side; i++) {
    for (let j = 0; j < side; j++) {
      nodes.push(`g${i}_${j}`);
      if (i + 1 < side) edges.push([`g${i}_${j}`, `g${i + 1}_${j}`]);
      if (j + 1 < side) edges.push([`g${i}_${j}`, `g${i}_${j + 1}`]);
    }
  }
  const mid = side >> 1;
  const probes = [
    { label: 'first', node: 'g0_0' },
    { label: 'middle', node: `g${mid}_${mid}` },
    { label: 'last', node: `g${side - 1}_${side - 1}` },
  ];
  return { name: `lattice ${side}x${side}`, nodes, edges, probes };
}

/** Tributary: builder calls, then `build()` (CSR, duplicate-edge check, Kahn = acyclicity). */
export function buildTributary(shape: Shape): DAG {
  const b = DAG.builder();
  for (const name of shape.nodes) b.addNode(name);
  for (const [from, to] of shape.edges) b.addEdge(from, to);
  return b.build();
}

/** graphology: a DirectedGraph filled the same way (it rejects duplicate edges itself). */
export function buildGraphology(shape: Shape): DirectedGraph {
  const g = new DirectedGraph();
  for (const name of shape.nodes) g.addNode(name);
  for (const [from, to] of shape.edges) g.addEdge(from, to);
  return g;
}

/** graphology plus the acyclicity check a user adds to match `build()`. */
export function buildGraphologyChecked(shape: Shape): DirectedGraph {
  const g = buildGraphology(shape);
  if (hasCycle(g)) throw new Error(`${shape.name} has a cycle`);
  return g;
}

/** What a graphology user writes for ancestors/descendants: an iterative DFS with a Set. */
export function graphologyReach(g: DirectedGraph, start: string, up: boolean): string[] {
  const seen = new Set<string>();
  const stack = [start];
  const visit = (w: string): void => {
    if (!seen.has(w)) {
      seen.add(w);
      stack.push(w);
    }
  };
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (up) g.forEachInNeighbor(v, visit);
    else g.forEachOutNeighbor(v, visit);
  }
  return [...seen];
}

/** A sequence of edge insertions on nodes 0..n-1 (added in id order before the edges). */
export interface EdgeStream {
  readonly name: string;
  readonly n: number;
  /** Edge k is from[k] -> to[k]. */
  readonly from: Int32Array;
  readonly to: Int32Array;
}

/** 0 -> 1 -> ... -> n-1, inserted in that order: every edge agrees with the order. */
export function inOrderChain(n: number): EdgeStream {
  const from = Int32Array.from({ length: n - 1 }, (_, i) => i);
  const to = Int32Array.from({ length: n - 1 }, (_, i) => i + 1);
  return { name: `chain in order, ${n.toLocaleString('en-US')} nodes`, n, from, to };
}

/** m distinct random edges u -> v with u < v: all agree with the insertion order. */
export function randomForward(n: number, m: number, seed: number): EdgeStream {
  const rand = mulberry32(seed);
  return randomEdges(n, m, rand, (a, b) => a < b, `random forward, ${fmt(n)} nodes`);
}

/**
 * Every edge disagrees with the current order, yet each reorder touches two nodes: first
 * n-1 -> 0 (n-1 moves to slot 0, 0 to the last slot), then j -> j+1 for j = n-2 down to 1,
 * where j+1 sits in slot 0 and its only successor lies beyond j's slot. Final chain:
 * 1 -> 2 -> ... -> n-1 -> 0. A DFS from `to` walks the whole chain built so far: O(n²) total.
 */
export function reversedChain(n: number): EdgeStream {
  const from = new Int32Array(n - 1);
  const to = new Int32Array(n - 1);
  from[0] = n - 1;
  to[0] = 0;
  for (let k = 1, j = n - 2; j >= 1; k++, j--) {
    from[k] = j;
    to[k] = j + 1;
  }
  return { name: `chain against the order, ${fmt(n)} nodes`, n, from, to };
}

/**
 * m distinct random edges consistent with a hidden random permutation, so the result is a DAG
 * but about half the edges disagree with the insertion order and force a reorder.
 */
export function randomHidden(n: number, m: number, seed: number): EdgeStream {
  const rand = mulberry32(seed);
  const rank = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [rank[i], rank[j]] = [rank[j]!, rank[i]!];
  }
  const name = `random DAG, ${fmt(n)} nodes`;
  return randomEdges(n, m, rand, (a, b) => rank[a]! < rank[b]!, name);
}

function randomEdges(
  n: number,
  m: number,
  rand: () => number,
  forward: (a: number, b: number) => boolean,
  name: string,
): EdgeStream {
  const from = new Int32Array(m);
  const to = new Int32Array(m);
  const seen = new Set<number>();
  for (let k = 0; k < m;) {
    const a = Math.floor(rand() * n);
    const b = Math.floor(rand() * n);
    if (a === b) continue;
    const [u, v] = forward(a, b) ? [a, b] : [b, a];
    if (seen.has(u * n + v)) continue;
    seen.add(u * n + v);
    from[k] = u;
    to[k] = v;
    k++;
  }
  return { name: `${name}, ${fmt(m)} edges`, n, from, to };
}

/** An incremental-DAG contender: fresh state with the stream's nodes, then edge insertions. */
export interface Inserter<S> {
  readonly setup: (stream: EdgeStream, names: readonly string[]) => S;
  /** Insert edges [0, count) in order; stop early (returning how many) after `deadline`. */
  readonly insert: (state: S, stream: EdgeStream, count: number, deadline: bigint) => number;
}

/** Checked every this many edges against the deadline. */
const CHECK_EVERY = 64;

/** Tributary's RunGraph by id (the engine's path): Pearce–Kelly. */
export const runGraphById: Inserter<RunGraph<null>> = {
  setup: (stream, names) => {
    const g = new RunGraph<null>();
    for (let i = 0; i < stream.n; i++) g.addNode(names[i]!, null);
    return g;
  },
  insert: (g, { from, to }, count, deadline) => {
    for (let k = 0; k < count; k++) {
      if (k % CHECK_EVERY === 0 && process.hrtime.bigint() > deadline) return k;
      g.addEdgeById(from[k]!, to[k]!);
    }
    return count;
  },
};

/** Tributary's RunGraph by name (public API: a Map lookup per endpoint on top). */
export const runGraphByName: Inserter<{ g: RunGraph<null>; names: readonly string[] }> = {
  setup: (stream, names) => ({ g: runGraphById.setup(stream, names), names }),
  insert: ({ g, names }, { from, to }, count, deadline) => {
    for (let k = 0; k < count; k++) {
      if (k % CHECK_EVERY === 0 && process.hrtime.bigint() > deadline) return k;
      g.addEdge(names[from[k]!]!, names[to[k]!]!);
    }
    return count;
  },
};

/**
 * The naive baseline: integer adjacency lists (allocated on first use, as RunGraph's are) and,
 * before each insertion, a full DFS from `to` (visited stamps in a typed array) that fails if
 * it reaches `from`. It keeps no reverse lists and does not reject duplicate edges.
 */
export const naiveDfs: Inserter<{
  out: (number[] | undefined)[];
  mark: Int32Array;
  stack: number[];
}> = {
  setup: (stream) => ({
    out: new Array<number[] | undefined>(stream.n).fill(undefined),
    mark: new Int32Array(stream.n),
    stack: [],
  }),
  insert: ({ out, mark, stack }, { from, to }, count, deadline) => {
    for (let k = 0; k < count; k++) {
      if (k % CHECK_EVERY === 0 && process.hrtime.bigint() > deadline) return k;
      const u = from[k]!;
      const v = to[k]!;
      const stamp = k + 1;
      mark[v] = stamp;
      stack.push(v);
      while (stack.length > 0) {
        const w = stack.pop()!;
        if (w === u) throw new Error('cycle');
        for (const x of out[w] ?? NONE) {
          if (mark[x] !== stamp) {
            mark[x] = stamp;
            stack.push(x);
          }
        }
      }
      (out[u] ??= []).push(v);
    }
    return count;
  },
};

const NONE: readonly number[] = [];

/** What a graphology user writes: `willCreateCycle(g, from, to)`, then `addEdge`. */
export const graphologyGuarded: Inserter<{ g: DirectedGraph; names: readonly string[] }> = {
  setup: (stream, names) => {
    const g = new DirectedGraph();
    for (let i = 0; i < stream.n; i++) g.addNode(names[i]!);
    return { g, names };
  },
  insert: ({ g, names }, { from, to }, count, deadline) => {
    for (let k = 0; k < count; k++) {
      if (k % CHECK_EVERY === 0 && process.hrtime.bigint() > deadline) return k;
      const u = names[from[k]!]!;
      const v = names[to[k]!]!;
      if (willCreateCycle(g, u, v)) throw new Error('cycle');
      g.addEdge(u, v);
    }
    return count;
  },
};

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

/** A small seeded PRNG so every run inserts the same edges. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Nodes the naive baseline visits per inserted edge on average (untimed; explains its cost). */
export function dfsVisitsPerEdge(stream: EdgeStream): number {
  const out: number[][] = Array.from({ length: stream.n }, () => []);
  const mark = new Int32Array(stream.n);
  const m = stream.from.length;
  let visits = 0;
  for (let k = 0; k < m; k++) {
    const stack = [stream.to[k]!];
    mark[stack[0]!] = k + 1;
    while (stack.length > 0) {
      visits++;
      for (const x of out[stack.pop()!]!) {
        if (mark[x] !== k + 1) {
          mark[x] = k + 1;
          stack.push(x);
        }
      }
    }
    out[stream.from[k]!]!.push(stream.to[k]!);
  }
  return visits / m;
}
