import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAG } from '../../src/graph/dag.js';
import {
  adjacency,
  edgeKeys,
  expectClosedCycle,
  expectError,
  naiveDescendants,
  randomDag,
} from './random-dag.js';

/** extract -> clean -> load, extract -> load (labelled), extract -> audit; payloads and metadata. */
const etl = () =>
  DAG.builder()
    .addNode('extract', { payload: { task: 'x' }, metadata: { owner: 'data' } })
    .addEdge('extract', 'clean', { weight: 2 })
    .addEdge('clean', 'load')
    .addEdge('extract', 'load', { label: 'direct' })
    .addEdge('extract', 'audit')
    .build();

/** Naive reachability pairs `u->v` of a raw edge list. */
const naiveClosure = (names: string[], edges: [string, string][]): Set<string> => {
  const adj = adjacency(names, edges);
  return new Set(names.flatMap((u) => [...naiveDescendants(adj, u)].map((v) => `${u}->${v}`)));
};

const unionEdges = (keys: Set<string>): [string, string][] =>
  [...keys].map((key) => key.split('->') as [string, string]);

const closureOf = (dag: DAG): Set<string> =>
  naiveClosure(
    dag.nodeNames(),
    dag.edges().map((e) => [e.from, e.to]),
  );

describe('subgraph and filter', () => {
  it('keeps the induced nodes in original order with their attributes', () => {
    const sub = etl().subgraph(['load', 'extract', 'clean', 'load']);
    expect(sub.nodeNames()).toEqual(['extract', 'clean', 'load']);
    expect(sub.edges()).toEqual([
      { from: 'extract', to: 'clean', weight: 2 },
      { from: 'clean', to: 'load' },
      { from: 'extract', to: 'load', label: 'direct' },
    ]);
    expect(sub.node('extract')).toEqual({
      name: 'extract',
      payload: { task: 'x' },
      metadata: { owner: 'data' },
    });
    expect(etl().subgraph([]).nodeCount).toBe(0);
    expect(expectError(() => etl().subgraph(['nope']), 'UNKNOWN_NODE').context.node).toBe('nope');
  });

  it('filters by a predicate over node records', () => {
    const seen: string[] = [];
    const kept = etl().filter((node) => {
      seen.push(node.name);
      return node.name !== 'clean';
    });
    expect(seen).toEqual(['extract', 'clean', 'load', 'audit']);
    expect(kept.nodeNames()).toEqual(['extract', 'load', 'audit']);
    expect([...edgeKeys(kept)]).toEqual(['extract->load', 'extract->audit']);
  });
});

