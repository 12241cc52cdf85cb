import { describe, expect, it } from 'vitest';
import { TributaryError } from '../../src/errors/index.js';
import {
  assertTransition,
  isOpen,
  isTerminal,
  NodeState,
  TRANSITIONS,
} from '../../src/engine/node-state.js';

// The transition table, written out by hand: the test fails if the source table drifts from it.
const ALLOWED: Record<NodeState, readonly NodeState[]> = {
  pending: ['ready', 'skipped', 'upstream_failed', 'cancelled'],
  ready: ['running', 'waiting', 'pending', 'skipped', 'upstream_failed', 'cancelled'],
  running: ['succeeded', 'failed', 'timed_out', 'retrying', 'ready', 'cancelled'],
  waiting: ['succeeded', 'failed', 'skipped', 'cancelled'],
  retrying: ['ready', 'cancelled'],
  succeeded: [],
  failed: [],
  timed_out: [],
  skipped: [],
  upstream_failed: [],
  cancelled: [],
};

const ALL = Object.values(NodeState);
const TERMINAL: readonly NodeState[] = [
  'succeeded',
  'failed',
  'timed_out',
  'skipped',
  'upstream_failed',
  'cancelled',
];

function pairs(filter: (from: NodeState, to: NodeState) => boolean): [NodeState, NodeState][] {
  const out: [NodeState, NodeState][] = [];
  for (const from of ALL) for (const to of ALL) if (filter(from, to)) out.push([from, to]);
  return out;
}

describe('NodeState', () => {
  it('has exactly the eleven states, each mapped to its own name', () => {
    expect(ALL).toEqual([
      'pending',
      'ready',
      'running',
      'waiting',
      'retrying',
      'succeeded',
      'failed',
      'timed_out',
      'skipped',
      'upstream_failed',
      'cancelled',
    ]);
    for (const [key, value] of Object.entries(NodeState)) expect(value).toBe(key);
  });

  it('the transition table is exactly the hand-written one', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...ALL].sort());
    for (const from of ALL)
      expect([...TRANSITIONS[from]].sort()).toEqual([...ALLOWED[from]].sort());
  });

  it.each(pairs((from, to) => ALLOWED[from].includes(to)))('allows %s -> %s', (from, to) => {
    expect(() => assertTransition(from, to, 'n')).not.toThrow();
  });

  it.each([
    ['pending', 'running'],
    ['pending', 'succeeded'],
    ['pending', 'retrying'],
    ['pending', 'pending'],
    ['ready', 'succeeded'],
    ['ready', 'failed'],
    ['ready', 'retrying'],
    ['ready', 'ready'],
    ['running', 'pending'],
    ['running', 'skipped'],
    ['running', 'upstream_failed'],
    ['running', 'running'],
    ['waiting', 'running'],
    ['waiting', 'ready'],
    ['running', 'waiting'],
    ['retrying', 'running'],
    ['retrying', 'failed'],
    ['retrying', 'succeeded'],
    ['retrying', 'pending'],
    ['succeeded', 'running'],
    ['failed', 'retrying'],
    ['timed_out', 'ready'],
    ['skipped', 'pending'],
    ['upstream_failed', 'ready'],
    ['cancelled', 'running'],
  ] as [NodeState, NodeState][])(
    'forbids %s -> %s with INVALID_TRANSITION naming the node',
    (from, to) => {
      let caught: unknown;
      try {
        assertTransition(from, to, 'extract');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(TributaryError);
      const error = caught as TributaryError;
      expect(error.code).toBe('INVALID_TRANSITION');
      expect(error.message).toBe(`Node "extract" cannot go from ${from} to ${to}`);
      expect(error.context).toEqual({ node: 'extract', from, to });
    },
  );

  it('forbids every pair outside the table', () => {
    const forbidden = pairs((from, to) => !ALLOWED[from].includes(to));
    expect(forbidden).toHaveLength(ALL.length * ALL.length - 22);
    for (const [from, to] of forbidden)
      expect(() => assertTransition(from, to, 'n')).toThrow(TributaryError);
  });

  it('no state transitions to itself', () => {
    for (const state of ALL) expect(TRANSITIONS[state]).not.toContain(state);
  });

  it.each(TERMINAL)('%s is terminal: no way out of it', (state) => {
    expect(isTerminal(state)).toBe(true);
    expect(TRANSITIONS[state]).toEqual([]);
    for (const to of ALL) expect(() => assertTransition(state, to, 'n')).toThrow(TributaryError);
  });

  it('pending, ready, running and retrying are not terminal, and each can still end', () => {
    for (const state of ['pending', 'ready', 'running', 'retrying'] as const) {
      expect(isTerminal(state)).toBe(false);
      expect(TRANSITIONS[state]).toContain('cancelled');
    }
  });

  it('every state can reach a terminal state (nothing is stuck)', () => {
    for (const start of ALL) {
      const seen = new Set<NodeState>([start]);
      const stack = [start];
      while (stack.length > 0) {
        for (const next of TRANSITIONS[stack.pop()!]) {
          if (seen.has(next)) continue;
          seen.add(next);
          stack.push(next);
        }
      }
      expect([...seen].some((s) => isTerminal(s))).toBe(true);
    }
  });

  it('only pending and ready are open to modification', () => {
    expect(ALL.filter((s) => isOpen(s))).toEqual(['pending', 'ready']);
  });

  it('the happy path and the retry loop are allowed step by step', () => {
    const walk = (path: NodeState[]): void => {
      for (let i = 1; i < path.length; i++) assertTransition(path[i - 1]!, path[i]!, 'n');
    };
    expect(() => walk(['pending', 'ready', 'running', 'succeeded'])).not.toThrow();
    expect(() =>
      walk(['pending', 'ready', 'running', 'retrying', 'ready', 'running', 'timed_out']),
    ).not.toThrow();
    expect(() =>
      walk(['pending', 'ready', 'pending', 'ready', 'running', 'ready', 'running', 'failed']),
    ).not.toThrow();
  });
});
