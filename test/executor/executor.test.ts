import { afterEach, describe, expect, it, vi } from 'vitest';
import { NonRetryableError, TributaryError } from '../../src/errors/index.js';
import type { RunEvent } from '../../src/engine/events.js';
import { DAG } from '../../src/graph/dag.js';
import { DAGExecutor, DynamicExecutor } from '../../src/executor/dag-executor.js';
import { mapExpander } from '../../src/executor/map-expander.js';
import type { ExecutorOptions, TaskContext, TaskFn } from '../../src/executor/types.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
const independent = (names: readonly string[]) => {
  const builder = DAG.builder();
  for (const name of names) builder.addNode(name);
  return builder.build();
};
/** A task that only ends when its signal fires, recording what it saw. */
const untilAborted =
  (seen: Map<string, AbortSignal>): TaskFn =>
  (ctx) =>
    new Promise((resolve) => {
      seen.set(ctx.node, ctx.signal);
      ctx.signal.addEventListener('abort', () => resolve('too late'));
    });
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
    expect(logged).toEqual([['info', 'hello', { n: 1 }]]);
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

describe('retries', () => {
  it('backs off exponentially between attempts (fake timers) and stops at maxAttempts', async () => {
    vi.useFakeTimers();
    let attempts = 0;
    const transitions: string[] = [];
    const running = new DAGExecutor(independent(['a']), {
      retry: { maxAttempts: 4, initialDelayMs: 100, backoff: 2, jitter: 0 },
      hooks: { onTransition: (_n, from, to) => transitions.push(`${from}>${to}`) },
    }).execute({
      a: () => {
        attempts++;
        throw new Error('flaky');
      },
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(attempts).toBe(1);
    for (const [wait, expected] of [
      [99, 1],
      [1, 2],
      [199, 2],
      [1, 3],
      [399, 3],
      [1, 4],
    ] as const) {
      await vi.advanceTimersByTimeAsync(wait);
      expect(attempts).toBe(expected);
    }
    const result = await running;
    expect(result.nodeResults.get('a')).toMatchObject({ status: 'failed', attempts: 4 });
    expect(transitions.filter((t) => t === 'running>retrying')).toHaveLength(3);
    expect(transitions.at(-1)).toBe('running>failed');
    expect(vi.getTimerCount()).toBe(0);
  });

  it("a node's own policy wins over the executor default", async () => {
    let attempts = 0;
    const dag = DAG.builder()
      .addNode('a', { payload: { retry: { maxAttempts: 2, initialDelayMs: 0 } } })
      .build();
    await new DAGExecutor(dag, { retry: { maxAttempts: 5, initialDelayMs: 0 } }).execute({
      a: () => {
        attempts++;
        throw new Error('x');
      },
    });
    expect(attempts).toBe(2);
  });

  it.each([
    ['NonRetryableError', new NonRetryableError('credentials rejected')],
    ['a non-retryable TributaryError', new TributaryError('TASK_FAILED', 'bad input')],
  ])('%s stops retries at once', async (_label, error) => {
    let attempts = 0;
    const result = await new DAGExecutor(independent(['a']), {
      retry: { maxAttempts: 5, initialDelayMs: 0 },
    }).execute({
      a: () => {
        attempts++;
        throw error;
      },
    });
    expect(attempts).toBe(1);
    expect(result.nodeResults.get('a')?.error).toBe(error);
  });
});

describe('timeouts and cancellation', () => {
  it('a node timeout ends the node timed_out and fires its AbortSignal (fake timers)', async () => {
    vi.useFakeTimers();
    const seen = new Map<string, AbortSignal>();
    const dag = DAG.builder()
      .addEdge('slow', 'after')
      .addNode('slow', { payload: { timeoutMs: 50 } })
      .build();
    const running = new DAGExecutor(dag).execute({ slow: untilAborted(seen), after: () => 'x' });
    await vi.advanceTimersByTimeAsync(49);
    expect(seen.get('slow')?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const result = await running;
    expect(seen.get('slow')?.aborted).toBe(true);
    expect((seen.get('slow')?.reason as TributaryError).code).toBe('TASK_TIMEOUT');
    const slow = result.nodeResults.get('slow')!;
    expect(slow.status).toBe('timed_out');
    expect((slow.error as TributaryError).code).toBe('TASK_TIMEOUT');
    expect(slow.result).toBeUndefined();
    expect(result.nodeResults.get('after')?.status).toBe('upstream_failed');
    expect(result.timedOut).toBe(1);
  });

  it('nodeTimeoutMs applies to every node, and a timed-out attempt is retried', async () => {
    vi.useFakeTimers();
    const seen = new Map<string, AbortSignal>();
    let attempts = 0;
    const running = new DAGExecutor(independent(['a']), {
      nodeTimeoutMs: 10,
      retry: { maxAttempts: 2, initialDelayMs: 5, jitter: 0 },
    }).execute({
      a: (ctx) => (attempts++, untilAborted(seen)(ctx)),
    });
    await vi.advanceTimersByTimeAsync(10);
    expect(attempts).toBe(1);
    await vi.advanceTimersByTimeAsync(5);
    expect(attempts).toBe(2);
    await vi.advanceTimersByTimeAsync(10);
    const result = await running;
    expect(result.nodeResults.get('a')).toMatchObject({ status: 'timed_out', attempts: 2 });
  });

  it('a run timeout ends running nodes timed_out, the rest cancelled', async () => {
    vi.useFakeTimers();
    const seen = new Map<string, AbortSignal>();
    const dag = DAG.builder().addEdge('slow', 'after').addNode('quick').build();
    const running = new DAGExecutor(dag, { timeoutMs: 100 }).execute({
      slow: untilAborted(seen),
      after: () => 1,
      quick: () => 2,
    });
    await vi.advanceTimersByTimeAsync(99);
    expect(seen.get('slow')?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const result = await running;
    expect(result.status).toBe('failed');
    expect(result.nodeResults.get('slow')?.status).toBe('timed_out');
    expect(result.nodeResults.get('after')?.status).toBe('cancelled');
    expect(result.nodeResults.get('quick')?.status).toBe('succeeded');
    expect((seen.get('slow')?.reason as TributaryError).code).toBe('RUN_TIMEOUT');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('aborting the signal passed to execute cancels the run; running tasks see signal.aborted', async () => {
    const seen = new Map<string, AbortSignal>();
    let started!: () => void;
    const bothStarted = new Promise<void>((resolve) => (started = resolve));
    const wait = untilAborted(seen);
    const task: TaskFn = (ctx) => {
      const p = wait(ctx);
      if (seen.size === 2) started();
      return p;
    };
    const controller = new AbortController();
    const dag = DAG.builder().addEdge('a', 'after').addNode('b').build();
    const running = new DAGExecutor(dag).execute(
      { a: task, b: task, after: () => 1 },
      { signal: controller.signal },
    );
    await bothStarted;
    controller.abort();
    const result = await running;
    expect(result.status).toBe('cancelled');
    expect(result.cancelled).toBe(3);
    for (const name of ['a', 'b']) {
      expect(seen.get(name)?.aborted).toBe(true);
      expect((seen.get(name)?.reason as TributaryError).code).toBe('RUN_CANCELLED');
      expect(result.nodeResults.get(name)?.status).toBe('cancelled');
    }
  });

  it('an already aborted signal runs nothing', async () => {
    let ran = 0;
    const result = await new DAGExecutor(independent(['a', 'b'])).execute(
      { a: () => ran++, b: () => ran++ },
      { signal: AbortSignal.abort() },
    );
    expect(ran).toBe(0);
    expect(result.status).toBe('cancelled');
    expect(result.cancelled).toBe(2);
  });

  it.each([true, false])(
    'failFast = %s: a critical failure cancels the rest only when set',
    async (failFast) => {
      const seen = new Map<string, AbortSignal>();
      const dag = DAG.builder().addEdge('slow', 'after').addNode('bad').build();
      const result = await new DAGExecutor(dag, { failFast }).execute({
        slow: (ctx) => {
          seen.set('slow', ctx.signal);
          return new Promise((resolve) => {
            ctx.signal.addEventListener('abort', () => resolve('aborted'));
            setImmediate(() => resolve('done'));
          });
        },
        bad: () => {
          throw new Error('bad');
        },
        after: () => 'after',
      });
      expect(result.status).toBe('failed');
      expect(seen.get('slow')?.aborted).toBe(failFast);
      expect(result.nodeResults.get('slow')?.status).toBe(failFast ? 'cancelled' : 'succeeded');
      expect(result.nodeResults.get('after')?.status).toBe(failFast ? 'cancelled' : 'succeeded');
    },
  );

  it('failFast ignores a non-critical failure', async () => {
    const dag = DAG.builder()
      .addEdge('a', 'b')
      .addNode('optional', { payload: { critical: false } })
      .build();
    const result = await new DAGExecutor(dag, { failFast: true }).execute({
      a: async () => (await tick(), 'a'),
      b: () => 'b',
      optional: () => {
        throw new Error('meh');
      },
    });
    expect(result.status).toBe('partially_succeeded');
    expect(result.succeeded).toBe(2);
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
    // Roots become ready while the engine is built, before the driver attaches the hooks.
    expect(transitions).toEqual([
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

describe('mapExpander', () => {
  const dag = () => DAG.builder().addEdge('list', 'merge').build();

  it('fans out one node per item, named by its stable key, each getting its item as input', async () => {
    const inputs: unknown[] = [];
    let merged: Record<string, unknown> = {};
    const result = await new DynamicExecutor(dag(), {
      expanders: {
        list: mapExpander({
          task: (ctx) => (inputs.push(ctx.input), (ctx.input as { id: string }).id.toUpperCase()),
          key: (f: { id: string }) => f.id,
          dependents: ['merge'],
        }),
      },
    }).execute({
      list: () => [{ id: 'b' }, { id: 'a' }],
      merge: (ctx) => {
        merged = Object.fromEntries(ctx.upstreamResults);
      },
    });
    expect(result.status).toBe('succeeded');
    expect(inputs).toEqual([{ id: 'b' }, { id: 'a' }]);
    expect(merged).toEqual({ list: [{ id: 'b' }, { id: 'a' }], 'list[b]': 'B', 'list[a]': 'A' });
    expect(result.modifications[0]).toMatchObject({
      reason: 'map over 2 items of "list"',
      diff: { addedNodes: ['list[b]', 'list[a]'] },
    });
  });

  it('uses `items` and `name`, and passes the other options to every node', async () => {
    const result = await new DynamicExecutor(dag(), {
      expanders: {
        list: mapExpander({
          task: 'work',
          items: (r) => (r as { files: string[] }).files,
          key: (f: string) => f.replace('.', '_'),
          name: (key, parent) => `${parent}_${key}`,
          critical: false,
        }),
      },
    }).execute({
      list: () => ({ files: ['x.csv'] }),
      work: () => {
        throw new Error('bad file');
      },
      merge: () => 'm',
    });
    expect(result.nodeResults.get('list_x_csv')?.status).toBe('failed');
    expect(result.status).toBe('partially_succeeded');
  });

  it('an empty list adds nothing and the run goes on', async () => {
    const result = await new DynamicExecutor(dag(), {
      expanders: { list: mapExpander({ task: () => 1, key: String, dependents: ['merge'] }) },
    }).execute({
      list: () => [],
      merge: () => 'm',
    });
    expect(result.succeeded).toBe(2);
  });

  it('duplicate keys are rejected as DUPLICATE_NODE and fail the mapped node', async () => {
    const result = await new DynamicExecutor(dag(), {
      expanders: {
        list: mapExpander({
          task: () => 1,
          key: (s: string) => s.toLowerCase(),
          dependents: ['merge'],
        }),
      },
    }).execute({
      list: () => ['A', 'a'],
      merge: () => 'm',
    });
    expect(result.modifications[0]).toMatchObject({
      outcome: 'rejected',
      error: { code: 'DUPLICATE_NODE' },
    });
    expect(result.nodeResults.get('list')?.status).toBe('failed');
    expect(result.nodeResults.get('merge')?.status).toBe('upstream_failed');
    expect(result.graph.hasNode('list[a]')).toBe(false);
  });

  it('a result that is not an array fails the node', async () => {
    const result = await new DynamicExecutor(dag(), {
      expanders: { list: mapExpander({ task: () => 1, key: String }) },
    }).execute({
      list: () => ({ not: 'a list' }),
      merge: () => 'm',
    });
    const error = result.nodeResults.get('list')?.error as TributaryError;
    expect(error.code).toBe('EXPANDER_FAILED');
    expect((error.cause as TributaryError).code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('{"not":"a list"}');
    expect(result.nodeResults.get('merge')?.status).toBe('upstream_failed');
  });
});
