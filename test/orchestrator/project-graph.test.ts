import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TributaryError } from '../../src/errors/index.js';
import {
  checkProjectGraph,
  dagLineage,
  formatEdgePath,
  ProjectGraph,
  type ProjectEdge,
} from '../../src/orchestrator/index.js';
import {
  DAG_EDGE_KINDS,
  registryOf,
  type DagEdgeKind,
  type EdgeSpec,
} from './project-graph-fixtures.js';

// The graph of a project's DAGs: dependencies, triggers, run sensors and signal waits, all
// upstream -> downstream; `validate` refuses a cycle (naming its path and edge kinds) and an
// edge between environments that does not say `crossEnvironment: true`.

function failure(fn: () => unknown): TributaryError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TributaryError);
    return error as TributaryError;
  }
  throw new Error('expected a TributaryError');
}

const brief = (e: ProjectEdge): string => `${e.from} -[${e.kind}]-> ${e.to}`;

/** Every tuple of `length` kinds. */
function tuples(length: number): DagEdgeKind[][] {
  if (length === 0) return [[]];
  return tuples(length - 1).flatMap((t) => DAG_EDGE_KINDS.map((k) => [...t, k]));
}

describe('the graph of DAGs', () => {
  it('points every kind of edge upstream -> downstream, whoever declares it', () => {
    const graph = ProjectGraph.from(
      registryOf(
        ['extract', 'report', 'publish', 'audit'],
        [
          { from: 'extract', to: 'report', kind: 'dependsOn' }, // report depends on extract
          { from: 'report', to: 'publish', kind: 'trigger' }, // report triggers publish
          { from: 'publish', to: 'audit', kind: 'sensor' }, // audit has a sensor on publish
          { from: 'finance.approved', to: 'report', kind: 'signal' }, // report waits for a signal
          { from: 'audit.open', to: 'audit', kind: 'signal' }, // a signal sensor
        ],
      ),
    );
    expect(graph.edges().map(brief)).toEqual([
      'extract -[dependsOn]-> report',
      'report -[trigger]-> publish',
      'publish -[sensor]-> audit',
      'signal:finance.approved -[signal]-> report',
      'signal:audit.open -[signal]-> audit',
    ]);
    expect(graph.upstreamOf('report').map((e) => [e.kind, e.declaredBy])).toEqual([
      ['dependsOn', 'report'],
      ['signal', 'report'],
    ]);
    expect(graph.downstreamOf('report')[0]).toMatchObject({
      kind: 'trigger',
      declaredBy: 'report',
    });
    // Edge 3 is a signal sensor (node signal_3), edge 4 a signal in `dependsOn` (no node).
    expect(graph.upstreamOf('report').map((e) => e.node)).toEqual([undefined, 'signal_3']);
    expect(graph.upstreamOf('audit').map((e) => e.node)).toEqual([undefined, 'wait_2']);
    expect(graph.vertices()).toEqual([
      'extract',
      'report',
      'publish',
      'audit',
      'signal:finance.approved',
      'signal:audit.open',
    ]);
    expect(graph.environmentOf('report')).toBe('default');
    expect(graph.environmentOf('signal:audit.open')).toBeUndefined();
    expect(graph.findCycle()).toBeUndefined();
  });

  describe('refuses a cycle of every combination of edge kinds, naming its path', () => {
    const cases = [1, 2, 3].flatMap((length) => tuples(length));
    it.each(cases.map((kinds) => [kinds.join(' '), kinds] as const))('%s', (_, kinds) => {
      const ids = kinds.map((_k, i) => `d${i}`);
      const edges: EdgeSpec[] = kinds.map((kind, i) => ({
        from: ids[i]!,
        to: ids[(i + 1) % ids.length]!,
        kind,
      }));
      // A DAG off the cycle, and a signal into it, change nothing.
      const registry = registryOf(
        [...ids, 'side'],
        [
          ...edges,
          { from: 'd0', to: 'side', kind: 'trigger' },
          { from: 's', to: 'd0', kind: 'signal' },
        ],
      );
      const error = failure(() => checkProjectGraph(registry));
      expect(error.code).toBe('CYCLE_DETECTED');
      const path = [...ids, 'd0']
        .map((id, i) => (i === 0 ? id : `-[${kinds[i - 1]!}]-> ${id}`))
        .join(' ');
      expect(error.message).toContain(`form a cycle: ${path}.`);
      expect(error.context.cyclePath).toEqual([...ids, 'd0']);
      expect(error.context.edges).toEqual(
        edges.map((e) => ({
          from: e.from,
          to: e.to,
          kind: e.kind,
          declaredBy: e.kind === 'trigger' ? e.from : e.to,
        })),
      );
    });
  });

  it('accepts every acyclic combination of kinds (a chain, a diamond, shared signals)', () => {
    for (const [a, b, c, d] of tuples(4)) {
      const registry = registryOf(
        ['w', 'x', 'y', 'z'],
        [
          { from: 'w', to: 'x', kind: a! },
          { from: 'w', to: 'y', kind: b! },
          { from: 'x', to: 'z', kind: c! },
          { from: 'y', to: 'z', kind: d! },
          { from: 'go', to: 'w', kind: 'signal' },
          { from: 'go', to: 'z', kind: 'signal' },
        ],
      );
      expect(checkProjectGraph(registry).edges()).toHaveLength(6);
    }
  });

  it('finds a cycle exactly when there is one, and reports a closed path of real edges (property)', () => {
    const worldArb = fc.integer({ min: 1, max: 6 }).chain((n) =>
      fc.record({
        n: fc.constant(n),
        edges: fc.array(
          fc.record({
            from: fc.nat(n - 1),
            to: fc.nat(n - 1),
            kind: fc.constantFrom<DagEdgeKind | 'signal'>(...DAG_EDGE_KINDS, 'signal'),
          }),
          { maxLength: n * 2 },
        ),
      }),
    );
    fc.assert(
      fc.property(worldArb, ({ n, edges }) => {
        const ids = Array.from({ length: n }, (_, i) => `d${i}`);
        const specs: EdgeSpec[] = edges.map(({ from, to, kind }) => ({
          from: kind === 'signal' ? `s${from}` : ids[from]!,
          to: ids[to]!,
          kind,
        }));
        const expected = hasCycle(
          ids,
          specs.filter((e) => e.kind !== 'signal'),
        );
        const registry = registryOf(ids, specs);
        let error: TributaryError | undefined;
        try {
          checkProjectGraph(registry);
        } catch (caught) {
          error = caught as TributaryError;
        }
        expect(error !== undefined).toBe(expected);
        if (error === undefined) return;
        expect(error.code).toBe('CYCLE_DETECTED');
        const cycle = error.context.edges as { from: string; to: string; kind: string }[];
        // Closed, each edge one of those declared, no vertex twice.
        expect(cycle[cycle.length - 1]!.to).toBe(cycle[0]!.from);
        cycle.forEach((e, i) => {
          if (i > 0) expect(e.from).toBe(cycle[i - 1]!.to);
          expect(specs.some((s) => s.from === e.from && s.to === e.to && s.kind === e.kind)).toBe(
            true,
          );
        });
        expect(new Set(cycle.map((e) => e.from)).size).toBe(cycle.length);
        expect(error.message).toContain(formatEdgePath(cycle as unknown as ProjectEdge[]));
      }),
      { numRuns: 300 },
    );
  });
});

