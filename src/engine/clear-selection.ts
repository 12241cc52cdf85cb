import { TributaryError } from '../errors/index.js';
import { isOpen, type NodeState } from './node-state.js';
import type { RunEngine } from './run-engine.js';

/** Which nodes of a run a clear reopens. */
export interface ClearSelection {
  /** The nodes to start from; default every node of the run. */
  readonly nodes?: readonly string[];
  /** Also every node below them. */
  readonly downstream?: boolean;
  /** Also every node above them. */
  readonly upstream?: boolean;
  /** Keep only nodes that did not succeed: failed, timed out, upstream failed or cancelled. */
  readonly failedOnly?: boolean;
}

const NOT_SUCCEEDED: ReadonlySet<NodeState> = new Set<NodeState>([
  'failed',
  'timed_out',
  'upstream_failed',
  'cancelled',
]);

/**
 * The names a clear of `selection` lists, in the run's id order: every node selected that is
 * not open (finished ones are reopened; a running one makes the clear fail with `NODE_ACTIVE`,
 * so a clear never silently leaves a selected node out). `UNKNOWN_NODE` for a name the run does
 * not have. O(V + E) at most.
 *
 * @example
 * ```ts
 * const nodes = clearSelection(engine, { nodes: ['load'], downstream: true, failedOnly: true });
 * engine.apply({ type: 'nodes_cleared', at: Date.now(), actor: 'cli:ana', nodes });
 * ```
 */
export function clearSelection(engine: RunEngine, selection: ClearSelection = {}): string[] {
  const graph = engine.graph;
  const picked = new Uint8Array(graph.idLimit);
  const frontier: number[] = [];
  if (selection.nodes === undefined) {
    for (const id of graph.ids()) picked[id] = 1;
  } else {
    for (const name of selection.nodes) {
      const id = graph.idOf(name);
      if (id === undefined) {
        throw new TributaryError('UNKNOWN_NODE', `The run has no node "${name}"`, {
          context: { node: name, received: name },
        });
      }
      if (picked[id] === 1) continue;
      picked[id] = 1;
      frontier.push(id);
    }
  }
  const reach = (next: (id: number) => readonly number[]): void => {
    const stack = [...frontier];
    const seen = new Uint8Array(graph.idLimit);
    for (const id of frontier) seen[id] = 1;
    while (stack.length > 0) {
      for (const other of next(stack.pop()!)) {
        if (seen[other] === 1) continue;
        seen[other] = 1;
        picked[other] = 1;
        stack.push(other);
      }
    }
  };
  if (selection.downstream === true) reach((id) => graph.successorIds(id));
  if (selection.upstream === true) reach((id) => graph.predecessorIds(id));
  const names: string[] = [];
  for (const id of graph.ids()) {
    if (picked[id] !== 1) continue;
    const state = engine.stateOf(id);
    if (isOpen(state)) continue;
    if (selection.failedOnly === true && !NOT_SUCCEEDED.has(state)) continue;
    names.push(graph.nameOf(id));
  }
  return names;
}
