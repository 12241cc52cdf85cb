import { describe, expect, it } from 'vitest';
import { DAG } from '../../src/graph/dag.js';
import { DAGExecutor } from '../../src/executor/dag-executor.js';
import { engineOf, fail, start, stateOf, states, succeed } from './harness.js';

/**
 * Cleanup nodes (`cleanup: true`): they run whatever happened upstream, never fail the run, and
 * fail-fast does not cancel them; an explicit cancellation or the run's timeout does.
 */

const cleanup = { cleanup: true } as const;

describe('cleanup nodes', () => {
  it('run after a failed parent: their rule defaults to all_done', () => {
    const engine = engineOf(
      ['load', 'publish', ['drop_tmp', cleanup]],
      ['load>publish', 'load>drop_tmp'],
    );
    start(engine, 'load');
    fail(engine, 'load');
    expect(stateOf(engine, 'publish')).toBe('upstream_failed');
    expect(stateOf(engine, 'drop_tmp')).toBe('ready');
  });

  it('keep an explicit rule', () => {
    const engine = engineOf(
      ['load', ['drop_tmp', { cleanup: true, triggerRule: 'all_success' }]],
      ['load>drop_tmp'],
    );
    start(engine, 'load');
    fail(engine, 'load');
    expect(stateOf(engine, 'drop_tmp')).toBe('upstream_failed');
  });

  it('are never critical: a failed cleanup makes the run partially_succeeded, not failed', () => {
    // Even when the spec says critical (the public checks refuse that; the engine ignores it).
    const engine = engineOf(
      ['load', ['drop_tmp', { cleanup: true, critical: true }]],
      ['load>drop_tmp'],
    );
    start(engine, 'load');
    succeed(engine, 'load');
    start(engine, 'drop_tmp');
    fail(engine, 'drop_tmp');
    expect(engine.status).toBe('partially_succeeded');
  });

  it('fail-fast cancels the rest but not a pending cleanup node, which runs once its parents are done', () => {
    const engine = engineOf(
      ['a', 'b', 'after_b', ['teardown', cleanup]],
      ['b>after_b', 'a>teardown', 'b>teardown'],
      { failFast: true },
    );
    start(engine, 'a');
    start(engine, 'b');
    fail(engine, 'a');
    expect(engine.cancelReason).toBe('fail_fast');
    expect(states(engine)).toEqual({
      a: 'failed',
      b: 'cancelled',
      after_b: 'cancelled',
      teardown: 'ready',
    });
    expect(engine.isFinished).toBe(false);
    start(engine, 'teardown');
    succeed(engine, 'teardown');
    expect(engine.isFinished).toBe(true);
    expect(engine.status).toBe('failed');
  });

  it('fail-fast leaves a running or retrying cleanup node alone', () => {
    const engine = engineOf(
      ['retry_me', 'runs', 'boom'].map((n) => [n, n === 'boom' ? {} : cleanup] as const),
      [],
      {
        failFast: true,
      },
    );
    start(engine, 'retry_me');
    start(engine, 'runs');
    start(engine, 'boom');
    engine.apply({
      type: 'task_failed',
      node: 'retry_me',
      attempt: 1,
      at: 0,
      error: new Error('x'),
      retryAt: 5,
    });
    fail(engine, 'boom');
    expect(states(engine)).toEqual({ retry_me: 'retrying', runs: 'running', boom: 'failed' });
    succeed(engine, 'runs');
    engine.apply({ type: 'task_retry_due', node: 'retry_me', at: 5 });
    start(engine, 'retry_me', 5);
    succeed(engine, 'retry_me');
    expect(engine.status).toBe('failed');
  });

  it.each([
    ['an explicit cancellation', 'cancelled', 'cancelled'],
    ['the run timeout', 'timeout', 'timed_out'],
  ] as const)('%s after fail-fast ends the cleanup nodes it spared', (_label, reason, running) => {
    const engine = engineOf(['a', ['t1', cleanup], ['t2', cleanup]], ['a>t2'], { failFast: true });
    start(engine, 'a');
    start(engine, 't1');
    engine.apply({ type: 'task_failed', node: 'a', attempt: 1, at: 1, error: new Error('x') });
    expect(states(engine)).toEqual({ a: 'failed', t1: 'running', t2: 'ready' });
    engine.apply({ type: 'run_cancelled', at: 2, reason });
    expect(states(engine)).toEqual({ a: 'failed', t1: running, t2: 'cancelled' });
    // The first reason stays the run's.
    expect(engine.cancelReason).toBe('fail_fast');
    expect(engine.status).toBe('failed');
  });

  it('an explicit cancellation cancels cleanup nodes like any other', () => {
    const engine = engineOf(['a', ['t', cleanup]], ['a>t']);
    start(engine, 'a');
    engine.apply({ type: 'run_cancelled', at: 1, reason: 'cancelled' });
    expect(states(engine)).toEqual({ a: 'cancelled', t: 'cancelled' });
    expect(engine.status).toBe('cancelled');
  });

  it('through the executor: a payload flag; the cleanup runs after a fail-fast failure', async () => {
    const dag = DAG.builder()
      .addEdge('extract', 'load')
      .addEdge('extract', 'drop_tmp')
      .addEdge('load', 'drop_tmp')
      .addNode('drop_tmp', { payload: { cleanup: true } })
      .build();
    const ran: string[] = [];
    const result = await new DAGExecutor(dag, { failFast: true }).execute({
      extract: () => {
        ran.push('extract');
        throw new Error('source down');
      },
      load: () => ran.push('load'),
      drop_tmp: () => ran.push('drop_tmp'),
    });
    expect(ran).toEqual(['extract', 'drop_tmp']);
    expect(result.nodeResults.get('load')?.status).toBe('cancelled');
    expect(result.nodeResults.get('drop_tmp')?.status).toBe('succeeded');
    expect(result.status).toBe('failed');
  });

  it('through the executor: a failing cleanup after a good run is partial success', async () => {
    const dag = DAG.builder()
      .addEdge('load', 'drop_tmp')
      .addNode('drop_tmp', { payload: { cleanup: true } })
      .build();
    const result = await new DAGExecutor(dag).execute({
      load: () => 1,
      drop_tmp: () => {
        throw new Error('tmp already gone');
      },
    });
    expect(result.status).toBe('partially_succeeded');
  });
});
