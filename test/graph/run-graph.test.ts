import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RunGraph } from '../../src/graph/run-graph.js';
import { TributaryError } from '../../src/errors/index.js';

function snapshot(g: RunGraph<unknown, unknown>) {
  const nodes = [...g.ids()].map((id) => ({
    name: g.nameOf(id),
    data: g.data(id),
    out: g.successorIds(id).map((w) => g.nameOf(w)),
    in: g.predecessorIds(id).map((w) => g.nameOf(w)),
    edgeData: g.successorIds(id).map((w) => g.edgeData(id, w)),
  }));
  return { nodes, edgeCount: g.edgeCount, order: g.topologicalOrder() };
}

function assertOrderValid(g: RunGraph<unknown, unknown>): void {
  for (const u of g.ids()) {
    for (const v of g.successorIds(u)) expect(g.orderOf(u)).toBeLessThan(g.orderOf(v));
  }
}

/** Naive reference: does `to` reach `from` already (so from -> to would close a cycle)? */
function reaches(adj: Map<number, Set<number>>, from: number, to: number): boolean {
  const stack = [from];
  const seen = new Set<number>();
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (v === to) return true;
    for (const w of adj.get(v) ?? []) {
      if (!seen.has(w)) {
        seen.add(w);
        stack.push(w);
      }
    }
  }
  return false;
}

function catchError(fn: () => unknown): TributaryError {
  try {
    fn();
  } catch (error) {
    if (error instanceof TributaryError) return error;
    throw error;
  }
  throw new Error('expected a TributaryError');
}

describe('RunGraph', () => {
  it('keeps an order that agrees with every edge and rejects a cycle with its path', () => {
    const g = new RunGraph<null>();
    for (const name of ['a', 'b', 'c', 'd']) g.addNode(name, null);
    g.addEdge('c', 'd');
    g.addEdge('b', 'c');
    g.addEdge('a', 'b');
    assertOrderValid(g);
    expect(g.topologicalOrder()).toEqual(['a', 'b', 'c', 'd']);
    const error = catchError(() => g.addEdge('d', 'a'));
    expect(error.code).toBe('CYCLE_DETECTED');
    expect(error.context.cyclePath).toEqual(['d', 'a', 'b', 'c', 'd']);
    expect(error.message).toContain('d -> a -> b -> c -> d');
    expect(g.hasEdge('d', 'a')).toBe(false);
    expect(catchError(() => g.addEdge('a', 'a')).context.cyclePath).toEqual(['a', 'a']);
  });

  it('rejects duplicates and unknown names with typed errors', () => {
    const g = new RunGraph<null>();
    g.addNode('a', null);
    g.addNode('b', null);
    g.addEdge('a', 'b');
    expect(catchError(() => g.addNode('a', null)).code).toBe('DUPLICATE_NODE');
    expect(catchError(() => g.addEdge('a', 'b')).code).toBe('DUPLICATE_EDGE');
    expect(catchError(() => g.addEdge('a', 'zz')).code).toBe('UNKNOWN_NODE');
    expect(catchError(() => g.removeEdge('b', 'a')).code).toBe('UNKNOWN_EDGE');
    expect(catchError(() => g.addNode('', null)).code).toBe('INVALID_ARGUMENT');
  });

  it('removes nodes with their edges and never reuses ids', () => {
    const g = new RunGraph<number>();
    const a = g.addNode('a', 1);
    g.addNode('b', 2);
    g.addNode('c', 3);
    g.addEdge('a', 'b');
    g.addEdge('b', 'c');
    g.removeNode('b');
    expect(g.nodeCount).toBe(2);
    expect(g.edgeCount).toBe(0);
    expect(g.successorIds(a)).toEqual([]);
    expect(g.isLive(1)).toBe(false);
    expect(g.addNode('b', 4)).toBe(3);
  });

  it('applies a batch atomically and restores everything when it fails', () => {
    const g = new RunGraph<string, string>();
    for (const name of ['discover', 'placeholder', 'merge']) g.addNode(name, name);
    g.addEdge('discover', 'placeholder', 'x');
    g.addEdge('placeholder', 'merge');
    const before = snapshot(g);
    const error = catchError(() =>
      g.applyBatch({
        removeNodes: ['placeholder'],
        addNodes: [
          { name: 'impl_a', data: 'a' },
          { name: 'impl_b', data: 'b' },
        ],
        addEdges: [
          { from: 'discover', to: 'impl_a' },
          { from: 'impl_a', to: 'merge', data: 'y' },
          { from: 'merge', to: 'impl_b' },
          { from: 'impl_b', to: 'discover' },
        ],
      }),
    );
    expect(error.code).toBe('CYCLE_DETECTED');
    expect(error.context.cyclePath).toEqual(['impl_b', 'discover', 'impl_a', 'merge', 'impl_b']);
    expect(snapshot(g)).toEqual(before);
    assertOrderValid(g);

    const result = g.applyBatch({
      removeNodes: ['placeholder'],
      addNodes: [{ name: 'impl_a', data: 'a' }],
      addEdges: [
        { from: 'discover', to: 'impl_a' },
        { from: 'impl_a', to: 'merge' },
      ],
    });
    expect(result.addedNodes).toHaveLength(1);
    expect(g.topologicalOrder()).toEqual(['discover', 'impl_a', 'merge']);
  });

  it('matches a naive reference on random edge insertions (acyclic, valid order, exact rejections)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 25 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 120 }),
        (n, pairs) => {
          const g = new RunGraph<null>();
          for (let i = 0; i < n; i++) g.addNode(`n${i}`, null);
          const adj = new Map<number, Set<number>>();
          for (const [x, y] of pairs) {
            const u = x % n;
            const v = y % n;
            const exists = adj.get(u)?.has(v) ?? false;
            const closesCycle = reaches(adj, v, u);
            let code: string | undefined;
            try {
              g.addEdge(`n${u}`, `n${v}`);
            } catch (error) {
              code = (error as TributaryError).code;
            }
            if (exists) expect(code).toBe('DUPLICATE_EDGE');
            else if (closesCycle) expect(code).toBe('CYCLE_DETECTED');
            else {
              expect(code).toBeUndefined();
              (adj.get(u) ?? adj.set(u, new Set()).get(u)!).add(v);
            }
            assertOrderValid(g);
          }
          expect(g.edgeCount).toBe([...adj.values()].reduce((s, set) => s + set.size, 0));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('leaves the graph unchanged after any failing random batch', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 12 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 30 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 10 }),
        fc.array(fc.nat(), { maxLength: 3 }),
        (n, initial, extra, removals) => {
          const g = new RunGraph<null>();
          for (let i = 0; i < n; i++) g.addNode(`n${i}`, null);
          for (const [x, y] of initial) {
            try {
              g.addEdge(`n${x % n}`, `n${y % n}`);
            } catch {
              // cycles and duplicates are simply not added
            }
          }
          const before = snapshot(g);
          const removeNodes = [...new Set(removals.map((r) => `n${r % n}`))];
          const addEdges = extra.map(([x, y]) => ({ from: `x${x % 3}`, to: `n${y % n}` }));
          addEdges.push(...extra.map(([x, y]) => ({ from: `n${y % n}`, to: `x${x % 3}` })));
          try {
            g.applyBatch({
              removeNodes,
              addNodes: [0, 1, 2].map((i) => ({ name: `x${i}`, data: null })),
              addEdges,
            });
          } catch {
            expect(snapshot(g)).toEqual(before);
          }
          assertOrderValid(g);
        },
      ),
      { numRuns: 300 },
    );
  });
});
