import { describe, expect, it } from 'vitest';
import { clearSelection } from '../../src/engine/clear-selection.js';
import type { RunEngine } from '../../src/engine/run-engine.js';
import {
  catchError,
  engineOf,
  fail,
  snapshot,
  start,
  stateOf,
  states,
  succeed,
} from './harness.js';

const clear = (engine: RunEngine, nodes: readonly string[], at = 10): void =>
  engine.apply({ type: 'nodes_cleared', at, actor: 'cli:ana', nodes });

/** a -> b -> c, where b failed and c never ran. */
function failedChain(): RunEngine {
  const engine = engineOf(['a', 'b', 'c'], ['a>b', 'b>c']);
  start(engine, 'a');
  succeed(engine, 'a', 1);
  start(engine, 'b');
  fail(engine, 'b');
  expect(engine.status).toBe('failed');
  return engine;
}

describe('clears', () => {
  it('reopen a failed node and its downstream: they run again as the next attempt, history kept', () => {
    const engine = failedChain();
    const nodes = clearSelection(engine, { nodes: ['b'], downstream: true });
    expect(nodes).toEqual(['b', 'c']);
    clear(engine, nodes);
    expect(states(engine)).toEqual({ a: 'succeeded', b: 'ready', c: 'pending' });
    expect(engine.status).toBe('running');
    expect(engine.errorOf(engine.graph.idOf('b')!)).toBeUndefined();
    expect(start(engine, 'b')).toBe(2);
    succeed(engine, 'b', 2);
    start(engine, 'c');
    succeed(engine, 'c', 3);
    expect(engine.status).toBe('succeeded');
    expect(engine.failedAttemptsOf(engine.graph.idOf('b')!).map((f) => f.attempt)).toEqual([1]);
    // Each node is in the terminal order once, at its last finish.
    expect(engine.terminalOrder.map((id) => engine.graph.nameOf(id))).toEqual(['a', 'b', 'c']);
  });

  it('without its downstream, a cleared node runs again and its finished children stay', () => {
    const engine = engineOf(['a', 'b'], ['a>b']);
    start(engine, 'a');
    succeed(engine, 'a', 1);
    start(engine, 'b');
    succeed(engine, 'b', 2);
    clear(engine, clearSelection(engine, { nodes: ['a'] }));
    expect(states(engine)).toEqual({ a: 'ready', b: 'succeeded' });
    start(engine, 'a');
    succeed(engine, 'a', 5);
    expect(engine.status).toBe('succeeded');
    expect(engine.resultOf(engine.graph.idOf('b')!)).toBe(2);
  });

  it('are refused, changing nothing, for running nodes, running children, unknown nodes, nodes that changed the graph and lists with nothing finished', () => {
    const engine = engineOf(['a', 'b', 'x'], ['a>b']);
    start(engine, 'a');
    engine.apply({
      type: 'task_succeeded',
      node: 'a',
      attempt: 1,
      at: 1,
      result: 1,
      modification: { addNodes: [{ name: 'a2', dependencies: ['a'] }] },
    });
    start(engine, 'x');
    const before = JSON.stringify(snapshot(engine));
    expect(catchError(() => clear(engine, ['x'])).code).toBe('NODE_ACTIVE');
    expect(catchError(() => clear(engine, ['a'])).code).toBe('NOT_CLEARABLE');
    expect(catchError(() => clear(engine, ['b'])).code).toBe('NOT_CLEARABLE'); // not finished
    expect(catchError(() => clear(engine, ['nope'])).code).toBe('UNKNOWN_NODE');
    expect(catchError(() => clearSelection(engine, { nodes: ['nope'] })).code).toBe('UNKNOWN_NODE');
    expect(JSON.stringify(snapshot(engine))).toBe(before);
    // b runs on a's outcome, so a may not change; x, a finished leaf, may be cleared.
    succeed(engine, 'x', 1);
    engine.apply({ type: 'task_started', node: 'b', attempt: 1, at: 3 });
    const during = JSON.stringify(snapshot(engine));
    const busy = catchError(() => clear(engine, ['x', 'b']));
    expect(busy.code).toBe('NODE_ACTIVE');
    expect(JSON.stringify(snapshot(engine))).toBe(during);
    clear(engine, ['x']);
    expect(stateOf(engine, 'x')).toBe('ready');
  });

  it('of a stopped run lift the stop once nothing the stop cancelled stays cancelled', () => {
    const engine = engineOf(['a', 'b', 'c'], ['a>b']);
    start(engine, 'a');
    engine.apply({ type: 'run_cancelled', at: 2, reason: 'cancelled' });
    expect(engine.status).toBe('cancelled');
    clear(engine, clearSelection(engine, { nodes: ['a'] }));
    // b and c are still cancelled: the run stays stopped.
    expect(engine.cancelReason).toBe('cancelled');
    clear(engine, clearSelection(engine, { failedOnly: true }));
    expect(engine.cancelReason).toBeUndefined();
    expect(states(engine)).toEqual({ a: 'ready', b: 'pending', c: 'ready' });
  });

  it('select upstream through every path, not only through the selected downstream', () => {
    // d -> c -> b, a -> c: upstream of b is c, a and d.
    const engine = engineOf(['a', 'b', 'c', 'd'], ['a>c', 'd>c', 'c>b']);
    for (const name of ['a', 'd', 'c', 'b']) {
      start(engine, name);
      succeed(engine, name, 1);
    }
    expect(clearSelection(engine, { nodes: ['a', 'b'], downstream: true, upstream: true })).toEqual(
      ['a', 'b', 'c', 'd'],
    );
    expect(clearSelection(engine, { nodes: ['c'], upstream: true })).toEqual(['a', 'c', 'd']);
    expect(clearSelection(engine, { failedOnly: true })).toEqual([]);
  });
});

