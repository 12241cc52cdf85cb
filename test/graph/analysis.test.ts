import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAG } from '../../src/graph/dag.js';
import { adjacency, expectError, naiveAllPaths, randomDag } from './random-dag.js';

/** a -> b -> d, a -> c -> d, a -> d, plus isolated x and y. */
const sample = () =>
  DAG.builder()
    .addEdge('a', 'b')
    .addEdge('a', 'c')
    .addEdge('b', 'd')
    .addEdge('c', 'd')
    .addEdge('a', 'd')
    .addNode('x')
    .addNode('y')
    .build();

const star = (children: number) => {
  const builder = DAG.builder();
  for (let i = 0; i < children; i++) builder.addEdge('hub', `c${i}`).addEdge(`p${i}`, 'sink');
  return builder.build();
};

const chain = (length: number) => {
  const builder = DAG.builder().addNode('n0');
  for (let i = 1; i < length; i++) builder.addEdge(`n${i - 1}`, `n${i}`);
  return builder.build();
};

describe('stats', () => {
  it('describes the shape', () => {
    expect(sample().stats()).toEqual({
      nodeCount: 6,
      edgeCount: 5,
      depth: 3,
      width: 3,
      density: 5 / 15,
      maxInDegree: 3,
      maxOutDegree: 3,
      averageDegree: 10 / 6,
      components: 3,
      roots: 3,
      leaves: 3,
    });
  });

  it('is all zeros for an empty DAG', () => {
    const stats = DAG.builder().build().stats();
    expect(Object.values(stats).every((value) => value === 0)).toBe(true);
  });

  it('agrees with naive computations (property)', () => {
    fc.assert(
      fc.property(randomDag({ maxNodes: 12 }), ({ dag, names, edges }) => {
        const stats = dag.stats();
        const levels = dag.topologicalLevels();
        expect(stats.depth).toBe(levels.length);
        expect(stats.width).toBe(Math.max(0, ...levels.map((level) => level.length)));
        // Components: flood fill over undirected edges.
        const undirected = adjacency(names, [
          ...edges,
          ...edges.map(([u, v]): [string, string] => [v, u]),
        ]);
        const seen = new Set<string>();
        let components = 0;
        for (const start of names) {
          if (seen.has(start)) continue;
          components++;
          const stack = [start];
          while (stack.length > 0) {
            const v = stack.pop()!;
            if (seen.has(v)) continue;
            seen.add(v);
            stack.push(...undirected.get(v)!);
          }
        }
        expect(stats.components).toBe(components);
        expect(stats.roots).toBe(names.filter((v) => !edges.some(([, to]) => to === v)).length);
        expect(stats.leaves).toBe(names.filter((v) => !edges.some(([from]) => from === v)).length);
      }),
      { numRuns: 100 },
    );
  });
});

describe('diff', () => {
  it('reports added and removed nodes and edges', () => {
    const before = DAG.builder().addEdge('a', 'b').addEdge('b', 'c').build();
    const after = DAG.builder().addEdge('a', 'b').addEdge('a', 'c').addEdge('c', 'd').build();
    expect(before.diff(after)).toEqual({
      addedNodes: ['d'],
      removedNodes: [],
      addedEdges: [
        { from: 'a', to: 'c' },
        { from: 'c', to: 'd' },
      ],
      removedEdges: [{ from: 'b', to: 'c' }],
      changedNodes: [],
    });
    expect(after.diff(before).removedNodes).toEqual(['d']);
    expect(before.diff(before)).toEqual({
      addedNodes: [],
      removedNodes: [],
      addedEdges: [],
      removedEdges: [],
      changedNodes: [],
    });
  });

  it('compares payloads and metadata deeply, ignoring key order', () => {
    const build = (
      payloads: Record<string, unknown>,
      metadata: Record<string, Record<string, unknown>>,
    ) => {
      const builder = DAG.builder();
      for (const name of ['same', 'reordered', 'nested', 'meta', 'empty']) {
        const meta = metadata[name];
        builder.addNode(name, { payload: payloads[name], ...(meta ? { metadata: meta } : {}) });
      }
      return builder.build();
    };
    const before = build(
      { same: 1, reordered: { a: 1, b: [1, 2] }, nested: { x: { y: [1] } } },
      { meta: { owner: 'a' } },
    );
    const after = build(
      { same: 1, reordered: { b: [1, 2], a: 1, gone: undefined }, nested: { x: { y: [2] } } },
      { meta: { owner: 'b' }, empty: {} },
    );
    expect(before.diff(after).changedNodes).toEqual(['nested', 'meta']);
  });

  it('is empty against a copy and symmetric (property)', () => {
    fc.assert(
      fc.property(randomDag({ maxNodes: 8 }), randomDag({ maxNodes: 8 }), (a, b) => {
        const copy = DAG.fromJSON(JSON.parse(JSON.stringify(a.dag.toJSON())));
        const none = a.dag.diff(copy);
        expect(Object.values(none).every((list: unknown[]) => list.length === 0)).toBe(true);
        const forward = a.dag.diff(b.dag);
        const backward = b.dag.diff(a.dag);
        expect(forward.addedNodes).toEqual(backward.removedNodes);
        expect(forward.addedEdges).toEqual(backward.removedEdges);
        expect(new Set(forward.addedNodes)).toEqual(
          new Set(b.names.filter((v) => !a.names.includes(v))),
        );
      }),
      { numRuns: 100 },
    );
  });
});

