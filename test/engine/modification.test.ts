import { describe, expect, it } from 'vitest';
import { TributaryError } from '../../src/errors/index.js';
import type { DynamicModification, ModificationRecord } from '../../src/engine/modification.js';
import { RunEngine } from '../../src/engine/run-engine.js';
import { DAG } from '../../src/graph/dag.js';
import { DynamicExecutor } from '../../src/executor/dag-executor.js';
import type { Expander } from '../../src/executor/types.js';
import {
  catchError,
  engineOf,
  graphOf,
  orderRespectsEdges,
  snapshot,
  start,
  stateOf,
  states,
  succeed,
} from './harness.js';

/** a -> b -> c, and d on its own; `a` finished, `b` running, `c` and `d` waiting or ready. */
function midRun(options: ConstructorParameters<typeof RunEngine>[1] = {}): RunEngine {
  const engine = engineOf(['a', 'b', 'c', 'd'], ['a>b', 'b>c'], options);
  start(engine, 'a', 1);
  succeed(engine, 'a', 'A', 2);
  start(engine, 'b', 3);
  return engine;
}

/** Apply `mod` from outside and return the error; the run must be exactly as before. */
function rejectUnchanged(engine: RunEngine, mod: DynamicModification): TributaryError {
  const before = snapshot(engine);
  const trail = engine.modifications.length;
  const error = catchError(() => engine.modify(mod, 'api:test', 99));
  expect(snapshot(engine)).toEqual(before);
  expect(engine.modifications).toHaveLength(trail + 1);
  const record = engine.modifications[trail]!;
  expect(record).toMatchObject({
    outcome: 'rejected',
    actor: 'api:test',
    at: 99,
    error: { code: error.code },
  });
  expect(record.error?.message).toBe(error.message);
  return error;
}

const chain = () => DAG.builder().addEdge('a', 'b').addEdge('b', 'c').addNode('d').build();
const run = (expanders: Record<string, Expander>, tasks: Record<string, () => unknown> = {}) =>
  new DynamicExecutor(chain(), { expanders }).execute({
    a: () => 'A',
    b: () => 'B',
    c: () => 'C',
    d: () => 'D',
    ...tasks,
  });

describe('cycle injection', () => {
  it('engine: an added node closing a loop is CYCLE_DETECTED with the closed path', () => {
    const engine = engineOf(['a', 'b', 'c'], ['a>b', 'b>c']);
    const error = rejectUnchanged(engine, {
      addNodes: [{ name: 'x', dependencies: ['c'], dependents: ['b'] }],
    });
    expect(error.code).toBe('CYCLE_DETECTED');
    expect(error.context.cyclePath).toEqual(['x', 'b', 'c', 'x']);
    expect(error.message).toContain('x -> b -> c -> x');
    expect(engine.modifications[0]!.error?.message).toContain('x -> b -> c -> x');
  });

  it('engine: an added edge closing a loop is rejected, and so is a self-loop', () => {
    const engine = engineOf(['a', 'b', 'c'], ['a>b', 'b>c']);
    expect(
      rejectUnchanged(engine, { addEdges: [{ from: 'c', to: 'a' }] }).context.cyclePath,
    ).toEqual(['c', 'a', 'b', 'c']);
    expect(
      rejectUnchanged(engine, { addEdges: [{ from: 'b', to: 'b' }] }).context.cyclePath,
    ).toEqual(['b', 'b']);
    expect(orderRespectsEdges(engine)).toBe(true);
  });

  it('executor: the expanding node fails, its descendants are upstream_failed, the rest runs', async () => {
    const result = await run({ a: () => ({ addEdges: [{ from: 'c', to: 'b' }] }) });
    const a = result.nodeResults.get('a')!;
    expect(a.status).toBe('failed');
    expect(a.result).toBe('A');
    expect((a.error as TributaryError).code).toBe('MODIFICATION_REJECTED');
    const cause = (a.error as TributaryError).cause as TributaryError;
    expect(cause.code).toBe('CYCLE_DETECTED');
    expect(cause.context.cyclePath).toEqual(['c', 'b', 'c']);
    expect(result.nodeResults.get('b')?.status).toBe('upstream_failed');
    expect(result.nodeResults.get('c')?.status).toBe('upstream_failed');
    expect(result.nodeResults.get('d')?.status).toBe('succeeded');
    expect(result.modifications).toHaveLength(1);
    expect(result.modifications[0]).toMatchObject({
      actor: 'node:a',
      outcome: 'rejected',
      error: { code: 'CYCLE_DETECTED' },
    });
    expect(result.modifications[0]!.error?.message).toContain('c -> b -> c');
    expect(result.graph.hasEdge('c', 'b')).toBe(false);
  });
});

