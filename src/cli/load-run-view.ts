import {
  codecOf,
  loadJournal,
  viewRun,
  type JournalEntry,
  type RunView,
} from '../durable/index.js';
import { runNotFound, type RunStore } from '../store/index.js';

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
  // Decoded with the codec the run was written with (UNKNOWN_CODEC for a custom one).
  const entries = await loadJournal(store, runId, codecOf(run, undefined));
  return { entries, view: viewRun(run, entries) };
}