describe('lint', () => {
  it('reports isolated nodes and redundant edges by default', () => {
    expect(sample().lint()).toEqual([
      { rule: 'isolated-node', message: 'Node "x" has no edges', nodes: ['x'] },
      { rule: 'isolated-node', message: 'Node "y" has no edges', nodes: ['y'] },
      {
        rule: 'redundant-edge',
        message: 'Edge "a" -> "d" is implied by a longer path',
        nodes: ['a', 'd'],
      },
    ]);
    expect(DAG.builder().addNode('alone').build().lint()).toEqual([]);
    expect(
      sample()
        .lint({ redundantEdges: false })
        .map((w) => w.rule),
    ).toEqual(['isolated-node', 'isolated-node']);
  });

  it('applies fan-out, fan-in and depth thresholds with defaults 50, 50 and 100', () => {
    expect(star(50).lint()).toEqual([]);
    const wide = star(51).lint();
    expect(wide.map((w) => [w.rule, w.nodes])).toEqual([
      ['fan-out', ['hub']],
      ['fan-in', ['sink']],
    ]);
    expect(wide[0]!.message).toContain('51');
    expect(
      star(3)
        .lint({ maxFanOut: 2, maxFanIn: 3 })
        .map((w) => w.rule),
    ).toEqual(['fan-out']);
    expect(chain(100).lint()).toEqual([]);
    const deep = chain(101).lint();
    expect(deep.map((w) => w.rule)).toEqual(['depth']);
    expect(deep[0]!.nodes).toEqual(chain(101).topologicalSort());
    expect(chain(4).lint({ maxDepth: 3 })[0]!.message).toContain('4');
  });

  it('rejects invalid thresholds quoting them', () => {
    const error = expectError(() => sample().lint({ maxFanOut: -1 }), 'INVALID_ARGUMENT');
    expect(error.message).toContain('`maxFanOut`');
    expect(error.message).toContain('`-1` (number)');
    expectError(() => sample().lint({ maxDepth: 2.5 }), 'INVALID_ARGUMENT');
    expect(sample().lint({ maxFanIn: Infinity }).length).toBe(3);
  });

  it('flags exactly the edges implied by a longer path (property)', () => {
    fc.assert(
      fc.property(randomDag({ maxNodes: 9 }), ({ dag, names, edges }) => {
        const adj = adjacency(names, edges);
        const redundant = edges
          .filter(([u, v]) => naiveAllPaths(adj, u, v).some((path) => path.length > 2))
          .map(([u, v]) => `${u}->${v}`);
        const flagged = dag
          .lint()
          .filter((w) => w.rule === 'redundant-edge')
          .map((w) => w.nodes.join('->'));
        expect(new Set(flagged)).toEqual(new Set(redundant));
        expect(flagged.length).toBe(redundant.length);
      }),
      { numRuns: 150 },
    );
  });
});