describe('dependency race', () => {
  it('engine: an edge into a running node is DEPENDENCY_RACE', () => {
    const engine = midRun();
    const error = rejectUnchanged(engine, { addNodes: [{ name: 'x', dependents: ['b'] }] });
    expect(error.code).toBe('DEPENDENCY_RACE');
    expect(error.context).toMatchObject({ node: 'b', from: 'x', state: 'running' });
  });

  it('engine: an edge into a finished node, and removing an edge into one, are DEPENDENCY_RACE', () => {
    const engine = midRun();
    expect(rejectUnchanged(engine, { addEdges: [{ from: 'd', to: 'a' }] }).context).toMatchObject({
      node: 'a',
      state: 'succeeded',
    });
    expect(rejectUnchanged(engine, { removeEdges: [{ from: 'a', to: 'b' }] }).code).toBe(
      'DEPENDENCY_RACE',
    );
  });

  it('engine: edges into pending and ready nodes are fine, and re-gate a ready node', () => {
    const engine = midRun();
    expect(stateOf(engine, 'd')).toBe('ready');
    engine.modify(
      { addNodes: [{ name: 'x', dependencies: ['b'], dependents: ['c', 'd'] }] },
      'api:test',
      5,
    );
    expect(stateOf(engine, 'd')).toBe('pending');
    expect(stateOf(engine, 'x')).toBe('pending');
    succeed(engine, 'b');
    start(engine, 'x');
    succeed(engine, 'x');
    expect(stateOf(engine, 'c')).toBe('ready');
    expect(stateOf(engine, 'd')).toBe('ready');
  });

  it('executor: an expander cannot feed its own (running) node or a finished one', async () => {
    const self = await run({
      a: () => ({ addNodes: [{ name: 'x', task: () => 1, dependents: ['a'] }] }),
    });
    expect(
      ((self.nodeResults.get('a')?.error as TributaryError).cause as TributaryError).code,
    ).toBe('DEPENDENCY_RACE');
    const finished = await run({
      b: () => ({ addNodes: [{ name: 'x', task: () => 1, dependents: ['a'] }] }),
    });
    expect(finished.modifications[0]).toMatchObject({
      outcome: 'rejected',
      error: { code: 'DEPENDENCY_RACE' },
    });
    expect(finished.nodeResults.get('b')?.status).toBe('failed');
    expect(finished.nodeResults.get('c')?.status).toBe('upstream_failed');
  });
});

