import { afterEach, describe, expect, it, vi } from 'vitest';
import { RunEngine } from '../../src/engine/run-engine.js';
import { DAGExecutor, runGraphFromDag } from '../../src/executor/dag-executor.js';
import { ExecutionResult } from '../../src/executor/execution-result.js';
import { independent } from './helpers.js';

// NodeResult: the final outcome, the failed attempts, and the final attempt's own duration.
// Times come from events driven by hand or from a fake clock, never from the machine.

afterEach(() => {
  vi.useRealTimers();
});

const nodeResult = (engine: RunEngine, name: string) =>
  new ExecutionResult('r', engine, 0).nodeResults.get(name)!;

describe('node results', () => {
  it('a node that succeeds on a retry has no error; the failed attempt is in attemptErrors', async () => {
    vi.useFakeTimers();
    let attempts = 0;
    const running = new DAGExecutor(independent(['a']), {
      retry: { maxAttempts: 2, initialDelayMs: 100, jitter: 0 },
    }).execute({
      a: async () => {
        attempts++;
        if (attempts === 1) throw new Error('flaky');
        await new Promise((resolve) => setTimeout(resolve, 30));
        return 'ok';
      },
    });
    await vi.advanceTimersByTimeAsync(200);
    const a = (await running).nodeResults.get('a')!;
    expect(a).toMatchObject({ status: 'succeeded', result: 'ok', attempts: 2 });
    expect(a.error).toBeUndefined();
    expect(a.attemptErrors).toHaveLength(1);
    expect(a.attemptErrors[0]).toMatchObject({
      attempt: 1,
      timedOut: false,
      error: { message: 'flaky' },
    });
    // On the fake clock: the final attempt ran 30 ms, 100 ms after the first attempt failed.
    expect(a.durationMs).toBeCloseTo(30, 2);
    expect(a.finishedAt! - a.startedAt!).toBeCloseTo(130, 2);
    expect(a.attemptErrors[0]!.finishedAt).toBeLessThanOrEqual(a.finishedAt! - a.durationMs);
  });

  it('a node resumed after a crash counts its final attempt only, not the downtime', () => {
    const engine = new RunEngine(runGraphFromDag(independent(['a'])));
    engine.startNext(1_000);
    engine.apply({ type: 'task_interrupted', node: 'a', attempt: 1, at: 61_000 });
    engine.startNext(61_000);
    engine.apply({ type: 'task_succeeded', node: 'a', attempt: 2, at: 61_250, result: 1 });
    expect(nodeResult(engine, 'a')).toMatchObject({
      status: 'succeeded',
      durationMs: 250,
      startedAt: 1_000,
      finishedAt: 61_250,
      attempts: 2,
      attemptErrors: [],
      error: undefined,
    });
  });

  it('a node cancelled while it waits for a retry: its final attempt is the failed one', () => {
    const engine = new RunEngine(runGraphFromDag(independent(['a'])));
    const flaky = new Error('flaky');
    engine.startNext(0);
    engine.apply({
      type: 'task_failed',
      node: 'a',
      attempt: 1,
      at: 40,
      error: flaky,
      retryAt: 9e3,
    });
    engine.apply({ type: 'run_cancelled', at: 500, reason: 'cancelled' });
    expect(nodeResult(engine, 'a')).toMatchObject({
      status: 'cancelled',
      durationMs: 40,
      error: flaky,
      attemptErrors: [{ attempt: 1, startedAt: 0, finishedAt: 40, error: flaky, timedOut: false }],
      finishedAt: 500,
    });
  });

  it('a node that never started lasted 0 ms', () => {
    const engine = new RunEngine(runGraphFromDag(independent(['a'])));
    engine.apply({ type: 'run_cancelled', at: 5, reason: 'cancelled' });
    expect(nodeResult(engine, 'a')).toMatchObject({ durationMs: 0, startedAt: undefined });
  });
});
