import { afterEach, describe, expect, it, vi } from 'vitest';
import { TributaryError } from '../../src/errors/index.js';
import type { RunEvent } from '../../src/engine/events.js';
import { DAG } from '../../src/graph/dag.js';
import { DAGExecutor, DynamicExecutor } from '../../src/executor/dag-executor.js';
import type { ExecutorOptions, TaskContext, TaskFn } from '../../src/executor/types.js';
import { independent, tick } from './helpers.js';

function invalid(fn: () => unknown): TributaryError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TributaryError);
    expect((error as TributaryError).code).toBe('INVALID_ARGUMENT');
    return error as TributaryError;
  }
  throw new Error('expected INVALID_ARGUMENT');
}

afterEach(() => {
  vi.useRealTimers();
});

describe('scheduling', () => {
  it.each([1, 3, 4])(
    'never runs more than maxWorkers = %i async tasks at once',
    async (maxWorkers) => {
      let running = 0;
      let peak = 0;
      let started = 0;
      const names = Array.from({ length: 12 }, (_, i) => `n${i}`);
      const task: TaskFn = async () => {
        started++;
        running++;
        peak = Math.max(peak, running);
        await tick();
        await tick();
        running--;
      };
      const result = await new DAGExecutor(independent(names), { maxWorkers }).execute(
        Object.fromEntries(names.map((n) => [n, task])),
      );
      expect(result.succeeded).toBe(12);
      expect(started).toBe(12);
      expect(peak).toBe(maxWorkers);
    },
  );

  it('defaults to 4 workers', async () => {
    let running = 0;
    let peak = 0;
    const names = Array.from({ length: 9 }, (_, i) => `n${i}`);
    await new DAGExecutor(independent(names)).execute(
      Object.fromEntries(
        names.map((n) => [
          n,
          async () => (running++, (peak = Math.max(peak, running)), await tick(), running--),
        ]),
      ),
    );
    expect(peak).toBe(4);
  });

  it('starts ready nodes by explicit priority first, then by critical path, then in definition order', async () => {
    const dag = DAG.builder()
      .addNode('short')
      .addNode('low', { payload: { priority: -1 } })
      .addEdge('long', 'l2')
      .addEdge('l2', 'l3')
      .addNode('urgent', { payload: { priority: 5 } })
      .addNode('also_short')
      .build();
    const order: string[] = [];
    const names = ['short', 'low', 'long', 'l2', 'l3', 'urgent', 'also_short'];
    await new DAGExecutor(dag, { maxWorkers: 1 }).execute(
      Object.fromEntries(names.map((n) => [n, () => order.push(n)])),
    );
    expect(order.slice(0, 2)).toEqual(['urgent', 'long']);
    expect(order.at(-1)).toBe('low');
    expect(order.indexOf('short')).toBeLessThan(order.indexOf('also_short'));
    expect(order.indexOf('long')).toBeLessThan(order.indexOf('short'));
  });

  it('runs sync tasks, async tasks and thenables; sync and async throws fail their node', async () => {
    const dag = independent(['sync', 'async', 'thenable', 'throws', 'rejects', 'throwsString']);
    const result = await new DAGExecutor(dag).execute({
      sync: () => 1,
      async: async () => 2,
      thenable: () => ({ then: (resolve: (v: number) => void) => resolve(3) }),
      throws: () => {
        throw new Error('sync boom');
      },
      rejects: async () => Promise.reject(new Error('async boom')),
      throwsString: () => {
        throw 'plain string'; // eslint-disable-line @typescript-eslint/only-throw-error
      },
    });
    const r = (n: string) => result.nodeResults.get(n)!;
    expect([r('sync').result, r('async').result, r('thenable').result]).toEqual([1, 2, 3]);
    expect(r('throws').error?.message).toBe('sync boom');
    expect(r('rejects').error?.message).toBe('async boom');
    expect(r('throwsString').error).toBeInstanceOf(Error);
    expect(r('throwsString').error?.message).toBe('plain string');
    expect(result.failed).toBe(3);
  });
});

