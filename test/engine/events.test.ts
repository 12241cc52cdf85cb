import { describe, expect, it } from 'vitest';
import { eventNodeState, type RunEvent } from '../../src/engine/events.js';
import type { NodeState } from '../../src/engine/node-state.js';
import { engineOf, start, stateOf } from './harness.js';

const error = new Error('boom');

describe('eventNodeState', () => {
  it.each<[string, RunEvent, NodeState | undefined]>([
    ['a start', { type: 'task_started', node: 'a', attempt: 1, at: 0 }, 'running'],
    ['a success', { type: 'task_succeeded', node: 'a', attempt: 1, at: 0, result: 1 }, 'succeeded'],
    ['a failure', { type: 'task_failed', node: 'a', attempt: 1, at: 0, error }, 'failed'],
    [
      'a timeout',
      { type: 'task_failed', node: 'a', attempt: 1, at: 0, error, timedOut: true },
      'timed_out',
    ],
    [
      'a failure with a retry due (a timeout too)',
      { type: 'task_failed', node: 'a', attempt: 1, at: 0, error, retryAt: 9, timedOut: true },
      'retrying',
    ],
    ['a retry due', { type: 'task_retry_due', node: 'a', at: 0 }, 'ready'],
    ['an interrupted attempt', { type: 'task_interrupted', node: 'a', attempt: 1, at: 0 }, 'ready'],
    [
      'a modification',
      { type: 'graph_modified', at: 0, actor: 'cli', modification: {} },
      undefined,
    ],
    ['a cancellation', { type: 'run_cancelled', at: 0, reason: 'cancelled' }, undefined],
  ])('%s', (_label, event, expected) => {
    expect(eventNodeState(event)).toBe(expected);
  });

  it('is the state the engine puts the node into', () => {
    const events: RunEvent[] = [
      { type: 'task_failed', node: 'a', attempt: 1, at: 1, error, retryAt: 5 },
      { type: 'task_retry_due', node: 'a', at: 5 },
    ];
    const engine = engineOf(['a']);
    start(engine, 'a');
    for (const event of events) {
      engine.apply(event);
      expect(stateOf(engine, 'a')).toBe(eventNodeState(event));
    }
    start(engine, 'a');
    const timeout: RunEvent = {
      type: 'task_failed',
      node: 'a',
      attempt: 2,
      at: 9,
      error,
      timedOut: true,
    };
    engine.apply(timeout);
    expect(stateOf(engine, 'a')).toBe(eventNodeState(timeout));
  });
});
