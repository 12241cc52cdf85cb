import type { ModificationRecord, NodeState, RunEvent, RunStatus } from '../engine/index.js';

/**
 * Entries the journal keeps besides the engine's input events, so that the journal alone tells
 * the story (the audit trail, `show`) without loading the definition. Replay skips them: they
 * are derived, and replay re-derives them.
 */
export type InfoEntry =
  | {
      readonly type: 'node_settled';
      readonly node: string;
      readonly state: NodeState;
      readonly at: number;
    }
  | { readonly type: 'modification'; readonly at: number; readonly record: ModificationRecord }
  | { readonly type: 'run_finished'; readonly at: number; readonly status: RunStatus };

/** One journal record. */
export type JournalEntry = RunEvent | InfoEntry;

const INFO_TYPES: ReadonlySet<string> = new Set(['node_settled', 'modification', 'run_finished']);

/** True for the entries replay feeds to the engine. */
export function isRunEvent(entry: JournalEntry): entry is RunEvent {
  return !INFO_TYPES.has(entry.type);
}

/** The node an entry concerns, if any (indexed by the store for queries). */
export function entryNode(entry: JournalEntry): string | undefined {
  return 'node' in entry ? entry.node : undefined;
}
