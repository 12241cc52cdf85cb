import { jsonCodec, type Codec } from '../codec/index.js';
import type {
  Commit,
  Durability,
  LogLine,
  NewAssetEvent,
  NewTrigger,
  RequestOutcome,
  RunStore,
  StoredEvent,
} from '../store/index.js';
import { fastEntryJson } from './journal-encoding.js';
import { entryNode, type JournalEntry } from './journal-entry.js';

/** Results whose encoding is larger than this go to the artifact area by reference. */
export const DEFAULT_ARTIFACT_THRESHOLD = 256 * 1024;
/** A group commit holds at most this many journal entries... */
export const DEFAULT_COMMIT_ENTRIES = 1_000;
/** ...and at most about this many characters of entries and log lines. */
export const DEFAULT_COMMIT_BYTES = 1024 * 1024;

/** What a succeeding attempt hands over through the journal (see {@link Journal.stage}). */
export interface StagedHandoff {
  readonly triggers: readonly NewTrigger[];
  readonly assets: readonly NewAssetEvent[];
}

/** Options of a {@link Journal}. */
export interface JournalOptions {
  /** The fence of the owner's lease: every commit carries it (`LEASE_LOST` once superseded). */
  readonly fence: number;
  readonly durability?: Durability;
  readonly threshold?: number;
  readonly maxEntries?: number;
  readonly maxBytes?: number;
  /** Called once with the first failed commit; nothing is committed after it. */
  readonly onFailure?: (error: unknown) => void;
}

/**
 * The write side of a run's journal. `append` encodes at once (later mutation of a result cannot
 * change what was recorded) and buffers. The buffer is committed as one transaction (a group
 * commit) at the end of the event-loop turn, or at once when it reaches `maxEntries` entries or
 * `maxBytes` characters, so a commit is always bounded; the run driver hands the event loop
 * back at least every millisecond, which bounds a commit's age too. Commits are chained in
 * order, so the stored journal is always a prefix of what happened: a crash loses at most the
 * commits in flight. Log lines and request outcomes ride in the same commits. A failed commit
 * is kept in `failure` and stops further commits.
 */
export class Journal {
  readonly #store: RunStore;
  readonly #runId: string;
  readonly #codec: Codec;
  readonly #fence: number;
  readonly #durability: Durability | undefined;
  readonly #threshold: number;
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #onFailure: (error: unknown) => void;
  #buffer: StoredEvent[] = [];
  #logs: LogLine[] = [];
  #requests: RequestOutcome[] = [];
  #triggers: NewTrigger[] = [];
  #assets: NewAssetEvent[] = [];
  /** What an attempt hands over (triggers, asset events), by node, until its success entry is appended. */
  readonly #staged = new Map<string, { attempt: number } & StagedHandoff>();
  #bytes = 0;
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
    options: JournalOptions,
  ) {
    this.#store = store;
    this.#runId = runId;
    this.#codec = codec;
    this.#nextSeq = nextSeq;
    this.#fence = options.fence;
    this.#durability = options.durability;
    this.#threshold = options.threshold ?? DEFAULT_ARTIFACT_THRESHOLD;
    this.#maxEntries = options.maxEntries ?? DEFAULT_COMMIT_ENTRIES;
    this.#maxBytes = options.maxBytes ?? DEFAULT_COMMIT_BYTES;
    this.#onFailure = options.onFailure ?? (() => undefined);
  }

  get failure(): unknown {
    return this.#failure;
  }

  /** Encode and buffer one entry. */
  append(entry: JournalEntry): void {
    let body: string;
    const fast = this.#codec === jsonCodec ? fastEntryJson(entry) : undefined;
    if (fast !== undefined) {
      body = fast;
    } else if (entry.type === 'task_succeeded' && entry.result !== undefined) {
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
    if (this.#staged.size > 0 && entry.type === 'task_succeeded') {
      // An attempt's hand-over goes in the commit that holds its success, whatever splits commits.
      const staged = this.#staged.get(entry.node);
      if (staged !== undefined) {
        this.#staged.delete(entry.node);
        if (staged.attempt === entry.attempt) {
          this.#triggers.push(...staged.triggers);
          this.#assets.push(...staged.assets);
        }
      }
    }
    const seq = this.#nextSeq++;
    const type = entry.type;
    const at = entry.at;
    this.#buffer.push(node === undefined ? { seq, type, at, body } : { seq, type, node, at, body });
    this.#added(body.length);
  }

  /**
   * Hold what a succeeding attempt hands over (the triggers it fired, its asset events) until
   * its `task_succeeded` entry is appended: they are committed with it, or never (an attempt
   * whose success does not reach the journal).
   */
  stage(node: string, attempt: number, handoff: StagedHandoff): void {
    this.#staged.set(node, { attempt, ...handoff });
  }

  /** Buffer a task's log line; it is committed with the entries around it. */
  log(line: LogLine): void {
    this.#logs.push(line);
    this.#added(line.message.length + (line.fields?.length ?? 0) + 64);
  }

  /** Record that the entries appended since the last commit dealt with a request. */
  complete(outcome: RequestOutcome): void {
    this.#requests.push(outcome);
    this.#added(outcome.outcome.length);
  }

  #added(bytes: number): void {
    this.#bytes += bytes;
    if (this.#buffer.length >= this.#maxEntries || this.#bytes >= this.#maxBytes) {
      void this.flush();
    } else if (!this.#scheduled) {
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
    const logs = this.#logs;
    const requests = this.#requests;
    const triggers = this.#triggers;
    const assets = this.#assets;
    const artifacts = this.#artifacts;
    const snapshot = this.#snapshot;
    this.#buffer = [];
    this.#logs = [];
    this.#requests = [];
    this.#triggers = [];
    this.#assets = [];
    this.#artifacts = [];
    this.#bytes = 0;
    this.#snapshot = undefined;
    if (events.length === 0 && logs.length === 0 && requests.length === 0 && run === undefined)
      return this.#flushing;
    const commit: Commit = {
      events,
      fence: this.#fence,
      ...(run === undefined ? {} : { run }),
      ...(logs.length === 0 ? {} : { logs }),
      ...(requests.length === 0 ? {} : { requests }),
      ...(triggers.length === 0 ? {} : { triggers }),
      ...(assets.length === 0 ? {} : { assets }),
      ...(this.#durability === undefined ? {} : { durability: this.#durability }),
    };
    this.#flushing = this.#flushing.then(async () => {
      if (this.#failure !== undefined) return;
      try {
        for (const [key, body] of artifacts) await this.#store.putArtifact(this.#runId, key, body);
        await this.#store.commit(this.#runId, commit);
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
