import fc from 'fast-check';
import { expect } from 'vitest';
import { DAG } from '../../src/graph/dag.js';
import { TributaryError, type ErrorCode } from '../../src/errors/index.js';

/** A random DAG together with the raw lists it was built from (the naive references' input). */
export interface RandomDag {
  readonly dag: DAG;
  /** Node names in insertion order. */
  readonly names: string[];
  /** Edges in insertion order. */
  readonly edges: [string, string][];
}

/**
 * Random DAGs: n nodes with hidden topological index 0..n-1, edges only from a lower to a
 * higher index, then the names shuffled (so insertion order is not topological) and the edges
 * inserted in random order.
 */
export function randomDag(options: { maxNodes?: number; maxEdges?: number } = {}) {
  const maxNodes = options.maxNodes ?? 10;
  return fc.integer({ min: 0, max: maxNodes }).chain((n) => {
    const pairs: [number, number][] = [];
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pairs.push([i, j]);
    const indices = Array.from({ length: n }, (_, i) => i);
    return fc
      .tuple(
        fc.shuffledSubarray(indices, { minLength: n, maxLength: n }),
        fc.shuffledSubarray(pairs, {
          maxLength: Math.min(options.maxEdges ?? Infinity, pairs.length),
        }),
      )
      .map(([perm, chosen]): RandomDag => {
        // Topological index i is called `v${perm[i]}`; nodes are inserted by that name order.
        const nameOf = (i: number): string => `v${perm[i]}`;
        const names = indices.map((k) => `v${k}`);
        const edges = chosen.map(([i, j]): [string, string] => [nameOf(i), nameOf(j)]);
        const builder = DAG.builder();
        for (const name of names) builder.addNode(name, { payload: { name } });
        for (const [from, to] of edges) builder.addEdge(from, to);
        return { dag: builder.build(), names, edges };
      });
  });
}

/** A random DAG with random integer costs (0..maxCost) for some of its nodes; others cost 1. */
export function randomDagWithCosts(
  options: { maxNodes?: number; maxEdges?: number; maxCost?: number } = {},
) {
  return randomDag(options).chain((rd) =>
    fc.tuple(
      fc.constant(rd),
      rd.names.length === 0
        ? fc.constant<Record<string, number>>({})
        : fc.dictionary(fc.constantFrom(...rd.names), fc.nat(options.maxCost ?? 9)),
    ),
  );
}

/** Children lists in edge insertion order, from the raw edge list. */
export function adjacency(names: readonly string[], edges: readonly (readonly [string, string])[]) {
  const adj = new Map<string, string[]>(names.map((name) => [name, []]));
  for (const [from, to] of edges) adj.get(from)!.push(to);
  return adj;
}

/** Naive reference: every node reachable from `from` by a non-empty path (plain DFS). */
export function naiveDescendants(adj: Map<string, string[]>, from: string): Set<string> {
  const seen = new Set<string>();
  const stack = [...adj.get(from)!];
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (seen.has(v)) continue;
    seen.add(v);
    stack.push(...adj.get(v)!);
  }
  return seen;
}

/** Naive reference: every path from `from` to `to`, depth first in edge insertion order. */
export function naiveAllPaths(adj: Map<string, string[]>, from: string, to: string): string[][] {
  if (from === to) return [[from]];
  const out: string[][] = [];
  const walk = (v: string, path: string[]): void => {
    for (const w of adj.get(v)!) {
      if (w === to) out.push([...path, w]);
      else walk(w, [...path, w]);
    }
  };
  walk(from, [from]);
  return out;
}

/** Edges as `from->to` strings, for set comparisons. */
export function edgeKeys(dag: DAG): Set<string> {
  return new Set(dag.edges().map((e) => `${e.from}->${e.to}`));
}

/** Run `fn`, expect a `TributaryError` with `code`, and return it for further checks. */
export function expectError(fn: () => unknown, code: ErrorCode): TributaryError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(TributaryError);
  const error = caught as TributaryError;
  expect(error.code).toBe(code);
  return error;
}

/** Assert that `cyclePath` is a closed path whose consecutive pairs are all in `edges`. */
export function expectClosedCycle(
  cyclePath: readonly string[] | undefined,
  edges: ReadonlySet<string>,
): void {
  expect(cyclePath).toBeDefined();
  const path = cyclePath!;
  expect(path.length).toBeGreaterThanOrEqual(2);
  expect(path[0]).toBe(path[path.length - 1]);
  for (let i = 0; i + 1 < path.length; i++) expect(edges).toContain(`${path[i]}->${path[i + 1]}`);
}
