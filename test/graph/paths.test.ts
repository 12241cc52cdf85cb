import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAG } from '../../src/graph/dag.js';
import {
  adjacency,
  expectError,
  naiveAllPaths,
  randomDag,
  randomDagWithCosts,
  type RandomDag,
} from './random-dag.js';

/** a -> b -> d, a -> c -> d, c -> e, plus an isolated x. */
const sample = () =>
  DAG.builder()
    .addEdge('a', 'b')
    .addEdge('a', 'c')
    .addEdge('b', 'd')
    .addEdge('c', 'd')
    .addEdge('c', 'e')
    .addNode('x')
    .build();

const isPath = (rd: RandomDag, path: readonly string[]): boolean => {
  const keys = new Set(rd.edges.map(([u, v]) => `${u}->${v}`));
  return path.every((v, i) => i === 0 || keys.has(`${path[i - 1]}->${v}`));
};

describe('criticalPath and bottomLevels', () => {
  it('follows the most expensive path, a missing cost counting 1', () => {
    expect(sample().criticalPath()).toEqual({ path: ['a', 'b', 'd'], cost: 3 });
    expect(sample().criticalPath({ c: 5 })).toEqual({ path: ['a', 'c', 'd'], cost: 7 });
    expect(sample().criticalPath(new Map([['x', 10]]))).toEqual({ path: ['x'], cost: 10 });
    expect(sample().criticalPath({ a: 0, b: 0, c: 0, d: 0, e: 0, x: 0 }).cost).toBe(0);
  });

  it('returns an empty path of cost 0 for an empty DAG', () => {
    expect(DAG.builder().build().criticalPath()).toEqual({ path: [], cost: 0 });
  });

  it('computes bottom levels including the node itself', () => {
    const levels = sample().bottomLevels({ d: 4 });
    expect(Object.fromEntries(levels)).toEqual({ a: 6, b: 5, c: 5, d: 4, e: 1, x: 1 });
  });

  it('rejects negative, non-finite and non-numeric costs quoting the value', () => {
    const dag = sample();
    const negative = expectError(() => dag.criticalPath({ a: -1 }), 'INVALID_ARGUMENT');
    expect(negative.message).toContain('`-1` (number)');
    expect(negative.message).toContain('"a"');
    expectError(() => dag.criticalPath({ a: Number.NaN }), 'INVALID_ARGUMENT');
    expectError(() => dag.bottomLevels(new Map([['a', Infinity]])), 'INVALID_ARGUMENT');
    const text = expectError(
      () => dag.criticalPath({ a: '2' } as unknown as Record<string, number>),
      'INVALID_ARGUMENT',
    );
    expect(text.message).toContain('`"2"` (string)');
    expectError(
      () => dag.criticalPath(null as unknown as Record<string, number>),
      'INVALID_ARGUMENT',
    );
  });

  it('rejects costs for unknown nodes with UNKNOWN_NODE', () => {
    const error = expectError(() => sample().criticalPath({ nope: 1 }), 'UNKNOWN_NODE');
    expect(error.context.node).toBe('nope');
    expectError(() => sample().bottomLevels(new Map([['nope', 1]])), 'UNKNOWN_NODE');
  });

  it('matches a brute force over allPaths (property)', () => {
    fc.assert(
      fc.property(randomDagWithCosts({ maxNodes: 8 }), ([rd, costs]) => {
        const cost = (v: string) => costs[v] ?? 1;
        const sum = (path: readonly string[]) => path.reduce((s, v) => s + cost(v), 0);
        const { dag, names } = rd;
        let best = 0;
        const fromNode = new Map(names.map((v) => [v, 0]));
        for (const u of names) {
          for (const v of names) {
            for (const path of dag.allPaths(u, v, Infinity)) {
              best = Math.max(best, sum(path));
              fromNode.set(u, Math.max(fromNode.get(u)!, sum(path)));
            }
          }
        }
        const critical = dag.criticalPath(costs);
        expect(critical.cost).toBe(best);
        expect(sum(critical.path)).toBe(best);
        expect(isPath(rd, critical.path)).toBe(true);
        expect(critical.path.length > 0).toBe(names.length > 0);
        expect(dag.bottomLevels(costs)).toEqual(fromNode);
      }),
      { numRuns: 150 },
    );
  });
});

