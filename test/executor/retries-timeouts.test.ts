import { afterEach, describe, expect, it, vi } from 'vitest';
import { NonRetryableError, TributaryError } from '../../src/errors/index.js';
import { DAG } from '../../src/graph/dag.js';
import { DAGExecutor, DynamicExecutor } from '../../src/executor/dag-executor.js';
import type { TaskFn } from '../../src/executor/types.js';
import { independent, tick, untilAborted } from './helpers.js';

// Retries, node and run timeouts, cancellation and fail-fast. Time is always a fake clock here,
// or not involved at all: verdicts rest on attempt counters, states and signals.

afterEach(() => {
  vi.useRealTimers();
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
    ['a non-retryable TributaryError', new TributaryError('INVALID_ARGUMENT', 'bad input')],
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

  it('cancelling while a node waits to retry ends it at once and leaves no timer behind', async () => {
    vi.useFakeTimers();
    let attempts = 0;
    const controller = new AbortController();
    const running = new DAGExecutor(independent(['a']), {
      retry: { maxAttempts: 3, initialDelayMs: 1_000 },
    }).execute(
      {
        a: () => {
          attempts++;
          throw new Error('flaky');
        },
      },
      { signal: controller.signal },
    );
    await vi.advanceTimersByTimeAsync(10);
    expect(vi.getTimerCount()).toBe(1);
    controller.abort();
    const result = await running;
    expect(attempts).toBe(1);
    expect(result.status).toBe('cancelled');
    expect(result.nodeResults.get('a')).toMatchObject({ status: 'cancelled', attempts: 1 });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a modification still being computed when the run is cancelled is never applied', async () => {
    const controller = new AbortController();
    let expanding!: () => void;
    const started = new Promise<void>((resolve) => (expanding = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const dag = DAG.builder().addEdge('discover', 'merge').build();
    const running = new DynamicExecutor(dag, {
      expanders: {
        discover: async () => {
          expanding();
          await gate;
          return { addNodes: [{ name: 'late', task: () => 1, dependencies: ['discover'] }] };
        },
      },
    }).execute({ discover: () => ['x'], merge: () => 'm' }, { signal: controller.signal });
    await started;
    controller.abort();
    const result = await running;
    release();
    await tick();
    expect(result.status).toBe('cancelled');
    expect(result.nodeResults.get('discover')?.status).toBe('cancelled');
    expect(result.modifications).toHaveLength(0);
    expect(result.graph.hasNode('late')).toBe(false);
  });

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

describe('errors from another copy of the library', () => {
  /** What `new NonRetryableError(...)` of another copy (a second install, dist beside src) makes. */
  function foreignNonRetryable(message: string): Error {
    class NonRetryableError extends Error {}
    const error = new NonRetryableError(message);
    error.name = 'NonRetryableError';
    Object.defineProperty(error, Symbol.for('tributary.non-retryable-error'), { value: true });
    return error;
  }

  it('are recognised by instanceof, so a foreign NonRetryableError is not retried', async () => {
    const error = foreignNonRetryable('credentials rejected');
    expect(error instanceof NonRetryableError).toBe(true);
    expect(new Error('plain') instanceof NonRetryableError).toBe(false);
    expect(new TributaryError('INVALID_ARGUMENT', 'x') instanceof NonRetryableError).toBe(false);
    let attempts = 0;
    const result = await new DAGExecutor(independent(['a']), {
      retry: { maxAttempts: 3, initialDelayMs: 0 },
    }).execute({
      a: () => {
        attempts++;
        throw foreignNonRetryable('credentials rejected');
      },
    });
    expect(attempts).toBe(1);
    expect(result.nodeResults.get('a')?.status).toBe('failed');
  });
});
