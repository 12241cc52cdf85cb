import { describe, expect, it } from 'vitest';
import type { TributaryError } from '../../src/errors/index.js';
import type { ModificationRecord } from '../../src/engine/modification.js';
import { RunEngine } from '../../src/engine/run-engine.js';
import { DAG } from '../../src/graph/dag.js';
import { DynamicExecutor, runGraphFromDag } from '../../src/executor/dag-executor.js';
import { RunDriver } from '../../src/executor/run-driver.js';
import { createTaskResolver } from '../../src/executor/task-resolver.js';
import type { Expander } from '../../src/executor/types.js';
import { states } from '../engine/harness.js';

// Every failure mode of runtime modification (seed 003) through DynamicExecutor; the engine-level
// twins of these tests are in test/engine/modification.test.ts.

/** a -> b -> c, and d on its own. */
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
  it('executor: a node added with no edges at all still runs, and the run waits for it', async () => {
    let ran = false;
    const result = await run({
      c: () => ({
        addNodes: [
          {
            name: 'loner',
            task: async () => {
              await new Promise((resolve) => setImmediate(resolve));
              ran = true;
            },
          },
        ],
      }),
    });
    expect(ran).toBe(true);
    expect(result.nodeResults.get('loner')?.status).toBe('succeeded');
    expect([...result.nodeResults.keys()].at(-1)).toBe('loner');
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
  it('executor: the expanding node fails with the DUPLICATE_NODE cause', async () => {
    const result = await run({ a: () => ({ addNodes: [{ name: 'd', task: () => 1 }] }) });
    expect(
      ((result.nodeResults.get('a')?.error as TributaryError).cause as TributaryError).code,
    ).toBe('DUPLICATE_NODE');
  });
});

describe('removing started nodes', () => {
  it('executor: an expander removing a finished node fails its node', async () => {
    const result = await run({ b: () => ({ removeNodes: ['a'] }) });
    expect(result.modifications[0]?.error?.code).toBe('NODE_ALREADY_STARTED');
    expect(result.nodeResults.get('a')?.status).toBe('succeeded');
  });
});

describe('limits', () => {
  it.each([
    [{ maxNodes: 6 }, 'maxNodes (6)'],
    [{ maxNodesPerModification: 2 }, 'maxNodesPerModification (2)'],
  ])('executor: %j rejects an expansion that would pass it', async (limits, quoted) => {
    const fanOut: Expander = () => ({
      addNodes: ['x', 'y', 'z'].map((name) => ({ name, task: () => name, dependencies: ['a'] })),
    });
    const result = await new DynamicExecutor(chain(), { expanders: { a: fanOut }, limits }).execute(
      { a: () => 'A', b: () => 'B', c: () => 'C', d: () => 'D' },
    );
    expect(result.modifications[0]).toMatchObject({
      outcome: 'rejected',
      error: { code: 'LIMIT_EXCEEDED' },
    });
    expect(result.modifications[0]?.error?.message).toContain(quoted);
    expect(result.nodeResults.get('a')?.status).toBe('failed');
    expect(result.nodeResults.get('d')?.status).toBe('succeeded');
    const ok = await new DynamicExecutor(chain(), {
      expanders: { a: fanOut },
      limits: { maxNodes: 7, maxNodesPerModification: 3 },
    }).execute({
      a: () => 'A',
      b: () => 'B',
      c: () => 'C',
      d: () => 'D',
    });
    expect(ok.succeeded).toBe(7);
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
    // Every task waits until all 50 run at once: only a run that launches them in parallel ends.
    let allStarted!: () => void;
    const barrier = new Promise<void>((resolve) => (allStarted = resolve));
    const tasks = Object.fromEntries(
      names.map((name) => [
        name,
        async () => {
          running++;
          peak = Math.max(peak, running);
          if (running === names.length) allStarted();
          await barrier;
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
  it('driver: an expander returning a closure in a durable-style run fails its node with the NOT_SERIALIZABLE cause', async () => {
    const engine = new RunEngine(runGraphFromDag(chain()), { requireSerializable: true });
    const tasks: Record<string, () => unknown> = {
      a: () => 'A',
      b: () => 'B',
      c: () => 'C',
      d: () => 'D',
      work: () => 'W',
    };
    const expanders: Record<string, Expander> = {
      a: () => ({ addNodes: [{ name: 'x', task: () => 1, dependencies: ['a'] }] }),
      d: () => ({ addNodes: [{ name: 'y', task: 'work', input: { n: 1 }, dependencies: ['d'] }] }),
    };
    await new RunDriver(engine, {
      runId: 'durable-1',
      params: {},
      maxWorkers: 2,
      resolver: createTaskResolver({
        tasks: new Map(Object.entries(tasks)),
        expanders: new Map(Object.entries(expanders)),
        inline: false,
      }),
    }).run();
    const a = engine.errorOf(engine.graph.idOf('a')!) as TributaryError;
    expect(a.code).toBe('MODIFICATION_REJECTED');
    expect((a.cause as TributaryError).code).toBe('NOT_SERIALIZABLE');
    expect((a.cause as TributaryError).context.field).toBe('addNodes[0].task');
    expect(states(engine)).toEqual({
      a: 'failed',
      b: 'upstream_failed',
      c: 'upstream_failed',
      d: 'succeeded',
      y: 'succeeded',
    });
    expect(engine.resultOf(engine.graph.idOf('y')!)).toBe('W');
  });
});

describe('audit trail', () => {
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