describe('shortestPath and longestPath', () => {
  it('counts edges, and returns undefined when unreachable', () => {
    const dag = sample().merge(DAG.builder().addEdge('a', 'd').build());
    expect(dag.shortestPath('a', 'd')).toEqual(['a', 'd']);
    expect(dag.longestPath('a', 'd')).toEqual(['a', 'b', 'd']);
    expect(dag.shortestPath('b', 'e')).toBeUndefined();
    expect(dag.longestPath('d', 'a')).toBeUndefined();
    expect(dag.longestPath('x', 'a')).toBeUndefined();
    expect(dag.shortestPath('c', 'c')).toEqual(['c']);
    expect(dag.longestPath('c', 'c')).toEqual(['c']);
  });

  it('rejects unknown names with UNKNOWN_NODE', () => {
    expectError(() => sample().shortestPath('a', 'nope'), 'UNKNOWN_NODE');
    expectError(() => sample().longestPath('nope', 'a'), 'UNKNOWN_NODE');
  });

  it('agree with the extremes of a naive path enumeration (property)', () => {
    fc.assert(
      fc.property(randomDag({ maxNodes: 8 }), (rd) => {
        const adj = adjacency(rd.names, rd.edges);
        for (const u of rd.names) {
          for (const v of rd.names) {
            const lengths = naiveAllPaths(adj, u, v).map((p) => p.length);
            const shortest = rd.dag.shortestPath(u, v);
            const longest = rd.dag.longestPath(u, v);
            if (lengths.length === 0) {
              expect(shortest).toBeUndefined();
              expect(longest).toBeUndefined();
              continue;
            }
            expect(shortest?.length).toBe(Math.min(...lengths));
            expect(longest?.length).toBe(Math.max(...lengths));
            for (const path of [shortest!, longest!]) {
              expect([path[0], path.at(-1)]).toEqual([u, v]);
              expect(isPath(rd, path)).toBe(true);
            }
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('allPaths', () => {
  it('enumerates depth first in edge order, up to the limit', () => {
    const dag = sample();
    expect(dag.allPaths('a', 'd')).toEqual([
      ['a', 'b', 'd'],
      ['a', 'c', 'd'],
    ]);
    expect(dag.allPaths('a', 'd', 1)).toEqual([['a', 'b', 'd']]);
    expect(dag.allPaths('a', 'd', 0)).toEqual([]);
    expect(dag.allPaths('d', 'a')).toEqual([]);
    expect(dag.allPaths('x', 'x')).toEqual([['x']]);
  });

  it('validates the limit and the names', () => {
    const error = expectError(() => sample().allPaths('a', 'd', -1), 'INVALID_ARGUMENT');
    expect(error.message).toContain('`-1` (number)');
    expectError(() => sample().allPaths('a', 'd', 1.5), 'INVALID_ARGUMENT');
    expectError(() => sample().allPaths('a', 'nope'), 'UNKNOWN_NODE');
  });

  it('equals a naive recursive enumeration, in the same order (property)', () => {
    fc.assert(
      fc.property(randomDag({ maxNodes: 8 }), fc.nat(6), (rd, limit) => {
        const adj = adjacency(rd.names, rd.edges);
        for (const u of rd.names) {
          for (const v of rd.names) {
            const expected = naiveAllPaths(adj, u, v);
            expect(rd.dag.allPaths(u, v, Infinity)).toEqual(expected);
            expect(rd.dag.allPaths(u, v, limit)).toEqual(expected.slice(0, limit));
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});
