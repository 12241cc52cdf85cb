import { describe, expect, it } from 'vitest';
import { jsonCodec } from '../../src/codec/codec.js';
import type { TributaryError } from '../../src/errors/index.js';
import type { DynamicModification, ModificationRecord } from '../../src/engine/modification.js';
import { RunEngine } from '../../src/engine/run-engine.js';
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

// Every failure mode of runtime modification (seed 003) at the engine level, each checked to leave
// a rejected run exactly as it was; the same modes through DynamicExecutor are in
// test/executor/dynamic-modification.test.ts.

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

  it('engine: a name given twice wins over every other reason to reject, and names the first repeat', () => {
    const engine = midRun();
    // With a race on a started node's inputs (edge into b).
    const race = rejectUnchanged(engine, {
      addNodes: [{ name: 'x', dependents: ['b'] }, { name: 'y' }, { name: 'y' }, { name: 'x' }],
    });
    expect([race.code, race.context.node]).toEqual(['DUPLICATE_NODE', 'y']);
    // With a removal the graph's batch refuses (an unknown edge).
    const unknown = rejectUnchanged(engine, {
      removeEdges: [{ from: 'd', to: 'c' }],
      addNodes: [{ name: 'z' }, { name: 'z' }],
    });
    expect([unknown.code, unknown.context.node]).toEqual(['DUPLICATE_NODE', 'z']);
    // A repeat before a taken name is the one reported.
    const order = rejectUnchanged(engine, {
      addNodes: [{ name: 'w' }, { name: 'w' }, { name: 'a' }],
    });
    expect([order.code, order.context.node]).toEqual(['DUPLICATE_NODE', 'w']);
  });

  it('engine: a large batch (grown in bulk) with a repeat deep inside changes nothing', () => {
    const engine = midRun();
    const addNodes = Array.from({ length: 600 }, (_, i) => ({
      name: `p${i}`,
      dependencies: ['a'],
    }));
    addNodes.push({ name: 'p300', dependencies: ['a'] });
    const error = rejectUnchanged(engine, { addNodes });
    expect([error.code, error.context.node]).toEqual(['DUPLICATE_NODE', 'p300']);
    // And the same batch without the repeat applies, every node ready.
    engine.modify({ addNodes: addNodes.slice(0, 600) }, 'api:test', 100);
    expect(engine.counts.ready).toBeGreaterThanOrEqual(600);
    expect(orderRespectsEdges(engine)).toBe(true);
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
    // `hold` is never started, so the run stays open for the outside modification at the end.
    const engine = engineOf(['root', ['hold', { priority: -1 }]], [], {
      limits: { maxExpansionDepth: 2 },
    });
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

  it('engine: a finished run cannot be modified (RUN_FINISHED), and the attempt is audited', () => {
    const engine = engineOf(['only'], []);
    const attempt = start(engine, 'only');
    engine.apply({ type: 'task_succeeded', node: 'only', attempt, at: 0, result: null });
    expect(engine.status).toBe('succeeded');
    expect(() => engine.modify({ addNodes: [{ name: 'late' }] }, 'api:test', 1)).toThrow(
      /finished/,
    );
    expect(engine.graph.hasNode('late')).toBe(false);
    expect(engine.status).toBe('succeeded');
    expect(engine.modifications.at(-1)).toMatchObject({
      outcome: 'rejected',
      error: { code: 'RUN_FINISHED' },
    });
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
});

describe('serializable modifications', () => {
  const durable = () => midRun({ requireSerializable: true });

  it.each([
    ['a function task', { addNodes: [{ name: 'x', task: () => 1 }] }, 'addNodes[0].task'],
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

  it.each<[string, DynamicModification]>([
    ['a function task', { addNodes: [{ name: 'x', task: () => 1 }] }],
    ['a function expander', { addNodes: [{ name: 'x', task: 't', expander: () => undefined }] }],
    ['a symbol in the input', { addNodes: [{ name: 'x', task: 't', input: [Symbol('s')] }] }],
    ['an edge condition', { addEdges: [{ from: 'd', to: 'c', condition: () => true }] }],
  ])('%s is rejected alike live and after a journal round trip (replay)', (_label, mod) => {
    const live = rejectUnchanged(durable(), mod);
    const stored = jsonCodec.decode(jsonCodec.encode(mod)) as DynamicModification;
    const replayed = rejectUnchanged(durable(), stored);
    expect(live.code).toBe('NOT_SERIALIZABLE');
    expect(replayed.code).toBe(live.code);
    expect(replayed.context.field).toBe(live.context.field);
  });

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

describe('registered names', () => {
  const registry = {
    hasTask: (name: string) => ['process', 'x'].includes(name),
    hasExpander: (name: string) => name === 'more',
  };
  const durable = () => midRun({ requireSerializable: true, registry });

  it('an unregistered task name is TASK_NOT_FOUND naming the node and the task', () => {
    const error = rejectUnchanged(durable(), {
      addNodes: [{ name: 'p1', task: 'proces', dependencies: ['b'] }],
    });
    expect(error.code).toBe('TASK_NOT_FOUND');
    expect(error.message).toBe(
      'Node "p1" (addNodes[0]) runs task "proces", which is not registered',
    );
    expect(error.context).toMatchObject({ node: 'p1', task: 'proces', actor: 'api:test' });
  });

  it("without a task, the node's own name must be registered", () => {
    const error = rejectUnchanged(durable(), { addNodes: [{ name: 'p1' }] });
    expect(error.code).toBe('TASK_NOT_FOUND');
    expect(error.context).toMatchObject({ node: 'p1', task: 'p1' });
    const engine = durable();
    engine.modify({ addNodes: [{ name: 'x', dependencies: ['b'] }] }, 'api:test', 1);
    expect(engine.graph.hasNode('x')).toBe(true);
  });

  it('an unregistered expander name is EXPANDER_NOT_FOUND', () => {
    const error = rejectUnchanged(durable(), {
      addNodes: [{ name: 'p1', task: 'process', expander: 'mor' }],
    });
    expect(error.code).toBe('EXPANDER_NOT_FOUND');
    expect(error.context).toMatchObject({ node: 'p1', expander: 'mor' });
  });

  it('a task that is not a name is INVALID_ARGUMENT quoting it; a function stays NOT_SERIALIZABLE', () => {
    const error = rejectUnchanged(durable(), {
      addNodes: [{ name: 'p1', task: 5 }],
    });
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('got `5` (number)');
    expect(rejectUnchanged(durable(), { addNodes: [{ name: 'p1', task: () => 1 }] }).code).toBe(
      'NOT_SERIALIZABLE',
    );
  });

  it('from an expander: the node fails, the audit record says why, the graph is unchanged', () => {
    const engine = durable();
    engine.apply({
      type: 'task_succeeded',
      node: 'b',
      attempt: 1,
      at: 5,
      result: 'B',
      modification: {
        reason: 'fan out',
        addNodes: [
          { name: 'ok', task: 'process', dependencies: ['b'] },
          { name: 'lost', task: 'nope', dependencies: ['b'], dependents: ['c'] },
        ],
      },
    });
    expect(stateOf(engine, 'b')).toBe('failed');
    const error = engine.errorOf(engine.graph.idOf('b')!) as TributaryError;
    expect(error.code).toBe('MODIFICATION_REJECTED');
    expect((error.cause as TributaryError).code).toBe('TASK_NOT_FOUND');
    expect(engine.graph.hasNode('ok')).toBe(false);
    expect(engine.modifications.at(-1)).toMatchObject({
      outcome: 'rejected',
      actor: 'node:b',
      reason: 'fan out',
      diff: { addedNodes: ['ok', 'lost'] },
      error: { code: 'TASK_NOT_FOUND' },
    });
  });

  it('without a registry, names are not checked (and a durable node may omit its task)', () => {
    const engine = midRun({ requireSerializable: true });
    engine.modify({ addNodes: [{ name: 'p1' }, { name: 'p2', task: 'anything' }] }, 'api:test', 1);
    expect(engine.graph.hasNode('p2')).toBe(true);
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
});
