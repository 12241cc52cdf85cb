import type { StoredRunStatus } from '../run-store.js';
import { lowestCursor } from '../retention.js';
import { ChangeWaiters } from '../change-waiters.js';
import { unknownTrigger } from '../errors.js';
import type { Change, ChangeKind, FeedStore, WaitOptions } from '../feed.js';
import type {
  Fenced,
  NewTrigger,
  PausedDag,
  SchedulerStore,
  StoredTrigger,
  TriggerFilter,
  TriggerOutcome,
} from '../scheduler-state.js';
import {
  checkSignalKey,
  encodePayload,
  type SignalFilter,
  type SignalInput,
  type SignalStore,
  type StoredSignal,
} from '../signals.js';

/**
 * The change feed, signals and scheduler state of a {@link MemoryStore}. `checkFence` is the
 * store's check of a role lease's fence.
 */
export class MemorySchedulerTables implements SignalStore, FeedStore, SchedulerStore {
  /** In seq order; pruning may leave gaps below the lowest feed cursor. */
  #feed: Change[] = [];
  #lastSeq = 0;
  #signals: StoredSignal[] = [];
  #signalIds = 0;
  #triggerIds = 0;
  readonly #waiters = new ChangeWaiters();
  readonly #marks = new Map<string, string>();
  readonly #paused = new Map<string, PausedDag>();
  #triggers: StoredTrigger[] = [];
  readonly #checkFence: (fenced: Fenced) => void;

  constructor(checkFence: (fenced: Fenced) => void) {
    this.#checkFence = checkFence;
  }

  /** Append a change (the caller's write has been made). */
  record(
    kind: ChangeKind,
    subject: string,
    at: number,
    fields: { dagId?: string; periodKey?: string | undefined; status?: StoredRunStatus } = {},
  ): void {
    const change: Change = { seq: ++this.#lastSeq, kind, subject, at };
    for (const [key, value] of Object.entries(fields))
      if (value !== undefined) (change as unknown as Record<string, unknown>)[key] = value;
    this.#feed.push(change);
    this.#waiters.wake();
  }

  async feedHead(): Promise<number> {
    return this.#head();
  }

  /** The newest entry's seq: pruning never removes it. */
  #head(): number {
    return this.#feed.at(-1)?.seq ?? 0;
  }

