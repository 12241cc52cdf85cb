import type {
  Commit,
  RunFilter,
  RunRecord,
  RunStore,
  RunSummary,
  StoredEvent,
} from '../run-store.js';
import { checkAppend, runExists, runNotFound } from '../errors.js';

/**
 * An in-memory {@link RunStore}: the reference backend for the conformance suite and for tests.
 * Nothing survives the process.
 *
 * @example
 * ```ts
 * const store = new MemoryStore();
 * ```
 */
export class MemoryStore implements RunStore {
  readonly kind = 'memory';
  readonly #runs = new Map<string, RunRecord>();
  readonly #events = new Map<string, StoredEvent[]>();
  readonly #artifacts = new Map<string, string>();
  readonly #snapshots = new Map<string, { seq: number; body: string }>();

  async createRun(record: RunRecord): Promise<void> {
    if (this.#runs.has(record.runId)) throw runExists(record.runId);
    this.#runs.set(record.runId, { ...record });
    this.#events.set(record.runId, []);
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const run = this.#runs.get(runId);
    return run === undefined ? undefined : { ...run };
  }

  async listRuns(filter: RunFilter = {}): Promise<RunSummary[]> {
    return [...this.#runs.values()]
      .filter(
        (r) =>
          (filter.dagId === undefined || r.dagId === filter.dagId) &&
          (filter.status === undefined || r.status === filter.status),
      )
      .sort((a, b) => b.createdAt - a.createdAt || (a.runId < b.runId ? 1 : -1))
      .slice(0, filter.limit ?? 50)
      .map(({ graph: _graph, ...summary }) => summary);
  }

  async commit(runId: string, commit: Commit): Promise<void> {
    const run = this.#runs.get(runId);
    const journal = this.#events.get(runId);
    if (run === undefined || journal === undefined) throw runNotFound(runId);
    checkAppend(runId, journal.length + 1, commit.events);
    journal.push(...commit.events.map((e) => ({ ...e })));
    // As in every backend: undefined fields are left alone, and owner '' clears the owner.
    const next: Record<string, unknown> = { ...run, updatedAt: Date.now() };
    for (const [key, value] of Object.entries(commit.run ?? {})) {
      if (value === undefined) continue;
      if (key === 'owner' && value === '') delete next.owner;
      else next[key] = value;
    }
    this.#runs.set(runId, next as unknown as RunRecord);
  }

  async loadEvents(runId: string, afterSeq = 0): Promise<StoredEvent[]> {
    const journal = this.#events.get(runId);
    if (journal === undefined) throw runNotFound(runId);
    return journal.slice(afterSeq);
  }

  async isCancelRequested(runId: string): Promise<boolean> {
    return this.#runs.get(runId)?.cancelRequestedAt !== undefined;
  }

  async requestCancel(runId: string, at: number): Promise<void> {
    const run = this.#runs.get(runId);
    if (run === undefined) throw runNotFound(runId);
    this.#runs.set(runId, { ...run, cancelRequestedAt: at, updatedAt: Date.now() });
  }

  async putSnapshot(runId: string, seq: number, body: string): Promise<void> {
    if (!this.#runs.has(runId)) throw runNotFound(runId);
    const current = this.#snapshots.get(runId);
    if (current === undefined || current.seq < seq) this.#snapshots.set(runId, { seq, body });
  }

  async getSnapshot(runId: string): Promise<{ seq: number; body: string } | undefined> {
    return this.#snapshots.get(runId);
  }

  async putArtifact(runId: string, key: string, body: string): Promise<void> {
    this.#artifacts.set(`${runId}\u0000${key}`, body);
  }

  async getArtifact(runId: string, key: string): Promise<string | undefined> {
    return this.#artifacts.get(`${runId}\u0000${key}`);
  }

  async close(): Promise<void> {}
}
