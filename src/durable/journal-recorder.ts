import type { Codec } from '../codec/index.js';
import {
  isTerminal,
  type EngineObserver,
  type ModificationRecord,
  type NodeState,
  type RunEngine,
  type RunEvent,
} from '../engine/index.js';
import type { Journal } from './journal.js';
import type { InfoEntry } from './journal-entry.js';

/**
 * States the journal records as `node_settled` (the ones no input event names directly), and
 * `pending` when a clear or a mark reopens a finished node (the only way out of a terminal state).
 */
const SETTLED: ReadonlySet<NodeState> = new Set<NodeState>([
  'skipped',
  'upstream_failed',
  'cancelled',
  'failed',
  'timed_out',
]);

/**
 * The engine observer of a durable run: it turns every applied input event into a journal
 * entry, followed by what the engine derived while applying it (terminal states no event
 * names, modification records), so the journal alone tells the story. It relies on the
 * engine's guarantee that `onEvent` fires after every transition the event caused.
 *
 * It also takes snapshots: one costs O(graph), so one is taken only after at least
 * max(`snapshotEvery`, 2 × graph size) entries, which keeps its cost O(1) per entry and bounds
 * what a resume replays. None is taken of a finished engine: no event follows (only the
 * `run_finished` entry), so it could only shorten the replay of a run that crashed between its
 * last event and that entry, and it would cost O(graph) at the end of every run whose length is
 * about twice its graph (every run without retries). The bound on a replay still holds: a
 * postponed snapshot is due at the engine's last event, after which nothing is replayed.
 */
export class JournalRecorder implements EngineObserver {
  readonly #journal: Journal;
  readonly #engine: RunEngine;
  readonly #codec: Codec;
  readonly #snapshotEvery: number;
  readonly #now: () => number;
  readonly #derived: InfoEntry[] = [];
  #sinceSnapshot = 0;

  constructor(
    journal: Journal,
    engine: RunEngine,
    codec: Codec,
    snapshotEvery: number,
    now: () => number,
  ) {
    this.#journal = journal;
    this.#engine = engine;
    this.#codec = codec;
    this.#snapshotEvery = snapshotEvery;
    this.#now = now;
  }

  onTransition(id: number, from: NodeState, to: NodeState): void {
    if (SETTLED.has(to) || (to === 'pending' && isTerminal(from))) {
      this.#derived.push({
        type: 'node_settled',
        node: this.#engine.graph.nameOf(id),
        state: to,
        at: this.#now(),
      });
    }
  }

  onModification(record: ModificationRecord): void {
    this.#derived.push({ type: 'modification', at: record.at, record });
  }

  onEvent(event: RunEvent): void {
    const journal = this.#journal;
    journal.append(event);
    const derived = this.#derived;
    for (let i = 0; i < derived.length; i++) journal.append(derived[i]!);
    this.#sinceSnapshot += 1 + derived.length;
    derived.length = 0;
    if (
      this.#sinceSnapshot >= Math.max(this.#snapshotEvery, 2 * this.#engine.graph.nodeCount) &&
      !this.#engine.isFinished
    ) {
      this.#sinceSnapshot = 0;
      journal.snapshot(this.#codec.encode(this.#engine.snapshot()));
    }
  }
}