describe('task context', () => {
  it('carries node, attempt, runId, input, params, upstream results and a logger', async () => {
    const dag = DAG.builder()
      .addEdge('a', 'b')
      .addEdge('x', 'b')
      .addNode('b', { payload: { input: { n: 2 } } })
      .build();
    const logged: unknown[] = [];
    let seen: Record<string, unknown> = {};
    await new DAGExecutor(dag, { logger: (...args) => logged.push(args) }).execute(
      {
        a: () => 'A',
        x: () => 'X',
        b: (ctx) => {
          seen = {
            node: ctx.node,
            attempt: ctx.attempt,
            runId: ctx.runId,
            input: ctx.input,
            params: ctx.params,
            a: ctx.upstream('a'),
            ghost: ctx.upstream('ghost'),
            upstream: Object.fromEntries(ctx.upstreamResults),
            key: ctx.idempotencyKey,
            aborted: ctx.signal.aborted,
          };
          ctx.log('info', 'hello', { n: 1 });
        },
      },
      { runId: 'run-1', params: { env: 'test' } },
    );
    expect(seen).toEqual({
      node: 'b',
      attempt: 1,
      runId: 'run-1',
      input: { n: 2 },
      params: { env: 'test' },
      a: 'A',
      ghost: undefined,
      upstream: { a: 'A', x: 'X' },
      key: 'run-1:b',
      aborted: false,
    });
    // The executor's logger learns which attempt logged.
    expect(logged).toEqual([['info', 'hello', { n: 1, node: 'b', attempt: 1 }]]);
  });

  it('keeps the idempotency key across retries while the attempt number grows', async () => {
    const seen: [number, string][] = [];
    const result = await new DAGExecutor(independent(['flaky']), {
      retry: { maxAttempts: 3, initialDelayMs: 0 },
    }).execute(
      {
        flaky: (ctx) => {
          seen.push([ctx.attempt, ctx.idempotencyKey]);
          if (ctx.attempt < 3) throw new Error('again');
          return 'ok';
        },
      },
      { runId: 'r' },
    );
    expect(seen).toEqual([
      [1, 'r:flaky'],
      [2, 'r:flaky'],
      [3, 'r:flaky'],
    ]);
    expect(result.nodeResults.get('flaky')).toMatchObject({
      status: 'succeeded',
      attempts: 3,
      result: 'ok',
    });
  });

  it('generates a distinct runId per execute when none is given', async () => {
    const executor = new DAGExecutor(independent(['a']));
    const ids = [
      (await executor.execute({ a: () => 1 })).runId,
      (await executor.execute({ a: () => 1 })).runId,
    ];
    expect(new Set(ids).size).toBe(2);
  });
});

describe('interceptors and hooks', () => {
  it('interceptors wrap every attempt, first one outermost', async () => {
    const log: string[] = [];
    const make =
      (name: string): NonNullable<ExecutorOptions['interceptors']>[number] =>
      async (ctx, next) => {
        log.push(`${name}>${ctx.node}#${ctx.attempt}`);
        try {
          return await next();
        } finally {
          log.push(`${name}<${ctx.node}#${ctx.attempt}`);
        }
      };
    const result = await new DAGExecutor(independent(['a']), {
      interceptors: [make('outer'), make('inner')],
      retry: { maxAttempts: 2, initialDelayMs: 0 },
    }).execute({
      a: (ctx: TaskContext) => {
        log.push(`task#${ctx.attempt}`);
        if (ctx.attempt === 1) throw new Error('first');
        return 'ok';
      },
    });
    expect(log).toEqual([
      'outer>a#1',
      'inner>a#1',
      'task#1',
      'inner<a#1',
      'outer<a#1',
      'outer>a#2',
      'inner>a#2',
      'task#2',
      'inner<a#2',
      'outer<a#2',
    ]);
    expect(result.nodeResults.get('a')?.result).toBe('ok');
  });

  it('an interceptor can replace the result or fail the attempt', async () => {
    const result = await new DAGExecutor(independent(['a', 'b']), {
      interceptors: [
        async (ctx, next) => {
          if (ctx.node === 'b') throw new Error('denied');
          return `wrapped:${String(await next())}`;
        },
      ],
    }).execute({ a: () => 'a', b: () => 'b' });
    expect(result.nodeResults.get('a')?.result).toBe('wrapped:a');
    expect(result.nodeResults.get('b')?.error?.message).toBe('denied');
  });

  it('hooks observe every transition, every event and every modification', async () => {
    const transitions: string[] = [];
    const events: RunEvent[] = [];
    const modifications: string[] = [];
    const dag = DAG.builder().addEdge('a', 'b').build();
    await new DynamicExecutor(dag, {
      expanders: {
        a: () => ({
          addNodes: [{ name: 'x', task: () => 'x', dependencies: ['a'], dependents: ['b'] }],
        }),
      },
      hooks: {
        onTransition: (node, from, to) => transitions.push(`${node}:${from}>${to}`),
        onEvent: (event) => events.push(event),
        onModification: (record) => modifications.push(`${record.actor}:${record.outcome}`),
      },
    }).execute({ a: () => 'A', b: () => 'B' });
    // Roots become ready while the engine is built; the driver reports that when it attaches.
    expect(transitions).toEqual([
      'a:pending>ready',
      'a:ready>running',
      'a:running>succeeded',
      'x:pending>ready',
      'x:ready>running',
      'x:running>succeeded',
      'b:pending>ready',
      'b:ready>running',
      'b:running>succeeded',
    ]);
    expect(events.map((e) => `${e.type}:${'node' in e ? e.node : ''}`)).toEqual([
      'task_started:a',
      'task_succeeded:a',
      'task_started:x',
      'task_succeeded:x',
      'task_started:b',
      'task_succeeded:b',
    ]);
    expect(events[1]).toMatchObject({
      type: 'task_succeeded',
      result: 'A',
      modification: { addNodes: [{ name: 'x' }] },
    });
    expect(modifications).toEqual(['node:a:applied']);
  });
});

