import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coreOf, DAG } from '../../src/graph/dag.js';
import { Reachability } from '../../src/graph/reachability.js';
import {
  adjacency,
  expectError,
  naiveAllPaths,
  naiveDescendants,
  randomDag,
} from './random-dag.js';

const diamond = () =>
  DAG.builder().addEdge('a', 'b').addEdge('a', 'c').addEdge('b', 'd').addEdge('c', 'd').build();

describe('Reachability', () => {
  it('answers reaches for non-empty paths only', () => {
    const dag = diamond().merge(DAG.builder().addNode('x').build());
    const index = dag.reachabilityIndex();
    expect(index.reaches('a', 'd')).toBe(true);
    expect(index.reaches('b', 'd')).toBe(true);
    expect(index.reaches('d', 'a')).toBe(false);
    expect(index.reaches('b', 'c')).toBe(false);
    expect(index.reaches('a', 'a')).toBe(false);
    expect(index.reaches('x', 'a')).toBe(false);
    expect(dag.isAncestor('a', 'd')).toBe(true);
    expect(dag.isAncestor('d', 'd')).toBe(false);
  });

  it('rejects unknown names with UNKNOWN_NODE', () => {
    const index = diamond().reachabilityIndex();
    expect(expectError(() => index.reaches('a', 'nope'), 'UNKNOWN_NODE').context.node).toBe('nope');
    expectError(() => index.reaches('nope', 'a'), 'UNKNOWN_NODE');
  });

  it('lists descendants in id order and marks redundant edges', () => {
    const dag = DAG.builder()
      .addNode('z')
      .addEdge('a', 'b')
      .addEdge('b', 'z')
      .addEdge('a', 'z')
      .addEdge('b', 'c')
      .build();
    const core = coreOf(dag);
    const index = new Reachability(core);
    const id = (name: string) => core.ids.get(name)!;
    expect(index.descendants(id('a')).map((v) => core.names[v])).toEqual(['z', 'b', 'c']);
    expect(index.descendants(id('z'))).toEqual([]);
    const redundant = dag.edges().filter((_, e) => index.isRedundant(e));
    expect(redundant).toEqual([{ from: 'a', to: 'z' }]);
  });

  it('uses ceil(V/32) words of 4 bytes per node', () => {
    const builder = DAG.builder();
    for (let i = 0; i < 70; i++) builder.addNode(`n${i}`);
    const index = new Reachability(coreOf(builder.build()));
    expect(index.byteLength).toBe(70 * Math.ceil(70 / 32) * 4);
  });

  it('refuses more than 100,000 nodes with LIMIT_EXCEEDED quoting the count', () => {
    const builder = DAG.builder();
    for (let i = 0; i <= 100_000; i++) builder.addNode(`n${i}`);
    const dag = builder.build();
    const error = expectError(() => new Reachability(coreOf(dag)), 'LIMIT_EXCEEDED');
    expect(error.message).toContain('100001');
    expect(error.context.nodeCount).toBe(100_001);
  });

  it('agrees with a naive DFS on every pair (property, across word boundaries)', () => {
    fc.assert(
      fc.property(randomDag({ maxNodes: 70, maxEdges: 160 }), ({ dag, names, edges }) => {
        const adj = adjacency(names, edges);
        const index = dag.reachabilityIndex();
        const core = coreOf(dag);
        const direct = new Reachability(core);
        for (const from of names) {
          const expected = naiveDescendants(adj, from);
          for (const to of names) {
            expect(index.reaches(from, to)).toBe(expected.has(to));
          }
          const ids = direct.descendants(core.ids.get(from)!);
          expect(new Set(ids.map((v) => core.names[v]))).toEqual(expected);
          expect([...ids].sort((x, y) => x - y)).toEqual(ids);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('marks exactly the edges implied by a longer path (property)', () => {
    fc.assert(
      fc.property(randomDag({ maxNodes: 9 }), ({ dag, names, edges }) => {
        const adj = adjacency(names, edges);
        const index = new Reachability(coreOf(dag));
        dag.edges().forEach(({ from, to }, e) => {
          const longer = naiveAllPaths(adj, from, to).some((path) => path.length > 2);
          expect(index.isRedundant(e)).toBe(longer);
        });
      }),
      { numRuns: 150 },
    );
  });

  it('isAncestor gives the same answers before and after the index is built (property)', () => {
    fc.assert(
      fc.property(randomDag({ maxNodes: 12 }), ({ dag, names }) => {
        const before = names.flatMap((u) => names.map((v) => dag.isAncestor(u, v)));
        dag.reachabilityIndex();
        const after = names.flatMap((u) => names.map((v) => dag.isAncestor(u, v)));
        expect(after).toEqual(before);
      }),
      { numRuns: 60 },
    );
  });
});
