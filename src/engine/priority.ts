import type { RunGraph } from '../graph/index.js';
import type { NodeState } from './node-state.js';
import type { EdgeSpec, NodeSpec } from './node-spec.js';

/**
 * Ready-queue keys. A key orders ready nodes: explicit `priority` first, then bottom level, the
 * number of nodes on the longest path from the node to a leaf (nodes on the critical path of
 * the remaining graph first). Both live in one number so the heap compares one field:
 * `key = priority * 2^22 + min(bottomLevel, 2^22 - 1)`.
 */
const PRIORITY_SCALE = 2 ** 22;

/** The part of a run graph the level computations read. */
type LevelGraph = Pick<
  RunGraph<NodeSpec, EdgeSpec>,
  'orderOf' | 'successorIds' | 'predecessorIds' | 'data'
>;

/**
 * The ready-queue key of a node with this priority and bottom level.
 *
 * @example
 * ```ts
 * keyOf(undefined, 3) < keyOf(1, 1); // true: priority outranks any bottom level
 * ```
 */
export function keyOf(priority: number | undefined, bottomLevel: number): number {
  return (priority ?? 0) * PRIORITY_SCALE + Math.min(bottomLevel, PRIORITY_SCALE - 1);
}

/**
 * Fill `key[id]` for every id of `ids` (a whole graph). O(V + E): nodes are visited in reverse
 * maintained order, so every child's level is known before its parents'.
 *
 * @example
 * ```ts
 * const key: number[] = [];
 * computeBottomLevels(graph, [...graph.ids()], key);
 * ```
 */
export function computeBottomLevels(
  graph: LevelGraph,
  ids: readonly number[],
  key: number[],
): void {
  const sorted = [...ids].sort((a, b) => graph.orderOf(b) - graph.orderOf(a));
  const level: number[] = [];
  for (const id of sorted) {
    let best = 0;
    for (const child of graph.successorIds(id)) best = Math.max(best, level[child] ?? 0);
    level[id] = best + 1;
    key[id] = keyOf(graph.data(id).priority, best + 1);
  }
}

/**
 * Keys for nodes added by a modification, then raised through not-yet-started ancestors only:
 * nodes that already started no longer wait in the queue. Cost: the new nodes plus the pending
 * ancestors whose level actually grows.
 *
 * @example
 * ```ts
 * extendBottomLevels(graph, result.addedNodes, key, state);
 * ```
 */
export function extendBottomLevels(
  graph: LevelGraph,
  added: readonly number[],
  key: number[],
  state: readonly NodeState[],
): void {
  if (added.length === 0) return;
  const level = (id: number): number => key[id]! - keyOf(graph.data(id).priority, 0);
  const raise: number[] = [];
  const visit = (id: number): void => {
    let best = 0;
    const children = graph.successorIds(id);
    for (let i = 0; i < children.length; i++) best = Math.max(best, level(children[i]!));
    key[id] = keyOf(graph.data(id).priority, best + 1);
    // Only a pending parent is raised (below): others are not queued by their key any more.
    const parents = graph.predecessorIds(id);
    for (let i = 0; i < parents.length; i++)
      if (state[parents[i]!] === 'pending') raise.push(parents[i]!, best + 2);
  };
  if (inOrder(graph, added)) {
    for (let i = added.length - 1; i >= 0; i--) visit(added[i]!);
  } else {
    for (const id of [...added].sort((a, b) => graph.orderOf(b) - graph.orderOf(a))) visit(id);
  }
  while (raise.length > 0) {
    const min = raise.pop()!;
    const id = raise.pop()!;
    if (state[id] !== 'pending' || level(id) >= min) continue;
    key[id] = keyOf(graph.data(id).priority, min);
    for (const parent of graph.predecessorIds(id)) raise.push(parent, min + 1);
  }
}

/**
 * True when `ids` are in maintained order (earliest first), as a batch's new nodes usually are:
 * each took the next slot, and reorders keep a fan-out's relative order. Then they are visited
 * latest first without a sorted copy. O(n).
 */
function inOrder(graph: LevelGraph, ids: readonly number[]): boolean {
  for (let i = 1; i < ids.length; i++) {
    if (graph.orderOf(ids[i - 1]!) >= graph.orderOf(ids[i]!)) return false;
  }
  return true;
}
