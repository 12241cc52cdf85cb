import { describe, expect, it } from 'vitest';
import { DAG } from '../../src/graph/dag.js';
import { DAGExecutor } from '../../src/executor/dag-executor.js';
import { YIELD_STEPS } from '../../src/executor/run-driver.js';
import type { TaskFn } from '../../src/executor/types.js';

// The driver hands the event loop back while fast tasks run, and enforces deadlines against
// tasks that block the thread. Verdicts rest on counts and on order, never on how long
// something took: a blocking task below blocks until a fixed time has passed, by construction.

function chain(n: number): DAG {
  const builder = DAG.builder();
  for (let i = 1; i < n; i++) builder.addEdge(`n${i - 1}`, `n${i}`);
  return builder.build();
}

/** Every node of `dag` runs `task`. */
function tasksFor(dag: DAG, task: TaskFn): Map<string, TaskFn> {
  return new Map(dag.nodeNames().map((name) => [name, task]));
}

/** Block the thread until `ms` have passed. */
function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy: what a CPU-bound task does
  }
}

describe('fast tasks do not starve the event loop', () => {
  it.each([
    ['async no-op tasks', async () => undefined],
    ['sync no-op tasks', () => undefined],
  ])('a callback queued before a run of %s runs while the run is in progress', async (_, task) => {
    const dag = chain(5 * YIELD_STEPS);
    let done = 0;
    let doneWhenCalled = -1;
    setImmediate(() => (doneWhenCalled = done));
    const result = await new DAGExecutor(dag, {
      maxWorkers: 1,
      hooks: { onTransition: (_n, _f, to) => void (to === 'succeeded' && done++) },
    }).execute(tasksFor(dag, task));
    expect(result.status).toBe('succeeded');
    expect(doneWhenCalled).toBeGreaterThanOrEqual(0);
    expect(doneWhenCalled).toBeLessThan(dag.nodeCount);
  });

  it('an abort from another macrotask cancels a run of fast async tasks midway', async () => {
    const dag = chain(10 * YIELD_STEPS);
    const controller = new AbortController();
    setImmediate(() => controller.abort());
    const result = await new DAGExecutor(dag, { maxWorkers: 4 }).execute(
      tasksFor(dag, async () => undefined),
      { signal: controller.signal },
    );
    expect(result.status).toBe('cancelled');
    expect(result.succeeded).toBeGreaterThan(0);
    expect(result.cancelled).toBeGreaterThan(0);
  });
});

describe('deadlines against blocking tasks', () => {
  it('a task that blocks past the run deadline ends timed_out itself; nothing starts after it', async () => {
    const dag = DAG.builder().addEdge('blocker', 'next').addEdge('next', 'last').build();
    const started: string[] = [];
    const result = await new DAGExecutor(dag, { timeoutMs: 250 }).execute({
      blocker: (ctx) => {
        started.push(ctx.node);
        block(600);
        return 'done late';
      },
      next: async (ctx) => void started.push(ctx.node),
      last: async (ctx) => void started.push(ctx.node),
    });
    expect(started).toEqual(['blocker']);
    expect(result.status).toBe('failed');
    expect(result.nodeResults.get('blocker')).toMatchObject({ status: 'timed_out' });
    expect(result.nodeResults.get('blocker')?.result).toBeUndefined();
    expect(result.nodeResults.get('next')?.status).toBe('cancelled');
    expect(result.nodeResults.get('last')?.status).toBe('cancelled');
  });

  it('an async task that blocks past the run deadline is the one timed out, not the next node', async () => {
    const dag = DAG.builder().addEdge('blocker', 'next').build();
    const started: string[] = [];
    const result = await new DAGExecutor(dag, { timeoutMs: 250 }).execute({
      blocker: async (ctx) => {
        started.push(ctx.node);
        block(600);
        return 'done late';
      },
      next: async (ctx) => {
        started.push(ctx.node);
        await new Promise((r) => setTimeout(r, 5));
      },
    });
    expect(started).toEqual(['blocker']);
    expect(result.nodeResults.get('blocker')?.status).toBe('timed_out');
    expect(result.nodeResults.get('next')?.status).toBe('cancelled');
  });

  it('an attempt that returns after its own timeoutMs is timed_out, its result dropped, and its retry policy applies', async () => {
    const dag = DAG.builder()
      .addNode('slow', {
        payload: { timeoutMs: 20, retry: { maxAttempts: 2, initialDelayMs: 0 } },
      })
      .build();
    const attempts: number[] = [];
    const result = await new DAGExecutor(dag).execute({
      slow: (ctx) => {
        attempts.push(ctx.attempt);
        if (ctx.attempt === 1) block(50);
        return `attempt ${ctx.attempt}`;
      },
    });
    expect(attempts).toEqual([1, 2]);
    expect(result.nodeResults.get('slow')).toMatchObject({
      status: 'succeeded',
      result: 'attempt 2',
      attempts: 2,
    });
  });

  it('without a retry the blocking attempt ends the node timed_out with TASK_TIMEOUT', async () => {
    const dag = DAG.builder()
      .addNode('slow', { payload: { timeoutMs: 20 } })
      .build();
    const result = await new DAGExecutor(dag).execute({ slow: () => (block(50), 'late') });
    const node = result.nodeResults.get('slow')!;
    expect(node.status).toBe('timed_out');
    expect(node.error).toMatchObject({ code: 'TASK_TIMEOUT' });
  });
});