describe('orphans', () => {
  it('engine: a dependency on an unknown node is UNKNOWN_NODE; so are unknown dependents and removals', () => {
    const engine = midRun();
    const error = rejectUnchanged(engine, { addNodes: [{ name: 'x', dependencies: ['ghost'] }] });
    expect(error.code).toBe('UNKNOWN_NODE');
    expect(error.context.node).toBe('ghost');
    expect(rejectUnchanged(engine, { addNodes: [{ name: 'x', dependents: ['ghost'] }] }).code).toBe(
      'UNKNOWN_NODE',
    );
    expect(rejectUnchanged(engine, { removeNodes: ['ghost'] }).code).toBe('UNKNOWN_NODE');
    expect(rejectUnchanged(engine, { addEdges: [{ from: 'ghost', to: 'c' }] }).code).toBe(
      'UNKNOWN_NODE',
    );
  });

  it('engine: a dependency on a node added by the same modification is fine, in either listing order', () => {
    const engine = midRun();
    engine.modify(
      {
        addNodes: [
          { name: 'late', dependencies: ['early'], dependents: ['c'] },
          { name: 'early', dependencies: ['b'] },
        ],
        addEdges: [{ from: 'early', to: 'd' }],
      },
      'api:test',
      5,
    );
    expect(engine.graph.hasEdge('early', 'late')).toBe(true);
    expect(orderRespectsEdges(engine)).toBe(true);
    succeed(engine, 'b');
    start(engine, 'early');
    succeed(engine, 'early');
    expect(stateOf(engine, 'late')).toBe('ready');
    expect(stateOf(engine, 'd')).toBe('ready');
  });

  it('executor: an orphan fails the expanding node; a self-contained chain runs in order', async () => {
    const orphan = await run({
      a: () => ({ addNodes: [{ name: 'x', task: () => 1, dependencies: ['ghost'] }] }),
    });
    expect(orphan.modifications[0]?.error?.code).toBe('UNKNOWN_NODE');
    expect(orphan.nodeResults.has('x')).toBe(false);
    const order: string[] = [];
    const ok = await run(
      {
        a: () => ({
          addNodes: [
            { name: 'y', task: () => order.push('y'), dependencies: ['x'], dependents: ['c'] },
            { name: 'x', task: () => order.push('x'), dependencies: ['a'] },
          ],
        }),
        c: () => undefined,
      },
      { c: () => order.push('c') },
    );
    expect(ok.status).toBe('succeeded');
    expect(order).toEqual(['x', 'y', 'c']);
  });
});

describe('duplicate names', () => {
  it('engine: re-adding an existing name, or the same name twice, is DUPLICATE_NODE', () => {
    const engine = midRun();
    expect(rejectUnchanged(engine, { addNodes: [{ name: 'd' }] }).code).toBe('DUPLICATE_NODE');
    expect(rejectUnchanged(engine, { addNodes: [{ name: 'x' }, { name: 'x' }] }).code).toBe(
      'DUPLICATE_NODE',
    );
  });

  it('engine: the name of a started or finished node is DUPLICATE_NODE too, not a race on its inputs', () => {
    const engine = midRun();
    const error = rejectUnchanged(engine, { addNodes: [{ name: 'a', dependencies: ['d'] }] });
    expect(error.code).toBe('DUPLICATE_NODE');
    expect(error.context.node).toBe('a');
    expect(rejectUnchanged(engine, { addNodes: [{ name: 'b', dependencies: ['a'] }] }).code).toBe(
      'DUPLICATE_NODE',
    );
  });

  it('engine: a removed name may be reused in the same modification', () => {
    const engine = midRun();
    engine.modify(
      { removeNodes: ['d'], addNodes: [{ name: 'd', dependencies: ['b'], input: 2 }] },
      'api:test',
      5,
    );
    expect(engine.spec(engine.graph.idOf('d')!).input).toBe(2);
    expect(stateOf(engine, 'd')).toBe('pending');
  });

  it('executor: the expanding node fails with the DUPLICATE_NODE cause', async () => {
    const result = await run({ a: () => ({ addNodes: [{ name: 'd', task: () => 1 }] }) });
    expect(
      ((result.nodeResults.get('a')?.error as TributaryError).cause as TributaryError).code,
    ).toBe('DUPLICATE_NODE');
  });
});

