import type { Codec } from '../codec/codec.js';
import type { Commit, RunStore, StoredEvent } from '../store/run-store.js';
import { entryNode, type JournalEntry } from './journal-entry.js';

/** Results whose encoding is larger than this go to the artifact area by reference. */
export const DEFAULT_ARTIFACT_THRESHOLD = 256 * 1024;

/**
 * The write side of a run's journal. `append` encodes at once (later mutation of a result cannot
 * change what was recorded) and buffers; the buffer is committed as one transaction per
 * scheduler tick (group commit), in order, so the stored journal is always a prefix of what
 * happened. A failed commit is kept in `failure` and stops further commits.
 */
export class Journal {
  readonly #store: RunStore;
  readonly #runId: string;
  readonly #codec: Codec;
  readonly #threshold: number;
  readonly #onFailure: (error: unknown) => void;
  #buffer: StoredEvent[] = [];
  #artifacts: [string, string][] = [];
  #nextSeq: number;
  #scheduled = false;
  #flushing: Promise<void> = Promise.resolve();
  #failure: unknown;
  #snapshot: { seq: number; body: string } | undefined;

  constructor(
    store: RunStore,
    runId: string,
    codec: Codec,
    nextSeq: number,
    options: { threshold?: number; onFailure?: (error: unknown) => void } = {},
  ) {
    this.#store = store;
    this.#runId = runId;
    this.#codec = codec;
    this.#nextSeq = nextSeq;
    this.#threshold = options.threshold ?? DEFAULT_ARTIFACT_THRESHOLD;
    this.#onFailure = options.onFailure ?? (() => undefined);
  }

  get failure(): unknown {
    return this.#failure;
  }

  /** Encode and buffer one entry; the commit happens at the end of the current tick. */
  append(entry: JournalEntry): void {
    let body: string;
    if (entry.type === 'task_succeeded' && entry.result !== undefined) {
      const result = this.#codec.encode(entry.result);
      if (result.length > this.#threshold) {
        const key = `${entry.node}#${entry.attempt}`;
        this.#artifacts.push([key, result]);
        body = this.#codec.encode({ ...entry, result: undefined, resultRef: key });
      } else {
        body = this.#codec.encode(entry);
      }
    } else if (entry.type === 'task_succeeded') {
      // An undefined result is simply absent: the entry stays plain JSON, cheap to decode.
      const { result: _undefined, ...rest } = entry;
      body = this.#codec.encode(rest);
    } else if (entry.type === 'task_failed') {
      body = this.#encodeFailure(entry);
    } else {
      body = this.#codec.encode(entry);
    }
    const node = entryNode(entry);
    this.#buffer.push({
      seq: this.#nextSeq++,
      type: entry.type,
      ...(node === undefined ? {} : { node }),
      at: entry.at,
      body,
    });
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        void this.flush();
      });
    }
  }

  /**
   * A failure carries the task's own error object; one the codec cannot encode (a cycle in its
   * context or causes) is recorded as its name, message and code, never breaking the run.
   */
  #encodeFailure(entry: Extract<JournalEntry, { type: 'task_failed' }>): string {
    try {
      return this.#codec.encode(entry);
    } catch {
      const { name, message } = entry.error;
      const code = (entry.error as { code?: unknown }).code;
      const error = Object.assign(
        new Error(message),
        { name },
        typeof code === 'string' ? { code } : {},
      );
      return this.#codec.encode({ ...entry, error });
    }
  }

  /**
   * Store `body` (an encoded engine snapshot taken now) as the state after the last appended
   * entry, once that entry is committed.
   */
  snapshot(body: string): void {
    this.#snapshot = { seq: this.#nextSeq - 1, body };
  }

  /** Commit everything buffered (plus run fields), after any commit already in flight. */
  flush(run?: Commit['run']): Promise<void> {
    const events = this.#buffer;
    const artifacts = this.#artifacts;
    const snapshot = this.#snapshot;
    this.#buffer = [];
    this.#artifacts = [];
    this.#snapshot = undefined;
    if (events.length === 0 && run === undefined) return this.#flushing;
    this.#flushing = this.#flushing.then(async () => {
      if (this.#failure !== undefined) return;
      try {
        for (const [key, body] of artifacts) await this.#store.putArtifact(this.#runId, key, body);
        await this.#store.commit(this.#runId, run === undefined ? { events } : { events, run });
        // After the commit that holds its last entry: a snapshot never runs ahead of the journal.
        if (snapshot !== undefined)
          await this.#store.putSnapshot(this.#runId, snapshot.seq, snapshot.body);
      } catch (error) {
        this.#failure = error;
        this.#onFailure(error);
      }
    });
    return this.#flushing;
  }
}
