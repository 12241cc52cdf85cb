import { DueHeap } from './due-heap.js';
import { toError, TributaryError } from '../errors/index.js';
import type { NodeWaits, WaitOutcome } from '../executor/index.js';
import type { RunStore } from '../store/index.js';
import type { Period } from '../time/index.js';
import type { DagDefinition } from './define.js';
import { evaluateSensor, type ConditionContext } from './sensor-conditions.js';
import type { Sensor } from './sensors.js';

/*
 * SensorWatch: the watcher of one run's waiting sensors (see NodeWaits). It holds no worker
 * slot and no timer per sensor:
 *
 * - Run and signal sensors are looked at again when the store's change feed says their topic
 *   changed (`run:<dag>` for a run of that DAG changing status, `signal:<name>` for a signal
 *   set): one loop follows the feed for the whole run and wakes only the subscribers of each
 *   change, so a change costs O(its subscribers), not O(sensors).
 * - File, HTTP and check sensors are polled at their interval, and every sensor with a timeout
 *   has a deadline: both are entries of one min-heap behind a single timer.
 * - Each sensor is looked at once when it starts waiting (after the feed's position is taken,
 *   so no change between the look and the feed is missed). A look that throws is a failed
 *   check: recorded (`onCheckFailed`) and waited past; only the timeout ends such a wait.
 * - Looks at one sensor never overlap: a wake during a look runs one more look after it.
 */

/** Options of {@link SensorWatch}. */
export interface SensorWatchOptions {
  readonly def: DagDefinition;
  readonly store: RunStore;
  readonly runId: string;
  readonly period: Period | undefined;
  /** The run's period key as recorded (a free label for a DAG without a schedule). */
  readonly periodKey: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** Other DAGs' definitions by id, to map this run's period onto theirs (a project's). */
  readonly dags?: ((id: string) => DagDefinition | undefined) | undefined;
  /** A look that threw: for the run's logs. */
  readonly onCheckFailed?: (node: string, error: Error) => void;
}

interface Entry {
  readonly id: number;
  readonly sensor: Sensor;
  readonly since: number;
  readonly end: (outcome: WaitOutcome) => void;
  readonly topic: string | undefined;
  busy: boolean;
  again: boolean;
  lastError: Error | undefined;
  /** When its next poll is due (0: none pending). */
  pollDue: number;
}

const DEFAULT_POLL_MS = 30_000;

/** The watcher of a run's waiting sensors (see the comment at the top of this file). */
export class SensorWatch implements NodeWaits {
  readonly #options: SensorWatchOptions;
  readonly #entries = new Map<number, Entry>();
  readonly #byTopic = new Map<string, Set<number>>();
  readonly #heap = new DueHeap();
  readonly #stop = new AbortController();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerDue = Infinity;
  /** The feed position once the follow loop has started; undefined before. */
  #cursor: number | undefined;
  #following = false;

  constructor(options: SensorWatchOptions) {
    this.#options = options;
  }