describe('removing started nodes', () => {
  it.each([
    ['a', 'succeeded'],
    ['b', 'running'],
  ])('engine: removing %s (%s) is NODE_ALREADY_STARTED', (name, state) => {
    const engine = midRun();
    const error = rejectUnchanged(engine, { removeNodes: [name] });
    expect(error.code).toBe('NODE_ALREADY_STARTED');
    expect(error.context).toMatchObject({ node: name, state });
  });

  it('engine: removing pending and ready nodes works; their children lose a parent', () => {
    const engine = midRun();
    engine.modify({ removeNodes: ['c', 'd'] }, 'api:test', 5);
    expect(engine.graph.hasNode('c')).toBe(false);
    expect(engine.counts.pending + engine.counts.ready).toBe(0);
    succeed(engine, 'b');
    expect(engine.status).toBe('succeeded');
    const other = engineOf(['p', 'q'], ['p>q']);
    other.modify({ removeNodes: ['p'] }, 'api:test', 0);
    expect(stateOf(other, 'q')).toBe('ready');
  });

  it('executor: an expander removing a finished node fails its node', async () => {
    const result = await run({ b: () => ({ removeNodes: ['a'] }) });
    expect(result.modifications[0]?.error?.code).toBe('NODE_ALREADY_STARTED');
    expect(result.nodeResults.get('a')?.status).toBe('succeeded');
  });
});

describe('limits', () => {
  it('engine: maxNodes counts live nodes after the change (removals included)', () => {
    const engine = midRun({ limits: { maxNodes: 5 } });
    const error = rejectUnchanged(engine, { addNodes: [{ name: 'x' }, { name: 'y' }] });
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.message).toContain('maxNodes (5)');
    engine.modify({ addNodes: [{ name: 'x' }, { name: 'y' }], removeNodes: ['d'] }, 'api:test', 5);
    expect(engine.graph.nodeCount).toBe(5);
  });

  it('engine: maxNodesPerModification', () => {
    const engine = midRun({ limits: { maxNodesPerModification: 2 } });
    const error = rejectUnchanged(engine, {
      addNodes: [{ name: 'x' }, { name: 'y' }, { name: 'z' }],
    });
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.message).toContain('maxNodesPerModification (2)');
  });

  it('engine: maxExpansionDepth counts chained expansions; outside modifications are depth 0', () => {
    const engine = engineOf(['root'], [], { limits: { maxExpansionDepth: 2 } });
    const expand = (node: string, child: string): void => {
      const attempt = start(engine, node);
      engine.apply({
        type: 'task_succeeded',
        node,
        attempt,
        at: 0,
        result: null,
        modification: { addNodes: [{ name: child, dependencies: [node] }] },
      });
    };
    expand('root', 'd1');
    expand('d1', 'd2');
    expect(engine.depthOf(engine.graph.idOf('d2')!)).toBe(2);
    expand('d2', 'd3');
    expect(stateOf(engine, 'd2')).toBe('failed');
    expect(engine.graph.hasNode('d3')).toBe(false);
    expect(engine.modifications[2]).toMatchObject({
      actor: 'node:d2',
      outcome: 'rejected',
      error: { code: 'LIMIT_EXCEEDED' },
    });
    expect(engine.modifications[2]?.error?.message).toContain('maxExpansionDepth (2)');
    engine.modify({ addNodes: [{ name: 'api' }] }, 'api:test', 0);
    expect(engine.depthOf(engine.graph.idOf('api')!)).toBe(0);
  });

  it('executor: a runaway chain of expanders stops at maxExpansionDepth', async () => {
    const dag = DAG.builder().addNode('level_0').build();
    const deeper: Expander = (name) => {
      const next = `level_${Number(name.slice(6)) + 1}`;
      return {
        addNodes: [{ name: next, task: () => next, dependencies: [name], expander: deeper }],
      };
    };
    const result = await new DynamicExecutor(dag, {
      expanders: { level_0: deeper },
      limits: { maxExpansionDepth: 3 },
    }).execute({
      level_0: () => 'start',
    });
    expect([...result.nodeResults.keys()]).toEqual(['level_0', 'level_1', 'level_2', 'level_3']);
    expect(result.nodeResults.get('level_3')?.status).toBe('failed');
    expect(result.modifications.map((m) => m.outcome)).toEqual([
      'applied',
      'applied',
      'applied',
      'rejected',
    ]);
  });
});