/** Kahn's algorithm, independently of the code under test: a cycle leaves vertices unremoved. */
function hasCycle(ids: readonly string[], edges: readonly EdgeSpec[]): boolean {
  const indegree = new Map(ids.map((id) => [id, 0]));
  for (const e of edges) indegree.set(e.to, indegree.get(e.to)! + 1);
  const queue = ids.filter((id) => indegree.get(id) === 0);
  let removed = 0;
  while (queue.length > 0) {
    const v = queue.pop()!;
    removed++;
    for (const e of edges) {
      if (e.from !== v) continue;
      indegree.set(e.to, indegree.get(e.to)! - 1);
      if (indegree.get(e.to) === 0) queue.push(e.to);
    }
  }
  return removed < ids.length;
}

describe('environments', () => {
  const dags = [
    { id: 'extract', environment: 'staging' },
    { id: 'report', environment: 'prod' },
  ];

  it.each(DAG_EDGE_KINDS)(
    'a %s between environments is refused, naming both DAGs and environments',
    (kind) => {
      const error = failure(() =>
        checkProjectGraph(registryOf(dags, [{ from: 'extract', to: 'report', kind }])),
      );
      expect(error.code).toBe('CROSS_ENVIRONMENT');
      expect(error.message).toContain('"extract" (environment staging');
      expect(error.message).toContain('"report" (environment prod');
      expect(error.message).toContain('crossEnvironment: true');
      expect(error.message).toContain(
        kind === 'trigger' ? 'dags/extract.dag.ts' : 'dags/report.dag.ts',
      );
      expect(error.context.edges).toEqual([
        {
          from: 'extract',
          to: 'report',
          kind,
          declaredBy: kind === 'trigger' ? 'extract' : 'report',
          fromEnvironment: 'staging',
          toEnvironment: 'prod',
        },
      ]);
    },
  );

  it.each(DAG_EDGE_KINDS)('a %s that says crossEnvironment: true is allowed and marked', (kind) => {
    const graph = checkProjectGraph(
      registryOf(dags, [{ from: 'extract', to: 'report', kind, crossEnvironment: true }]),
    );
    const [edge] = graph.edges();
    expect(edge).toMatchObject({
      crossEnvironment: true,
      crossing: { from: 'staging', to: 'prod' },
    });
    expect(dagLineage(graph, 'report').upstream[0]).toMatchObject({
      from: 'extract',
      crossing: { from: 'staging', to: 'prod' },
    });
  });

  it("a DAG without an environment is in the project's, else in `default`; signals are in none", () => {
    const edges: EdgeSpec[] = [
      { from: 'extract', to: 'report', kind: 'dependsOn' },
      { from: 'ready', to: 'report', kind: 'signal' },
    ];
    // Both in `default`.
    expect(checkProjectGraph(registryOf(['extract', 'report'], edges)).edges()[0]!.crossing).toBe(
      undefined,
    );
    // The project says prod: report (unnamed) is in prod, extract in staging.
    const registry = registryOf([{ id: 'extract', environment: 'staging' }, 'report'], edges, {
      environment: 'prod',
    });
    expect(registry.environmentOf('report')).toBe('prod');
    expect(failure(() => checkProjectGraph(registry)).message).toContain(
      '"report" (environment prod, dags/report.dag.ts) depends on DAG "extract" (environment staging)',
    );
    // Both named prod by the project and by extract: one environment.
    expect(() =>
      checkProjectGraph(
        registryOf([{ id: 'extract', environment: 'prod' }, 'report'], edges, {
          environment: 'prod',
        }),
      ),
    ).not.toThrow();
  });

  it('lists every refused edge in one error', () => {
    const error = failure(() =>
      checkProjectGraph(
        registryOf(
          [
            { id: 'a', environment: 'x' },
            { id: 'b', environment: 'y' },
            { id: 'c', environment: 'x' },
          ],
          [
            { from: 'a', to: 'b', kind: 'trigger' },
            { from: 'b', to: 'c', kind: 'sensor' },
            { from: 'a', to: 'c', kind: 'dependsOn' }, // same environment: fine
          ],
        ),
      ),
    );
    expect((error.context.edges as unknown[]).length).toBe(2);
    expect(error.message).toContain('DAG "a" (environment x, dags/a.dag.ts) triggers DAG "b"');
    expect(error.message).toContain(
      'DAG "c" (environment x, dags/c.dag.ts) (sensor node "wait_1") has a sensor on DAG "b" (environment y)',
    );
  });
});