  async changesSince(afterSeq: number, limit = 1000): Promise<Change[]> {
    // Binary search for the first seq > afterSeq: O(log n + limit).
    let lo = 0;
    let hi = this.#feed.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#feed[mid]!.seq <= afterSeq) lo = mid + 1;
      else hi = mid;
    }
    return this.#feed.slice(lo, lo + limit);
  }

  waitForChange(afterSeq: number, options: WaitOptions): Promise<boolean> {
    if (this.#head() > afterSeq) return Promise.resolve(true);
    return this.#waiters.wait(options);
  }

  async getMark(name: string): Promise<string | undefined> {
    return this.#marks.get(name);
  }

  async setMark(name: string, value: string, fenced?: Fenced): Promise<void> {
    if (fenced !== undefined) this.#checkFence(fenced);
    this.#marks.set(name, value);
  }

  async setPaused(dagId: string, paused: boolean, by: string, at: number): Promise<boolean> {
    if (this.#paused.has(dagId) === paused) return false;
    if (paused) this.#paused.set(dagId, { dagId, by, at });
    else this.#paused.delete(dagId);
    this.record(paused ? 'dag.paused' : 'dag.unpaused', dagId, at, { dagId });
    return true;
  }

  async pausedDags(): Promise<PausedDag[]> {
    return [...this.#paused.values()].sort((a, b) => (a.dagId < b.dagId ? -1 : 1));
  }

  async addTriggers(triggers: readonly NewTrigger[]): Promise<void> {
    this.pushTriggers(triggers);
  }

  /** Append to the outbox (also from a run's commit, after its checks passed). */
  pushTriggers(triggers: readonly NewTrigger[]): void {
    for (const trigger of triggers) {
      this.#triggers.push({ ...trigger, id: ++this.#triggerIds, state: 'pending' });
      this.record('trigger.added', trigger.dagId, trigger.at, {
        dagId: trigger.dagId,
        periodKey: trigger.periodKey,
      });
    }
  }

  async pendingTriggers(limit = 100): Promise<StoredTrigger[]> {
    return this.#triggers.filter((t) => t.state === 'pending').slice(0, limit);
  }

  async completeTrigger(id: number, outcome: TriggerOutcome, fenced?: Fenced): Promise<void> {
    if (fenced !== undefined) this.#checkFence(fenced);
    const i = this.#triggers.findIndex((t) => t.id === id);
    if (i < 0) throw unknownTrigger(id);
    this.#triggers[i] =
      'runId' in outcome
        ? { ...this.#triggers[i]!, state: 'done', runId: outcome.runId }
        : { ...this.#triggers[i]!, state: 'refused', reason: outcome.refused };
  }

  async listTriggers(filter: TriggerFilter = {}): Promise<StoredTrigger[]> {
    const out: StoredTrigger[] = [];
    for (let i = this.#triggers.length - 1; i >= 0 && out.length < (filter.limit ?? 50); i--) {
      const t = this.#triggers[i]!;
      if (filter.dagId !== undefined && t.dagId !== filter.dagId) continue;
      if (filter.state !== undefined && t.state !== filter.state) continue;
      out.push(t);
    }
    return out;
  }

  async setSignal(input: SignalInput): Promise<StoredSignal> {
    const periodKey = input.periodKey ?? '';
    checkSignalKey(input.name, periodKey);
    const text = encodePayload(input.name, input.payload);
    return this.#append(input.name, periodKey, text, input.setBy, input.at, false);
  }

  async clearSignal(
    name: string,
    periodKey: string,
    by: string,
    at: number,
  ): Promise<StoredSignal | undefined> {
    checkSignalKey(name, periodKey);
    if ((await this.getSignal(name, periodKey)) === undefined) return undefined;
    return this.#append(name, periodKey, undefined, by, at, true);
  }

  async getSignal(name: string, periodKey = ''): Promise<StoredSignal | undefined> {
    const latest = this.#signals.findLast((s) => s.name === name && s.periodKey === periodKey);
    return latest === undefined || latest.cleared ? undefined : latest;
  }

  async listSignals(filter: SignalFilter = {}): Promise<StoredSignal[]> {
    const latest = new Map<string, StoredSignal>();
    for (const s of this.#signals) latest.set(`${s.name}\u0000${s.periodKey}`, s);
    return [...latest.values()]
      .filter(
        (s) =>
          !s.cleared &&
          (filter.name === undefined || s.name === filter.name) &&
          (filter.periodKey === undefined || s.periodKey === filter.periodKey),
      )
      .sort((a, b) =>
        a.name === b.name ? (a.periodKey < b.periodKey ? -1 : 1) : a.name < b.name ? -1 : 1,
      )
      .slice(0, filter.limit ?? 100);
  }

  async signalHistory(name: string, periodKey = ''): Promise<StoredSignal[]> {
    return this.#signals.filter((s) => s.name === name && s.periodKey === periodKey);
  }

  /**
   * Remove (or, when `dry`, count) feed entries, completed triggers and superseded signal entries
   * older than `before`, by the rules of `retention.ts`.
   */
  prune(
    before: number,
    dagId: string | undefined,
    dry: boolean,
  ): { feedChanges: number; triggers: number; signalEntries: number } {
    const cursor = lowestCursor(this.#marks);
    const feedGoes = (c: Change): boolean =>
      cursor !== undefined &&
      c.seq < cursor &&
      c.at < before &&
      (dagId === undefined || c.dagId === dagId);
    const triggerGoes = (t: StoredTrigger): boolean =>
      t.state !== 'pending' && t.at < before && (dagId === undefined || t.dagId === dagId);
    const latest = new Set<number>();
    const seen = new Set<string>();
    for (let i = this.#signals.length - 1; i >= 0; i--) {
      const s = this.#signals[i]!;
      const key = `${s.name}\u0000${s.periodKey}`;
      if (!seen.has(key)) latest.add(s.id);
      seen.add(key);
    }
    const signalGoes = (s: StoredSignal): boolean =>
      dagId === undefined && s.setAt < before && !latest.has(s.id);
    const counts = {
      feedChanges: this.#feed.filter(feedGoes).length,
      triggers: this.#triggers.filter(triggerGoes).length,
      signalEntries: this.#signals.filter(signalGoes).length,
    };
    if (!dry) {
      this.#feed = this.#feed.filter((c) => !feedGoes(c));
      this.#triggers = this.#triggers.filter((t) => !triggerGoes(t));
      this.#signals = this.#signals.filter((s) => !signalGoes(s));
    }
    return counts;
  }

  #append(
    name: string,
    periodKey: string,
    payload: string | undefined,
    setBy: string,
    setAt: number,
    cleared: boolean,
  ): StoredSignal {
    const entry: StoredSignal = {
      id: ++this.#signalIds,
      name,
      periodKey,
      payload: payload === undefined ? undefined : (JSON.parse(payload) as unknown),
      setBy,
      setAt,
      cleared,
    };
    this.#signals.push(entry);
    this.record(cleared ? 'signal.cleared' : 'signal.set', name, setAt, { periodKey });
    return entry;
  }
}