describe('expander errors', () => {
  it('executor: a throwing or rejecting expander fails its node with EXPANDER_FAILED; the run goes on', async () => {
    for (const expander of [
      (): never => {
        throw new Error('no tables');
      },
      async (): Promise<never> => Promise.reject(new Error('no tables')),
    ]) {
      const result = await run({ a: expander });
      const error = result.nodeResults.get('a')?.error as TributaryError;
      expect(error.code).toBe('EXPANDER_FAILED');
      expect(error.message).toContain('no tables');
      expect((error.cause as Error).message).toBe('no tables');
      expect(result.nodeResults.get('b')?.status).toBe('upstream_failed');
      expect(result.nodeResults.get('c')?.status).toBe('upstream_failed');
      expect(result.nodeResults.get('d')?.status).toBe('succeeded');
      expect(result.modifications).toHaveLength(0);
    }
  });

  it('executor: a malformed modification is rejected with INVALID_ARGUMENT quoting the field', async () => {
    const result = await run({ a: () => ({ addNodes: 'x' }) as never });
    expect(result.modifications[0]?.error?.code).toBe('INVALID_ARGUMENT');
    expect(result.modifications[0]?.error?.message).toContain('got `"x"` (string)');
    expect(result.nodeResults.get('a')?.status).toBe('failed');
  });
});