describe('tasks and options', () => {
  it('TASK_NOT_FOUND fails a node without a task; a payload task (function or registered name) is used', async () => {
    const dag = DAG.builder()
      .addNode('missing')
      .addNode('named', { payload: { task: 'shared' } })
      .addNode('unregistered', { payload: { task: 'nope' } })
      .addNode('inline', { payload: { task: () => 'inline' } })
      .build();
    const result = await new DAGExecutor(dag).execute({ shared: () => 'shared' });
    const missing = result.nodeResults.get('missing')!;
    expect(missing.status).toBe('failed');
    expect((missing.error as TributaryError).code).toBe('TASK_NOT_FOUND');
    expect(missing.error?.message).toContain('"missing"');
    expect((result.nodeResults.get('unregistered')?.error as TributaryError).code).toBe(
      'TASK_NOT_FOUND',
    );
    expect(result.nodeResults.get('unregistered')?.error?.message).toContain('"nope"');
    expect(result.nodeResults.get('named')?.result).toBe('shared');
    expect(result.nodeResults.get('inline')?.result).toBe('inline');
  });

  it('rejects invalid executor options with INVALID_ARGUMENT quoting what was received', () => {
    const dag = independent(['a']);
    expect(invalid(() => new DAGExecutor(dag, { maxWorkers: 0 })).message).toBe(
      'Expected `maxWorkers` to be an integer >= 1, got `0` (number)',
    );
    expect(invalid(() => new DAGExecutor(dag, { maxWorkers: 2.5 })).message).toContain(
      'got `2.5` (number)',
    );
    expect(invalid(() => new DAGExecutor(dag, { maxWorkers: '4' as never })).message).toContain(
      'got `"4"` (string)',
    );
    expect(invalid(() => new DAGExecutor(dag, { timeoutMs: 0 })).message).toContain('`timeoutMs`');
    expect(invalid(() => new DAGExecutor(dag, { nodeTimeoutMs: -5 })).message).toContain(
      'got `-5` (number)',
    );
    expect(invalid(() => new DAGExecutor(dag, { retry: { maxAttempts: 0 } })).message).toContain(
      '`retry.maxAttempts`',
    );
    expect(invalid(() => new DAGExecutor(dag, { retry: { jitter: 2 } })).message).toContain(
      'got `2` (number)',
    );
    expect(
      invalid(() => new DAGExecutor(dag, { expanders: { a: 'nope' as never } })).message,
    ).toContain('"a"');
  });

  it('rejects invalid tasks and node options when execute is called', async () => {
    await expect(
      new DAGExecutor(independent(['a'])).execute({ a: 1 as never }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('got `1` (number)'),
    });
    const bad = DAG.builder()
      .addNode('a', { payload: { triggerRule: 'sometimes' } })
      .build();
    await expect(new DAGExecutor(bad).execute({ a: () => 1 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('`triggerRule` of node "a"'),
    });
  });
});