describe('marks', () => {
  it('of a failed node as succeeded decide again what its failure settled, with the given result', () => {
    const engine = failedChain();
    engine.apply({
      type: 'node_marked',
      node: 'b',
      at: 7,
      actor: 'cli:ana',
      state: 'succeeded',
      result: 42,
    });
    expect(states(engine)).toEqual({ a: 'succeeded', b: 'succeeded', c: 'ready' });
    expect(engine.resultOf(engine.graph.idOf('b')!)).toBe(42);
    start(engine, 'c');
    succeed(engine, 'c', 1);
    expect(engine.status).toBe('succeeded');
  });

  it('of an open node settle it: failed carries MARKED_FAILED, skipped skips its children', () => {
    const engine = engineOf(['a', 'b', 'c'], ['a>b', 'b>c']);
    engine.apply({
      type: 'node_marked',
      node: 'b',
      at: 1,
      actor: 'cli:ana',
      state: 'failed',
      reason: 'bad data',
    });
    expect(states(engine)).toEqual({ a: 'ready', b: 'failed', c: 'upstream_failed' });
    const error = engine.errorOf(engine.graph.idOf('b')!) as Error & { code?: string };
    expect(error.code).toBe('MARKED_FAILED');
    expect(error.message).toBe('Marked failed by cli:ana: bad data');
    engine.apply({ type: 'node_marked', node: 'b', at: 2, actor: 'cli:ana', state: 'skipped' });
    expect(states(engine)).toEqual({ a: 'ready', b: 'skipped', c: 'skipped' });
  });

  it('in a stopped run change the node only: nothing below is decided again', () => {
    const engine = engineOf(['a', 'b', 'c', 'x'], ['a>b', 'b>c']);
    start(engine, 'a');
    succeed(engine, 'a', 1);
    start(engine, 'b');
    fail(engine, 'b');
    engine.apply({ type: 'run_cancelled', at: 3, reason: 'cancelled' });
    engine.apply({ type: 'node_marked', node: 'b', at: 7, actor: 'cli:ana', state: 'succeeded' });
    expect(states(engine)).toEqual({
      a: 'succeeded',
      b: 'succeeded',
      c: 'upstream_failed',
      x: 'cancelled',
    });
    expect(engine.status).toBe('cancelled');
  });

  it('are refused for a running node and for an unknown state', () => {
    const engine = engineOf(['a']);
    start(engine, 'a');
    expect(
      catchError(() =>
        engine.apply({ type: 'node_marked', node: 'a', at: 1, actor: 'x', state: 'succeeded' }),
      ).code,
    ).toBe('NODE_ACTIVE');
    succeed(engine, 'a', 1);
    const bad = catchError(() =>
      engine.apply({
        type: 'node_marked',
        node: 'a',
        at: 1,
        actor: 'x',
        state: 'cancelled' as 'failed',
      }),
    );
    expect(bad.code).toBe('INVALID_ARGUMENT');
    expect(bad.message).toContain('`cancelled`');
    expect(stateOf(engine, 'a')).toBe('succeeded');
  });
});