describe('a rejected modification changes nothing', () => {
  const cases: [string, DynamicModification][] = [
    [
      'cycle in the last of several edges',
      {
        addNodes: [
          { name: 'x', dependencies: ['c'] },
          { name: 'y', dependents: ['c'] },
        ],
        addEdges: [{ from: 'c', to: 'y' }],
      },
    ],
    [
      'unknown node after removals and additions',
      {
        removeNodes: ['d'],
        addNodes: [{ name: 'x', dependents: ['c'] }],
        addEdges: [{ from: 'x', to: 'ghost' }],
      },
    ],
    [
      'race after valid removals',
      { removeNodes: ['d'], addNodes: [{ name: 'x', dependents: ['b'] }] },
    ],
    ['a bad shape', { addNodes: [{ name: '' }] }],
    ['an unknown field', { addNode: [] } as DynamicModification],
    ['a duplicate edge', { addEdges: [{ from: 'b', to: 'c' }] }],
  ];

  it.each(cases)('%s', (_label, mod) => {
    const engine = midRun();
    rejectUnchanged(engine, mod);
    // and the run still completes normally
    succeed(engine, 'b');
    for (let next = engine.startNext(0); next !== undefined; next = engine.startNext(0))
      succeed(engine, next.name);
    expect(engine.status).toBe('succeeded');
    expect(engine.counts.succeeded).toBe(4);
  });

  it('after a rolled-back batch that re-ranked a new node, later additions still keep the order and catch cycles', () => {
    const engine = engineOf(['a', 'b'], ['a>b']);
    // `n1 -> a` moves n1 before a in the order; the unknown node then rolls the batch back.
    rejectUnchanged(engine, {
      addNodes: [{ name: 'n0' }, { name: 'n1', dependents: ['a'] }],
      addEdges: [{ from: 'n1', to: 'ghost' }],
    });
    engine.modify({ addNodes: [{ name: 'c' }, { name: 'd', dependencies: ['c'] }] }, 'api:test', 1);
    expect(orderRespectsEdges(engine)).toBe(true);
    expect(
      catchError(() => engine.modify({ addEdges: [{ from: 'd', to: 'c' }] }, 'api:test', 2)).code,
    ).toBe('CYCLE_DETECTED');
    engine.modify({ addEdges: [{ from: 'b', to: 'c' }] }, 'api:test', 3);
    expect(orderRespectsEdges(engine)).toBe(true);
    expect(engine.graph.topologicalOrder()).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('concurrent modifications', () => {
  it('50 parallel async nodes whose expanders all feed one merge: all applied, merge runs last', async () => {
    const builder = DAG.builder().addNode('merge');
    const names = Array.from({ length: 50 }, (_, i) => `p${i}`);
    for (const name of names) builder.addEdge(name, 'merge');
    let running = 0;
    let peak = 0;
    const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
    const expander: Expander = async (name) => {
      const i = Number(name.slice(1));
      for (let k = 0; k < 50 - i; k++) await tick(); // later nodes finish expanding first
      return {
        addNodes: [
          {
            name: `child_${name}`,
            task: () => `from ${name}`,
            dependencies: [name],
            dependents: ['merge'],
          },
        ],
        reason: `expand ${name}`,
      };
    };
    const order: string[] = [];
    let mergeInputs = 0;
    const tasks = Object.fromEntries(
      names.map((name) => [
        name,
        async () => {
          running++;
          peak = Math.max(peak, running);
          await tick();
          running--;
          return name;
        },
      ]),
    );
    const result = await new DynamicExecutor(builder.build(), {
      maxWorkers: 50,
      expanders: Object.fromEntries(names.map((n) => [n, expander])),
      hooks: { onTransition: (node, _from, to) => to === 'running' && order.push(node) },
    }).execute({
      ...tasks,
      merge: (ctx) => {
        mergeInputs = ctx.upstreamResults.size;
        return 'merged';
      },
    });
    expect(peak).toBe(50);
    expect(result.status).toBe('succeeded');
    expect(result.succeeded).toBe(101);
    expect(order.at(-1)).toBe('merge');
    expect(order).toHaveLength(101);
    expect(mergeInputs).toBe(100);
    expect([...result.nodeResults.keys()].at(-1)).toBe('merge');
    expect(result.modifications).toHaveLength(50);
    expect(result.modifications.every((m) => m.outcome === 'applied')).toBe(true);
    expect(new Set(result.modifications.map((m) => m.actor)).size).toBe(50);
    expect(result.modifications.map((m) => m.seq)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    expect(result.modifications[0]!.actor).toBe('node:p49');
    expect(result.graph.predecessors('merge')).toHaveLength(100);
  });

  it("engine: a node's expander is applied before any of its dependents can become ready", () => {
    const engine = engineOf(['discover', 'merge'], ['discover>merge']);
    const attempt = start(engine, 'discover');
    engine.apply({
      type: 'task_succeeded',
      node: 'discover',
      attempt,
      at: 1,
      result: ['a'],
      modification: {
        addNodes: [{ name: 'p_a', dependencies: ['discover'], dependents: ['merge'] }],
      },
    });
    expect(stateOf(engine, 'merge')).toBe('pending');
    expect(engine.startNext(2)?.name).toBe('p_a');
    expect(engine.startNext(2)).toBeUndefined();
  });

  it('executor: with free workers and a slow async expander, merge still never races the added nodes', async () => {
    const dag = DAG.builder().addEdge('discover', 'merge').addNode('other').build();
    const log: string[] = [];
    const result = await new DynamicExecutor(dag, {
      maxWorkers: 8,
      expanders: {
        discover: async (_name, files) => {
          for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
          log.push('expanded');
          return {
            addNodes: (files as string[]).map((f) => ({
              name: `p_${f}`,
              task: () => log.push(`p_${f}`),
              dependencies: ['discover'],
              dependents: ['merge'],
            })),
          };
        },
      },
    }).execute({
      discover: () => ['a', 'b'],
      merge: () => log.push('merge'),
      other: () => log.push('other'),
    });
    expect(result.status).toBe('succeeded');
    expect(log.indexOf('merge')).toBe(log.length - 1);
    expect(log.slice(log.indexOf('expanded'))).toEqual(['expanded', 'p_a', 'p_b', 'merge']);
  });
});

describe('serializable modifications', () => {
  const durable = () => midRun({ requireSerializable: true });

  it.each([
    ['a function task', { addNodes: [{ name: 'x', task: () => 1 }] }, 'addNodes[0].task'],
    ['a missing task', { addNodes: [{ name: 'x' }] }, 'addNodes[0].task'],
    [
      'a function expander',
      { addNodes: [{ name: 'x', task: 't', expander: () => undefined }] },
      'addNodes[0].expander',
    ],
    [
      'a Date in the input',
      { addNodes: [{ name: 'x', task: 't', input: { when: new Date(0) } }] },
      'addNodes[0].input.when',
    ],
    [
      'NaN in the input',
      { addNodes: [{ name: 'x', task: 't', input: [1, NaN] }] },
      'addNodes[0].input[1]',
    ],
    [
      'a function in the input',
      { addNodes: [{ name: 'x', task: 't', input: { f: () => 1 } }] },
      'addNodes[0].input.f',
    ],
    [
      'an edge condition',
      { addEdges: [{ from: 'd', to: 'c', condition: () => true }] },
      'addEdges[0].condition',
    ],
  ] as [string, DynamicModification, string][])(
    'NOT_SERIALIZABLE for %s, naming the field',
    (_label, mod, field) => {
      const error = rejectUnchanged(durable(), mod);
      expect(error.code).toBe('NOT_SERIALIZABLE');
      expect(error.context.field).toBe(field);
      expect(error.message).toContain(`\`${field}\``);
    },
  );

  it('registered names and JSON input are accepted; without the option, closures are fine', () => {
    const engine = durable();
    engine.modify(
      {
        addNodes: [
          {
            name: 'x',
            task: 'process',
            expander: 'more',
            input: { n: 1, tags: ['a', null] },
            dependencies: ['b'],
          },
        ],
      },
      'api:test',
      1,
    );
    expect(engine.graph.hasNode('x')).toBe(true);
    midRun().modify({ addNodes: [{ name: 'x', task: () => 1 }] }, 'api:test', 1);
  });
});

describe('audit trail', () => {
  it('engine: time, actor, reason and diff of applied and rejected modifications', () => {
    const seen: ModificationRecord[] = [];
    const engine = new RunEngine(
      graphOf(['a', 'b'], ['a>b']),
      {},
      { onModification: (r) => seen.push(r) },
    );
    const attempt = start(engine, 'a', 10);
    engine.apply({
      type: 'task_succeeded',
      node: 'a',
      attempt,
      at: 20,
      result: 1,
      modification: {
        addNodes: [{ name: 'x', dependencies: ['a'], dependents: ['b'] }],
        reason: 'found x',
      },
    });
    catchError(() => engine.modify({ removeNodes: ['a'], reason: 'tidy' }, 'api:alice', 30));
    expect(states(engine)).toEqual({ a: 'succeeded', b: 'pending', x: 'ready' });
    expect(engine.modifications).toEqual([
      {
        seq: 1,
        at: 20,
        actor: 'node:a',
        reason: 'found x',
        outcome: 'applied',
        diff: {
          addedNodes: ['x'],
          removedNodes: [],
          addedEdges: [
            ['a', 'x'],
            ['x', 'b'],
          ],
          removedEdges: [],
        },
      },
      {
        seq: 2,
        at: 30,
        actor: 'api:alice',
        reason: 'tidy',
        outcome: 'rejected',
        diff: { addedNodes: [], removedNodes: ['a'], addedEdges: [], removedEdges: [] },
        error: { code: 'NODE_ALREADY_STARTED', message: expect.stringContaining('"a"') },
      },
    ]);
    expect(seen).toEqual(engine.modifications);
  });

  it('executor: records carry node:<name>, the reason, the diff and a time; hooks see each one', async () => {
    const seen: ModificationRecord[] = [];
    const dag = DAG.builder().addEdge('discover', 'merge').build();
    const result = await new DynamicExecutor(dag, {
      expanders: {
        discover: () => ({
          addNodes: [
            { name: 'p', task: () => 1, dependencies: ['discover'], dependents: ['merge'] },
          ],
          reason: 'one file',
        }),
      },
      hooks: { onModification: (r) => seen.push(r) },
    }).execute({ discover: () => ['f'], merge: () => 'm' });
    const [record] = result.modifications;
    expect(record).toMatchObject({
      seq: 1,
      actor: 'node:discover',
      reason: 'one file',
      outcome: 'applied',
      diff: {
        addedNodes: ['p'],
        addedEdges: [
          ['discover', 'p'],
          ['p', 'merge'],
        ],
      },
    });
    expect(Number.isFinite(record!.at) && record!.at > 0).toBe(true);
    expect(record!.at).toBe(result.nodeResults.get('discover')?.finishedAt);
    expect(seen).toEqual([record]);
  });
});