describe('subgraphByDepth', () => {
  // a -> b -> c -> d, x -> b, b -> y
  const line = () =>
    DAG.builder()
      .addEdge('a', 'b')
      .addEdge('b', 'c')
      .addEdge('c', 'd')
      .addEdge('x', 'b')
      .addEdge('b', 'y')
      .build();

  it('follows the requested direction up to the depth', () => {
    expect(line().subgraphByDepth('b', 1).nodeNames()).toEqual(['b', 'c', 'y']);
    expect(line().subgraphByDepth('b', 1, 'up').nodeNames()).toEqual(['a', 'b', 'x']);
    expect(line().subgraphByDepth('c', 1, 'both').nodeNames()).toEqual(['b', 'c', 'd']);
    expect(line().subgraphByDepth('b', 0, 'both').nodeNames()).toEqual(['b']);
    expect(line().subgraphByDepth('a', Infinity).nodeNames()).toEqual(['a', 'b', 'c', 'd', 'y']);
    expect([...edgeKeys(line().subgraphByDepth('b', 2))]).toEqual(['b->c', 'c->d', 'b->y']);
  });

  it('validates depth, direction and name', () => {
    const error = expectError(() => line().subgraphByDepth('b', -1), 'INVALID_ARGUMENT');
    expect(error.message).toContain('`-1` (number)');
    expectError(() => line().subgraphByDepth('b', 1.5), 'INVALID_ARGUMENT');
    expectError(() => line().subgraphByDepth('b', 1, 'sideways' as 'up'), 'INVALID_ARGUMENT');
    expectError(() => line().subgraphByDepth('nope', 1), 'UNKNOWN_NODE');
  });

  it('with unlimited depth equals the node plus its descendants / ancestors (property)', () => {
    fc.assert(
      fc.property(randomDag({ maxNodes: 10 }), ({ dag, names }) => {
        for (const name of names) {
          const down = dag.subgraphByDepth(name, Infinity, 'down').nodeNames();
          expect(new Set(down)).toEqual(new Set([name, ...dag.descendants(name)]));
          const both = dag.subgraphByDepth(name, Infinity, 'both').nodeNames();
          expect(new Set(both)).toEqual(
            new Set([name, ...dag.descendants(name), ...dag.ancestors(name)]),
          );
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('transitiveReduction and transitiveClosure', () => {
  it('drops implied edges and keeps nodes and edge attributes', () => {
    const reduced = etl().transitiveReduction();
    expect(reduced.nodes()).toEqual(etl().nodes());
    expect(reduced.edges()).toEqual([
      { from: 'extract', to: 'clean', weight: 2 },
      { from: 'clean', to: 'load' },
      { from: 'extract', to: 'audit' },
    ]);
  });

  it('adds an edge to every descendant, existing edges first', () => {
    const closure = DAG.builder()
      .addEdge('a', 'b', { label: 'ab' })
      .addEdge('b', 'c')
      .addEdge('c', 'd')
      .build()
      .transitiveClosure();
    expect(closure.edges()).toEqual([
      { from: 'a', to: 'b', label: 'ab' },
      { from: 'b', to: 'c' },
      { from: 'c', to: 'd' },
      { from: 'a', to: 'c' },
      { from: 'a', to: 'd' },
      { from: 'b', to: 'd' },
    ]);
  });

  it('reduction preserves reachability and is minimal (property)', () => {
    fc.assert(
      fc.property(randomDag({ maxNodes: 12 }), ({ dag, names, edges }) => {
        const reduced = dag.transitiveReduction();
        expect(reduced.nodeNames()).toEqual(names);
        const kept = edgeKeys(reduced);
        for (const key of kept) expect(edgeKeys(dag)).toContain(key);
        const expected = naiveClosure(names, edges);
        expect(closureOf(reduced)).toEqual(expected);
        // Minimal: dropping any remaining edge loses reachability.
        const reducedEdges = reduced.edges().map((e): [string, string] => [e.from, e.to]);
        reducedEdges.forEach((_, i) => {
          const without = reducedEdges.filter((__, j) => j !== i);
          expect(naiveClosure(names, without)).not.toEqual(expected);
        });
      }),
      { numRuns: 150 },
    );
  });

  it('closure equals naive reachability (property)', () => {
    fc.assert(
      fc.property(randomDag({ maxNodes: 40, maxEdges: 60 }), ({ dag, names, edges }) => {
        const closure = dag.transitiveClosure();
        expect(closure.nodeNames()).toEqual(names);
        expect(edgeKeys(closure)).toEqual(naiveClosure(names, edges));
        expect(closure.edgeCount).toBe(edgeKeys(closure).size);
      }),
      { numRuns: 80 },
    );
  });

  it('handles 10,000 nodes', () => {
    const builder = DAG.builder();
    for (let i = 1; i < 10_000; i++) {
      builder.addEdge(`n${i - 1}`, `n${i}`);
      if (i >= 2) builder.addEdge(`n${i - 2}`, `n${i}`);
    }
    const reduced = builder.build().transitiveReduction();
    expect(reduced.nodeCount).toBe(10_000);
    expect(reduced.edgeCount).toBe(9_999);
  });
});

describe('reverse', () => {
  it('reverses every edge and keeps attributes', () => {
    const reversed = etl().reverse();
    expect(reversed.nodeNames()).toEqual(etl().nodeNames());
    expect(reversed.edges()).toEqual([
      { from: 'clean', to: 'extract', weight: 2 },
      { from: 'load', to: 'clean' },
      { from: 'load', to: 'extract', label: 'direct' },
      { from: 'audit', to: 'extract' },
    ]);
    expect(reversed.roots()).toEqual(['load', 'audit']);
  });

  it('swaps ancestors and descendants, and is an involution (property)', () => {
    fc.assert(
      fc.property(randomDag({ maxNodes: 10 }), ({ dag, names }) => {
        const reversed = dag.reverse();
        for (const name of names) {
          expect(new Set(reversed.descendants(name))).toEqual(new Set(dag.ancestors(name)));
        }
        expect(reversed.reverse().edges()).toEqual(dag.edges());
      }),
      { numRuns: 60 },
    );
  });
});

describe('merge', () => {
  it('unites nodes and edges, the first DAG winning on shared names and edges', () => {
    const other = DAG.builder()
      .addNode('extract', { payload: 'other' })
      .addEdge('extract', 'load', { label: 'other' })
      .addEdge('load', 'publish')
      .build();
    const merged = etl().merge(other);
    expect(merged.nodeNames()).toEqual(['extract', 'clean', 'load', 'audit', 'publish']);
    expect(merged.payload('extract')).toEqual({ task: 'x' });
    expect(merged.metadata('extract')).toEqual({ owner: 'data' });
    expect(merged.edge('extract', 'load').label).toBe('direct');
    expect(merged.edgeCount).toBe(5);
    expect(merged.hasEdge('load', 'publish')).toBe(true);
  });

  it('throws CYCLE_DETECTED with the cycle path', () => {
    const back = DAG.builder().addEdge('load', 'extract').build();
    const error = expectError(() => etl().merge(back), 'CYCLE_DETECTED');
    expectClosedCycle(error.context.cyclePath, new Set([...edgeKeys(etl()), 'load->extract']));
  });

  it('equals the union of edges, or names a cycle of it, and is idempotent (property)', () => {
    fc.assert(
      fc.property(randomDag({ maxNodes: 8 }), randomDag({ maxNodes: 8 }), (a, b) => {
        // Both use the names v0..v7, so the union shares nodes and may close a cycle.
        const union = new Set([...edgeKeys(a.dag), ...edgeKeys(b.dag)]);
        const names = [...new Set([...a.names, ...b.names])];
        const adj = adjacency(names, unionEdges(union));
        const hasCycle = names.some((v) => naiveDescendants(adj, v).has(v));
        if (hasCycle) {
          const error = expectError(() => a.dag.merge(b.dag), 'CYCLE_DETECTED');
          expectClosedCycle(error.context.cyclePath, union);
          return;
        }
        const merged = a.dag.merge(b.dag);
        expect(edgeKeys(merged)).toEqual(union);
        expect(merged.edgeCount).toBe(union.size);
        expect(new Set(merged.nodeNames())).toEqual(new Set(names));
        expect(a.dag.merge(a.dag).edges()).toEqual(a.dag.edges());
      }),
      { numRuns: 150 },
    );
  });
});

describe('collapse', () => {
  it('replaces a group by one node, keeping and deduplicating outside edges', () => {
    const collapsed = etl().collapse(['clean', 'load'], 'cl');
    expect(collapsed.nodeNames()).toEqual(['extract', 'cl', 'audit']);
    expect(collapsed.edges()).toEqual([
      { from: 'extract', to: 'cl', weight: 2 },
      { from: 'extract', to: 'audit' },
    ]);
    expect(collapsed.metadata('cl')).toEqual({ collapsed: ['clean', 'load'] });
  });

  it('may reuse a member name, keeping its payload and metadata', () => {
    const collapsed = etl().collapse(['extract', 'clean'], 'extract');
    expect(collapsed.payload('extract')).toEqual({ task: 'x' });
    expect(collapsed.metadata('extract')).toEqual({
      owner: 'data',
      collapsed: ['extract', 'clean'],
    });
    expect([...edgeKeys(collapsed)]).toEqual(['extract->load', 'extract->audit']);
  });

  it('rejects cycles, clashing names, unknown and empty groups', () => {
    const cycle = expectError(() => etl().collapse(['extract', 'load'], 'el'), 'CYCLE_DETECTED');
    expect(cycle.context.cyclePath).toEqual(['el', 'clean', 'el']);
    const clash = expectError(() => etl().collapse(['clean', 'load'], 'audit'), 'DUPLICATE_NODE');
    expect(clash.context.node).toBe('audit');
    expectError(() => etl().collapse(['clean', 'nope'], 'x'), 'UNKNOWN_NODE');
    expectError(() => etl().collapse([], 'x'), 'INVALID_ARGUMENT');
    expectError(() => etl().collapse(['clean'], ''), 'INVALID_ARGUMENT');
  });

  it('maps edges or detects the cycle exactly as a naive reference (property)', () => {
    const input = randomDag({ maxNodes: 9 }).chain((rd) =>
      fc.tuple(fc.constant(rd), fc.subarray(rd.names, { minLength: rd.names.length > 0 ? 1 : 0 })),
    );
    fc.assert(
      fc.property(input, ([{ dag, names, edges }, group]) => {
        if (group.length === 0) return;
        const inGroup = new Set(group);
        const adj = adjacency(names, edges);
        const fromGroup = new Set(group.flatMap((g) => [...naiveDescendants(adj, g)]));
        const createsCycle = names.some(
          (x) =>
            !inGroup.has(x) &&
            fromGroup.has(x) &&
            group.some((g) => naiveDescendants(adj, x).has(g)),
        );
        if (createsCycle) {
          const error = expectError(() => dag.collapse(group, 'G'), 'CYCLE_DETECTED');
          expect(error.context.cyclePath).toContain('G');
          return;
        }
        const map = (v: string) => (inGroup.has(v) ? 'G' : v);
        const expected = new Set(
          edges
            .filter(([u, v]) => !(inGroup.has(u) && inGroup.has(v)))
            .map(([u, v]) => `${map(u)}->${map(v)}`),
        );
        const collapsed = dag.collapse(group, 'G');
        expect(edgeKeys(collapsed)).toEqual(expected);
        expect(collapsed.edgeCount).toBe(expected.size);
        expect(collapsed.nodeCount).toBe(names.length - group.length + 1);
      }),
      { numRuns: 200 },
    );
  });
});

describe('compose', () => {
  const report = () => DAG.builder().addEdge('query', 'render', { label: 'rows' }).build();

  it('namespaces parts and connects them', () => {
    const composed = DAG.compose({ etl: etl(), report: report() }, [['etl.load', 'report.query']]);
    expect(composed.nodeNames()).toEqual([
      'etl.extract',
      'etl.clean',
      'etl.load',
      'etl.audit',
      'report.query',
      'report.render',
    ]);
    expect(composed.payload('etl.extract')).toEqual({ task: 'x' });
    expect(composed.edge('report.query', 'report.render').label).toBe('rows');
    expect(composed.edgeCount).toBe(6);
    expect(composed.ancestors('report.render')).toContain('etl.extract');
    expect(DAG.compose({}).nodeCount).toBe(0);
  });

  it('rejects unknown endpoints, cycles and clashing names', () => {
    const unknown = expectError(
      () => DAG.compose({ etl: etl(), report: report() }, [['etl.load', 'report.nope']]),
      'UNKNOWN_NODE',
    );
    expect(unknown.context.node).toBe('report.nope');
    expectError(() => DAG.compose({ etl: etl() }, [['load', 'etl.load']]), 'UNKNOWN_NODE');
    const cycle = expectError(
      () =>
        DAG.compose({ a: report(), b: report() }, [
          ['a.render', 'b.query'],
          ['b.render', 'a.query'],
        ]),
      'CYCLE_DETECTED',
    );
    expectClosedCycle(
      cycle.context.cyclePath,
      new Set(['a.query->a.render', 'b.query->b.render', 'a.render->b.query', 'b.render->a.query']),
    );
    const clash = DAG.builder().addNode('b.c').build();
    const other = DAG.builder().addNode('c').build();
    expectError(() => DAG.compose({ a: clash, 'a.b': other }), 'DUPLICATE_NODE');
  });
});
