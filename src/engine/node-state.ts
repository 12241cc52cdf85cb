import { TributaryError } from '../errors/index.js';

/**
 * Node states. `pending → ready → running → succeeded | failed | timed_out`, with `retrying`
 * between attempts, `waiting` for a node that waits for a condition (a sensor) instead of
 * running (it holds no worker slot), `skipped` and `upstream_failed` decided by trigger rules,
 * and `cancelled` when the run stops. The last six are terminal.
 */
export const NodeState = {
  pending: 'pending',
  ready: 'ready',
  running: 'running',
  waiting: 'waiting',
  retrying: 'retrying',
  succeeded: 'succeeded',
  failed: 'failed',
  timed_out: 'timed_out',
  skipped: 'skipped',
  upstream_failed: 'upstream_failed',
  cancelled: 'cancelled',
} as const;

/** One of the {@link NodeState} strings. */
export type NodeState = (typeof NodeState)[keyof typeof NodeState];

/** States a node never leaves. */
export type TerminalState =
  'succeeded' | 'failed' | 'timed_out' | 'skipped' | 'upstream_failed' | 'cancelled';

/**
 * The one transition table. `ready → pending` happens when a modification gives a queued node a
 * new parent that has not finished; `running → ready` when a crashed attempt is re-run on resume.
 * Outside it, by hand only: a clear reopens a finished node (`→ pending`), a mark settles a
 * node that is not running.
 */
export const TRANSITIONS: Readonly<Record<NodeState, readonly NodeState[]>> = {
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

const ALLOWED = Object.fromEntries(
  Object.entries(TRANSITIONS).map(([from, targets]) => [from, new Set(targets)]),
) as unknown as Readonly<Record<NodeState, ReadonlySet<NodeState>>>;

const TERMINAL: ReadonlySet<NodeState> = new Set(
  (Object.keys(TRANSITIONS) as NodeState[]).filter((s) => TRANSITIONS[s].length === 0),
);

/**
 * True for a state a node never leaves.
 *
 * @example
 * ```ts
 * isTerminal('skipped'); // true
 * ```
 */
export function isTerminal(state: NodeState): state is TerminalState {
  return TERMINAL.has(state);
}

/**
 * True while a node has not been handed to a worker: only such a node may gain parents or be
 * removed by a modification.
 *
 * @example
 * ```ts
 * isOpen('ready'); // true
 * ```
 */
export function isOpen(state: NodeState): boolean {
  return state === 'pending' || state === 'ready';
}

/**
 * Throw `INVALID_TRANSITION` unless the table allows `from → to`.
 *
 * @example
 * ```ts
 * assertTransition('pending', 'ready', 'a'); // ok
 * ```
 */
export function assertTransition(from: NodeState, to: NodeState, node: string): void {
  if (!ALLOWED[from].has(to)) {
    throw new TributaryError(
      'INVALID_TRANSITION',
      `Node "${node}" cannot go from ${from} to ${to}`,
      { context: { node, from, to } },
    );
  }
}
