import { describeValue, TributaryError } from '../errors/index.js';
import { RunGraph, type RunGraphState } from '../graph/index.js';
import type { FailedAttempt } from './attempts.js';
import type { CancelReason } from './events.js';
import type { ModificationRecord } from './modification.js';
import { isOpen, type NodeState } from './node-state.js';
import type { EdgeSpec, NodeSpec } from './node-spec.js';
import type { ReadyQueueState } from './ready-queue.js';

/**
 * A `RunEngine` as plain data; see `RunEngine.snapshot`. Per-node columns are indexed by graph
 * id (removed ids included, so ids stay stable). Results and errors are kept as they are:
 * encode the snapshot with a codec to store it.
 *
 * Version 2 added `upstreamFailed`, `retryAt`, `attemptStartedAt` and `failedAttempts`. `RunEngine.restore` still
 * reads version 1 ({@link EngineSnapshotV1}).
 */
export interface EngineSnapshot {
  readonly version: 2;
  readonly graph: RunGraphState<NodeSpec, { label?: string }>;
  readonly state: readonly NodeState[];
  readonly succeeded: readonly number[];
  readonly failed: readonly number[];
  readonly skipped: readonly number[];
  /** Per node: its failed edges whose parent never ran to an outcome (upstream_failed, cancelled). */
  readonly upstreamFailed: readonly number[];
  readonly attempt: readonly number[];
  readonly result: readonly unknown[];
  readonly error: readonly (Error | null)[];
  /** When each node's first attempt started, -1 before. */
  readonly startedAt: readonly number[];
  /** When each node's current (or last) attempt started, -1 before. */
  readonly attemptStartedAt: readonly number[];
  readonly finishedAt: readonly number[];
  /** When each node is due again; meaningful only while the node is `retrying`. -1: never set. */
  readonly retryAt: readonly number[];
  readonly depth: readonly number[];
  readonly key: readonly number[];
  readonly terminalOrder: readonly number[];
  /** `[node id, its failed attempts oldest first]` for the nodes that failed at least once. */
  readonly failedAttempts: readonly (readonly [id: number, attempts: readonly FailedAttempt[]])[];
  readonly modifications: readonly ModificationRecord[];
  readonly counts: Readonly<Record<NodeState, number>>;
  readonly open: number;
  readonly criticalFailures: number;
  readonly otherFailures: number;
  readonly cancelReason: CancelReason | null;
  readonly now: number;
  readonly queue: ReadyQueueState;
}

/** The first snapshot format: no retry due times, no attempt history. */
export type EngineSnapshotV1 = Omit<
  EngineSnapshot,
  'version' | 'upstreamFailed' | 'retryAt' | 'attemptStartedAt' | 'failedAttempts'
> & {
  readonly version: 1;
};

/**
 * The engine's growable state, by reference: the engine hands its own private arrays to the
 * functions below (and keeps no reference to this object), so its hot paths keep reading
 * plain fields.
 */
export interface EngineColumns {
  readonly state: NodeState[];
  readonly succeeded: number[];
  readonly failed: number[];
  readonly skipped: number[];
  readonly upstreamFailed: number[];
  readonly attempt: number[];
  readonly result: unknown[];
  readonly error: (Error | undefined)[];
  readonly startedAt: number[];
  readonly attemptStartedAt: number[];
  readonly finishedAt: number[];
  readonly retryAt: number[];
  readonly depth: number[];
  readonly key: number[];
  readonly terminalOrder: number[];
  readonly failedAttempts: Map<number, FailedAttempt[]>;
  readonly modifications: ModificationRecord[];
  readonly counts: Record<NodeState, number>;
}

/** The engine's scalar state. */
export interface EngineScalars {
  readonly open: number;
  readonly criticalFailures: number;
  readonly otherFailures: number;
  readonly cancelReason: CancelReason | undefined;
  readonly now: number;
}

/**
 * Copy the engine's state into a snapshot. O(V + E).
 *
 * @example
 * ```ts
 * const snapshot = exportSnapshot(graph, columns, scalars, queue.exportState(isQueued));
 * ```
 */
export function exportSnapshot(
  graph: RunGraph<NodeSpec, EdgeSpec>,
  c: EngineColumns,
  s: EngineScalars,
  queue: ReadyQueueState,
): EngineSnapshot {
  return {
    version: 2,
    graph: graph.exportState((edge) =>
      edge.label === undefined ? undefined : { label: edge.label },
    ),
    state: [...c.state],
    succeeded: [...c.succeeded],
    failed: [...c.failed],
    skipped: [...c.skipped],
    upstreamFailed: [...c.upstreamFailed],
    attempt: [...c.attempt],
    // Array.from, not a spread: these columns have holes (nodes without a result or error).
    result: Array.from(c.result),
    error: Array.from(c.error, (e) => e ?? null),
    startedAt: [...c.startedAt],
    attemptStartedAt: [...c.attemptStartedAt],
    finishedAt: [...c.finishedAt],
    retryAt: [...c.retryAt],
    depth: [...c.depth],
    key: [...c.key],
    terminalOrder: [...c.terminalOrder],
    // Lists are copied: the engine appends to them on later failures.
    failedAttempts: Array.from(c.failedAttempts, ([id, list]) => [id, [...list]] as const),
    modifications: [...c.modifications],
    counts: { ...c.counts },
    open: s.open,
    criticalFailures: s.criticalFailures,
    otherFailures: s.otherFailures,
    cancelReason: s.cancelReason ?? null,
    now: s.now,
    queue,
  };
}

