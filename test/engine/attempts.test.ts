import { describe, expect, it } from 'vitest';
import { jsonCodec } from '../../src/codec/codec.js';
import type { TributaryError } from '../../src/errors/index.js';
import { RunEngine, type EngineSnapshot } from '../../src/engine/run-engine.js';
import { engineOf, graphOf, start } from './harness.js';

/** Attempt history: the current attempt's own start, and every failed attempt with its times. */

const flaky = new Error('flaky');

describe('attempt history', () => {
  it('a success after a failed attempt clears the error; the failure stays in the history', () => {
    const engine = engineOf(['a']);
    const a = engine.graph.idOf('a')!;
    start(engine, 'a', 10);
    engine.apply({
      type: 'task_failed',
      node: 'a',
      attempt: 1,
      at: 15,
      error: flaky,
      retryAt: 100,
    });
    expect(engine.errorOf(a)).toBe(flaky);
    engine.apply({ type: 'task_retry_due', node: 'a', at: 100 });
    start(engine, 'a', 100);
    expect(engine.attemptStartedAt(a)).toBe(100);
    engine.apply({ type: 'task_succeeded', node: 'a', attempt: 2, at: 130, result: 'ok' });
    expect(engine.stateOf(a)).toBe('succeeded');
    expect(engine.errorOf(a)).toBeUndefined();
    expect(engine.failedAttemptsOf(a)).toEqual([
      { attempt: 1, startedAt: 10, finishedAt: 15, error: flaky, timedOut: false },
    ]);
    expect(engine.startedAt(a)).toBe(10);
    expect(engine.attemptStartedAt(a)).toBe(100);
    expect(engine.finishedAt(a)).toBe(130);
  });

  it('a node that fails for good keeps every failure, the final one last and as its error', () => {
    const engine = engineOf(['a']);
    const a = engine.graph.idOf('a')!;
    const last = new Error('slow');
    start(engine, 'a', 0);
    engine.apply({ type: 'task_failed', node: 'a', attempt: 1, at: 5, error: flaky, retryAt: 6 });
    engine.apply({ type: 'task_retry_due', node: 'a', at: 6 });
    start(engine, 'a', 7);
    engine.apply({
      type: 'task_failed',
      node: 'a',
      attempt: 2,
      at: 9,
      error: last,
      timedOut: true,
    });
    expect(engine.stateOf(a)).toBe('timed_out');
    expect(engine.errorOf(a)).toBe(last);
    expect(engine.failedAttemptsOf(a)).toEqual([
      { attempt: 1, startedAt: 0, finishedAt: 5, error: flaky, timedOut: false },
      { attempt: 2, startedAt: 7, finishedAt: 9, error: last, timedOut: true },
    ]);
  });

  it('an attempt lost with its process is no failure; the next attempt starts its own clock', () => {
    const engine = engineOf(['a']);
    const a = engine.graph.idOf('a')!;
    start(engine, 'a', 0);
    engine.apply({ type: 'task_interrupted', node: 'a', attempt: 1, at: 5_000 });
    start(engine, 'a', 5_000);
    engine.apply({ type: 'task_succeeded', node: 'a', attempt: 2, at: 5_040, result: 1 });
    expect(engine.failedAttemptsOf(a)).toEqual([]);
    expect(engine.startedAt(a)).toBe(0);
    expect(engine.attemptStartedAt(a)).toBe(5_000);
  });

  it('a success whose modification is rejected is a failed attempt', () => {
    const engine = engineOf(['a']);
    const a = engine.graph.idOf('a')!;
    start(engine, 'a', 1);
    engine.apply({
      type: 'task_succeeded',
      node: 'a',
      attempt: 1,
      at: 2,
      result: 1,
      modification: { removeNodes: ['ghost'] },
    });
    const [failure] = engine.failedAttemptsOf(a);
    expect(failure).toMatchObject({ attempt: 1, startedAt: 1, finishedAt: 2, timedOut: false });
    expect((failure!.error as TributaryError).code).toBe('MODIFICATION_REJECTED');
    expect(failure!.error).toBe(engine.errorOf(a));
  });

  it('only nodes that fail have a history: a run without failures keeps none', () => {
    const names = Array.from({ length: 500 }, (_, i) => `n${i}`);
    const engine = new RunEngine(graphOf(names));
    for (let next = engine.startNext(0); next; next = engine.startNext(0))
      engine.apply({ type: 'task_succeeded', node: next.name, attempt: 1, at: 1, result: 0 });
    expect(engine.snapshot().failedAttempts).toEqual([]);
  });

  it('the history and attempt starts survive a snapshot', () => {
    const engine = engineOf(['a', 'b']);
    start(engine, 'a', 3);
    engine.apply({ type: 'task_failed', node: 'a', attempt: 1, at: 4, error: flaky, retryAt: 9 });
    engine.apply({ type: 'task_retry_due', node: 'a', at: 9 });
    start(engine, 'b', 9);
    start(engine, 'a', 10);
    const stored = jsonCodec.decode(jsonCodec.encode(engine.snapshot())) as EngineSnapshot;
    const restored = RunEngine.restore(stored, {}, () => undefined);
    const a = restored.graph.idOf('a')!;
    expect(restored.attemptStartedAt(a)).toBe(10);
    expect(restored.startedAt(a)).toBe(3);
    expect(restored.failedAttemptsOf(a)).toMatchObject([
      { attempt: 1, startedAt: 3, finishedAt: 4, timedOut: false, error: { message: 'flaky' } },
    ]);
    // A later failure extends the restored history, not the original's.
    restored.apply({ type: 'task_failed', node: 'a', attempt: 2, at: 11, error: flaky });
    expect(restored.failedAttemptsOf(a)).toHaveLength(2);
    expect(engine.failedAttemptsOf(engine.graph.idOf('a')!)).toHaveLength(1);
  });
});