describe('lineage of a DAG', () => {
  const graph = ProjectGraph.from(
    registryOf(
      ['raw', 'extract', 'report', 'publish', 'audit', 'other'],
      [
        { from: 'raw', to: 'extract', kind: 'trigger' },
        { from: 'extract', to: 'report', kind: 'dependsOn' },
        { from: 'approved', to: 'report', kind: 'signal' },
        { from: 'report', to: 'publish', kind: 'trigger' },
        { from: 'publish', to: 'audit', kind: 'sensor' },
        { from: 'extract', to: 'audit', kind: 'dependsOn' },
      ],
    ),
  );

  it('walks up and down breadth first, with the depth of every edge', () => {
    const lineage = dagLineage(graph, 'report');
    expect(lineage.environment).toBe('default');
    expect(lineage.upstream.map((e) => [brief(e), e.depth])).toEqual([
      ['extract -[dependsOn]-> report', 1],
      ['signal:approved -[signal]-> report', 1],
      ['raw -[trigger]-> extract', 2],
    ]);
    expect(lineage.downstream.map((e) => [brief(e), e.depth])).toEqual([
      ['report -[trigger]-> publish', 1],
      ['publish -[sensor]-> audit', 2],
    ]);
    expect(dagLineage(graph, 'report', { depth: 1 }).upstream).toHaveLength(2);
    // audit is reached twice from extract (directly, and through report): each edge once.
    expect(dagLineage(graph, 'extract').downstream.map(brief)).toEqual([
      'extract -[dependsOn]-> report',
      'extract -[dependsOn]-> audit',
      'report -[trigger]-> publish',
      'publish -[sensor]-> audit',
    ]);
    expect(dagLineage(graph, 'other')).toEqual({
      dag: 'other',
      environment: 'default',
      upstream: [],
      downstream: [],
    });
  });

  it('of a signal: who waits for it', () => {
    expect(dagLineage(graph, 'signal:approved').downstream.map(brief)).toEqual([
      'signal:approved -[signal]-> report',
      'report -[trigger]-> publish',
      'publish -[sensor]-> audit',
    ]);
  });

  it('refuses an unknown DAG and a bad depth', () => {
    const unknown = failure(() => dagLineage(graph, 'nope'));
    expect(unknown.code).toBe('DAG_NOT_FOUND');
    expect(unknown.message).toContain('"nope"');
    expect(unknown.message).toContain('raw, extract');
    expect(failure(() => dagLineage(graph, 'raw', { depth: 0 })).message).toContain('`0`');
  });
});
