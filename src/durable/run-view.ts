import type { NodeState } from '../engine/node-state.js';
import type { ModificationRecord } from '../engine/modification.js';
import type { RunRecord } from '../store/run-store.js';
import type { JournalEntry } from './journal-entry.js';

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
 * added by applied modifications, minus removed ones. Ready nodes show as `pending` (readiness
 * is not journaled). O(entries).
 */
export function viewRun(run: RunRecord, entries: readonly JournalEntry[]): RunView {
  const nodes = new Map<string, NodeView>();
  const graph = JSON.parse(run.graph) as { nodes: { name: string }[] };
  for (const { name } of graph.nodes)
    nodes.set(name, { name, state: 'pending', attempts: 0, dynamic: false });
  const modifications: ModificationRecord[] = [];
  for (const entry of entries) {
    switch (entry.type) {
      case 'modification':
        modifications.push(entry.record);
        if (entry.record.outcome === 'applied') {
          for (const name of entry.record.diff.removedNodes) nodes.delete(name);
          for (const name of entry.record.diff.addedNodes)
            nodes.set(name, { name, state: 'pending', attempts: 0, dynamic: true });
        }
        break;
      case 'task_started': {
        const node = nodes.get(entry.node);
        if (node !== undefined) {
          node.state = 'running';
          node.attempts = entry.attempt;
          node.startedAt ??= entry.at;
        }
        break;
      }
      case 'task_succeeded':
        settle(nodes, entry.node, 'succeeded', entry.at);
        break;
      case 'task_failed': {
        const node = settle(
          nodes,
          entry.node,
          entry.retryAt === undefined
            ? entry.timedOut === true
              ? 'timed_out'
              : 'failed'
            : 'retrying',
          entry.at,
        );
        if (node !== undefined) node.error = errorText(entry.error);
        break;
      }
      case 'task_interrupted':
        settle(nodes, entry.node, 'pending', entry.at);
        break;
      case 'node_settled':
        settle(nodes, entry.node, entry.state, entry.at);
        break;
      default:
        break;
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
  if (state !== 'pending' && state !== 'retrying' && state !== 'running') node.finishedAt = at;
  return node;
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
