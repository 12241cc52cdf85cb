import { jsonCodec } from '../codec/codec.js';
import type { JournalEntry } from '../durable/journal-entry.js';
import { loadJournal } from '../durable/replay.js';
import { viewRun, type RunView } from '../durable/run-view.js';
import { runNotFound } from '../store/errors.js';
import type { RunStore } from '../store/run-store.js';

/**
 * A run's journal and the view folded from it; `RUN_NOT_FOUND` for an unknown id.
 *
 * @example
 * ```ts
 * const { view } = await loadRunView(store, runId);
 * view.run.status; // 'succeeded'
 * ```
 */
export async function loadRunView(
  store: RunStore,
  runId: string,
): Promise<{ entries: JournalEntry[]; view: RunView }> {
  const run = await store.getRun(runId);
  if (run === undefined) throw runNotFound(runId);
  const entries = await loadJournal(store, runId, jsonCodec);
  return { entries, view: viewRun(run, entries) };
}