/**
 * Check a stored snapshot's version, bring an older format up to date, and rebuild its graph.
 * Edge conditions are code and are not in a snapshot: `condition(from, to)` gives them back.
 *
 * Version 1 snapshots get neutral values for what they lack: each open node's count of
 * upstream-failed or cancelled parents is recounted from the graph; a node that was `retrying` is due
 * at the snapshot's `now` (version 1 did not keep due times, so it is due at once, as it was
 * when such a snapshot was resumed before), every other node has no due time (-1); each node's
 * current attempt started at its first start (the best time version 1 knew), and no node has a
 * failed-attempt history (its `error` column still holds its latest error).
 *
 * @example
 * ```ts
 * const { snapshot, graph } = openSnapshot(stored, () => undefined);
 * ```
 */
export function openSnapshot(
  stored: EngineSnapshot | EngineSnapshotV1,
  condition: (from: string, to: string) => EdgeSpec['condition'],
): { readonly snapshot: EngineSnapshot; readonly graph: RunGraph<NodeSpec, EdgeSpec> } {
  const version: unknown = stored.version;
  if (version !== 1 && version !== 2) {
    throw new TributaryError(
      'SCHEMA_VERSION',
      `Unknown engine snapshot version ${describeValue(version)}; this version of Tributary reads versions 1 and 2`,
      { context: { received: version } },
    );
  }
  const graph = RunGraph.fromState<NodeSpec, EdgeSpec, { label?: string }>(
    stored.graph,
    (from, to, data) => {
      const cond = condition(from, to);
      if (cond === undefined && data?.label === undefined) return undefined;
      return {
        ...(cond === undefined ? {} : { condition: cond }),
        ...(data?.label === undefined ? {} : { label: data.label }),
      };
    },
  );
  const snapshot = stored.version === 2 ? stored : upgrade(stored, graph);
  return { snapshot, graph };
}

function upgrade(v1: EngineSnapshotV1, graph: RunGraph<NodeSpec, EdgeSpec>): EngineSnapshot {
  const state = v1.state;
  return {
    ...v1,
    version: 2,
    // Recounted from the parents for the nodes whose rule may still read it (open ones).
    upstreamFailed: state.map((own, id) => {
      if (!isOpen(own) || !graph.isLive(id)) return 0;
      let n = 0;
      for (const parent of graph.predecessorIds(id)) {
        if (state[parent] === 'upstream_failed' || state[parent] === 'cancelled') n++;
      }
      return n;
    }),
    retryAt: state.map((own) => (own === 'retrying' ? v1.now : -1)),
    attemptStartedAt: [...v1.startedAt],
    failedAttempts: [],
  };
}

/**
 * Fill an engine's (empty) columns from a snapshot and return its scalars. O(V).
 *
 * @example
 * ```ts
 * const scalars = importColumns(snapshot, columns);
 * ```
 */
export function importColumns(s: EngineSnapshot, c: EngineColumns): EngineScalars {
  append(c.state, s.state);
  append(c.succeeded, s.succeeded);
  append(c.failed, s.failed);
  append(c.skipped, s.skipped);
  append(c.upstreamFailed, s.upstreamFailed);
  append(c.attempt, s.attempt);
  append(c.result, s.result);
  append(
    c.error,
    s.error.map((e) => e ?? undefined),
  );
  append(c.startedAt, s.startedAt);
  append(c.attemptStartedAt, s.attemptStartedAt);
  append(c.finishedAt, s.finishedAt);
  append(c.retryAt, s.retryAt);
  append(c.depth, s.depth);
  append(c.key, s.key);
  append(c.terminalOrder, s.terminalOrder);
  for (const [id, list] of s.failedAttempts) c.failedAttempts.set(id, [...list]);
  append(c.modifications, s.modifications);
  Object.assign(c.counts, s.counts);
  return {
    open: s.open,
    criticalFailures: s.criticalFailures,
    otherFailures: s.otherFailures,
    cancelReason: s.cancelReason ?? undefined,
    now: s.now,
  };
}

/** Push every item (a spread of a million items would overflow the stack). */
function append<T>(target: T[], source: readonly T[]): void {
  for (let i = 0; i < source.length; i++) target.push(source[i]!);
}