  watch(id: number, node: string, since: number, end: (outcome: WaitOutcome) => void): void {
    const sensor = this.#options.def.sensors.get(node);
    if (sensor === undefined) {
      end({
        outcome: 'failed',
        error: new TributaryError('INVALID_ARGUMENT', `Node "${node}" is not a sensor`, {
          context: { node },
        }),
      });
      return;
    }
    const topic =
      sensor.kind === 'run'
        ? `run:${sensor.dag}`
        : sensor.kind === 'signal'
          ? `signal:${sensor.name}`
          : undefined;
    const entry: Entry = {
      id,
      sensor,
      since,
      end,
      topic,
      busy: false,
      again: false,
      lastError: undefined,
      pollDue: 0,
    };
    this.#entries.set(id, entry);
    if (sensor.timeoutMs !== undefined) this.#schedule(since + sensor.timeoutMs, id);
    if (topic !== undefined) {
      let ids = this.#byTopic.get(topic);
      if (ids === undefined) this.#byTopic.set(topic, (ids = new Set()));
      ids.add(id);
      if (!this.#following) this.#follow();
      // Before the loop has its position, its start looks at every sensor.
      if (this.#cursor !== undefined) void this.#look(entry);
    } else void this.#look(entry);
  }

  unwatch(id: number): void {
    const entry = this.#entries.get(id);
    if (entry === undefined) return;
    this.#entries.delete(id);
    if (entry.topic !== undefined) this.#byTopic.get(entry.topic)?.delete(id);
  }

  /** The run is over: stop following the feed and every timer. */
  close(): void {
    this.#stop.abort();
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#entries.clear();
    this.#byTopic.clear();
  }

  /** Follow the change feed, waking the subscribers of each change's topic. */
  #follow(): void {
    this.#following = true;
    const { store } = this.#options;
    const signal = this.#stop.signal;
    void (async () => {
      this.#cursor = await store.feedHead();
      for (const entry of this.#entries.values())
        if (entry.topic !== undefined) void this.#look(entry);
      while (!signal.aborted) {
        await store.waitForChange(this.#cursor, { maxWaitMs: 1_000, signal });
        if (signal.aborted) break;
        const woken = new Set<number>();
        for (const change of await store.changesSince(this.#cursor, 1_000)) {
          this.#cursor = change.seq;
          const topic =
            change.kind === 'run.status'
              ? `run:${change.dagId ?? ''}`
              : change.kind === 'signal.set'
                ? `signal:${change.subject}`
                : undefined;
          if (topic === undefined) continue;
          for (const id of this.#byTopic.get(topic) ?? []) woken.add(id);
        }
        for (const id of woken) {
          const entry = this.#entries.get(id);
          if (entry !== undefined) void this.#look(entry);
        }
      }
    })().catch((error: unknown) => {
      // A store that fails under the loop: every feed sensor falls back to polling.
      this.#following = false;
      for (const entry of this.#entries.values()) {
        if (entry.topic === undefined) continue;
        entry.lastError = toError(error);
        this.#schedule(Date.now() + (entry.sensor.intervalMs ?? 1_000), entry.id);
      }
    });
  }

  /** Look at one sensor's condition; end its wait when it is met or can no longer be. */
  async #look(entry: Entry): Promise<void> {
    if (entry.busy) {
      entry.again = true;
      return;
    }
    entry.busy = true;
    try {
      do {
        entry.again = false;
        let verdict;
        try {
          verdict = await evaluateSensor(entry.sensor, this.#context(entry));
        } catch (caught) {
          entry.lastError = toError(caught);
          this.#options.onCheckFailed?.(entry.sensor.node, entry.lastError);
          verdict = undefined;
        }
        if (this.#entries.get(entry.id) !== entry) return; // unwatched meanwhile
        if (verdict?.state === 'met') {
          this.#finish(entry, {
            outcome: 'succeeded',
            ...(verdict.result === undefined ? {} : { result: verdict.result }),
          });
          return;
        }
        if (verdict?.state === 'failed') {
          this.#finish(entry, { outcome: 'failed', error: verdict.error });
          return;
        }
      } while (entry.again);
      // The next poll, unless one is pending (a wake from the feed does not add one).
      const poll =
        entry.topic === undefined
          ? (entry.sensor.intervalMs ?? DEFAULT_POLL_MS)
          : entry.sensor.intervalMs;
      const now = Date.now();
      if (poll !== undefined && entry.pollDue <= now) {
        entry.pollDue = now + poll;
        this.#schedule(entry.pollDue, entry.id);
      }
    } finally {
      entry.busy = false;
    }
  }

  #context(entry: Entry): ConditionContext {
    const o = this.#options;
    return {
      def: o.def,
      store: o.store,
      dags: o.dags,
      runId: o.runId,
      dagId: o.def.id,
      node: entry.sensor.node,
      period: o.period,
      periodKey: o.periodKey,
      params: o.params,
      since: entry.since,
    };
  }

  #finish(entry: Entry, outcome: WaitOutcome): void {
    this.unwatch(entry.id);
    entry.end(outcome);
  }

  /** A poll or a deadline of sensor `id` at `due` (epoch ms); one timer for all of them. */
  #schedule(due: number, id: number): void {
    this.#heap.push(due, id);
    if (due < this.#timerDue) this.#arm();
  }

  #arm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerDue = this.#heap.peekDue();
    if (this.#timerDue === Infinity || this.#stop.signal.aborted) return;
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, this.#timerDue - Date.now()));
  }

  #fire(): void {
    this.#timer = undefined;
    const now = Date.now();
    while (this.#heap.peekDue() <= now) {
      const id = this.#heap.pop();
      const entry = this.#entries.get(id);
      if (entry === undefined) continue; // unwatched: a stale heap entry
      const timeoutMs = entry.sensor.timeoutMs;
      if (timeoutMs !== undefined && now >= entry.since + timeoutMs)
        this.#timeOut(entry, timeoutMs);
      else void this.#look(entry);
    }
    this.#arm();
  }

  #timeOut(entry: Entry, timeoutMs: number): void {
    const { node, onTimeout } = entry.sensor;
    const last =
      entry.lastError === undefined ? '' : `; its last check failed: ${entry.lastError.message}`;
    this.#finish(entry, {
      outcome: onTimeout === 'skip' ? 'skipped' : 'failed',
      error: new TributaryError(
        'SENSOR_TIMEOUT',
        `Sensor "${node}" waited ${timeoutMs} ms without its condition being met${last}`,
        { context: { node, runId: this.#options.runId, timeoutMs } },
      ),
    });
  }
}
