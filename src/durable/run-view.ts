import {
  eventNodeState,
  isTerminal,
  type ModificationRecord,
  type NodeState,
} from '../engine/index.js';
import type { RunRecord } from '../store/index.js';
import { isRunEvent, type JournalEntry } from './journal-entry.js';

/** One node as the journal tells it. */
export interface NodeView {
  readonly name: string;
  state: NodeState;
  attempts: number;
  startedAt?: number;
  finishedAt?: number;
  error?: string;
  /** Added at runtime by a modification. */
  readonly dynamic: boolean;
}

/** A run as its journal tells it, without loading the definition module. */
export interface RunView {
  readonly run: RunRecord;
  readonly nodes: Map<string, NodeView>;
  readonly modifications: ModificationRecord[];
}

/**
 * Fold a journal into per-node states: the definition's nodes from the run record, plus nodes
 * added by applied modifications, minus removed ones. Each input event sets its node's state
 * with the engine's own mapping (`eventNodeState`); states the engine derived are journaled as
 * `node_settled`, and so are nodes a clear or a mark reopened (back to `pending`). Nodes made
 * ready by their parents show as `pending` (readiness is derived, not journaled). O(entries).
 */
export function viewRun(run: RunRecord, entries: readonly JournalEntry[]): RunView {
  const nodes = new Map<string, NodeView>();
  const graph = JSON.parse(run.graph) as { nodes: { name: string }[] };
  for (const { name } of graph.nodes)
    nodes.set(name, { name, state: 'pending', attempts: 0, dynamic: false });
  const modifications: ModificationRecord[] = [];
  for (const entry of entries) {
    if (entry.type === 'modification') {
      modifications.push(entry.record);
      if (entry.record.outcome === 'applied') {
        for (const name of entry.record.diff.removedNodes) nodes.delete(name);
        for (const name of entry.record.diff.addedNodes)
          nodes.set(name, { name, state: 'pending', attempts: 0, dynamic: true });
      }
      continue;
    }
    if (entry.type === 'node_settled') {
      settle(nodes, entry.node, entry.state, entry.at);
      continue;
    }

    if (!isRunEvent(entry) || !('node' in entry)) continue;
    // The engine's own mapping from an event to its node's state: one derivation.
    const node = settle(nodes, entry.node, eventNodeState(entry), entry.at);
    if (node === undefined) continue;
    if (entry.type === 'task_started') {
      node.attempts = entry.attempt;
      node.startedAt ??= entry.at;
    } else if (entry.type === 'node_waiting') {
      node.attempts += 1;
      node.startedAt ??= entry.at;
    } else if (entry.type === 'wait_ended') {
      if (entry.error !== undefined) node.error = errorText(entry.error);
    } else if (entry.type === 'task_failed') {
      node.error = errorText(entry.error);
    } else if (entry.type === 'task_succeeded') {
      delete node.error;
    } else if (entry.type === 'node_marked') {
      if (entry.state === 'failed') node.error = `MARKED_FAILED: marked failed by ${entry.actor}`;
      else delete node.error;
    }
  }
  return { run, nodes, modifications };
}

function settle(
  nodes: Map<string, NodeView>,
  name: string,
  state: NodeState,
  at: number,
): NodeView | undefined {
  const node = nodes.get(name);
  if (node === undefined) return undefined;
  node.state = state;
  if (isTerminal(state)) node.finishedAt = at;
  else if (state === 'pending') {
    // Reopened by a clear or a mark: it waits again; its attempts so far stay counted.
    delete node.finishedAt;
    delete node.error;
  }
  return node;
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
