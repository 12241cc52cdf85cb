import { invalidArgument } from '../errors/index.js';
import type { PruneResult, RunStore } from '../store/index.js';

/**
 * A scheduler's retention setting: prune finished runs older than `olderThanMs` during its
 * passes, at most once per `everyMs`.
 *
 * @example
 * ```ts
 * const retention: RetentionOptions = { olderThanMs: 30 * 86_400_000 };
 * ```
 */
export interface RetentionOptions {
  /** Prune runs that finished longer ago than this (by the scheduler's clock), and old entries. */
  readonly olderThanMs: number;
  /**
   * Keep each pruned run's summary (its row: status, times, params, identity), so a schedule
   * never runs its period again and `tributary runs` still lists it. Default true.
   */
  readonly keepSummaries?: boolean;
  /** At most one prune per this long. Default one hour. */
  readonly everyMs?: number;
}

/** Default {@link RetentionOptions.everyMs}: one hour. */
export const DEFAULT_RETENTION_EVERY_MS = 3_600_000;

/**
 * Check a retention setting at the public boundary (`Scheduler`, `defineProject`);
 * `INVALID_ARGUMENT` quoting what was received. Returns it, frozen.
 *
 * @example
 * ```ts
 * checkRetention({ olderThanMs: 86_400_000, everyMs: 600_000 }, 'the scheduler');
 * ```
 */
export function checkRetention(value: unknown, where: string): RetentionOptions {
  if (typeof value !== 'object' || value === null)
    invalidArgument(
      `\`retention\` of ${where}`,
      'an object such as { olderThanMs: 2592000000 }',
      value,
    );
  const { olderThanMs, keepSummaries, everyMs } = value as Record<string, unknown>;
  const positive = (n: unknown): boolean => typeof n === 'number' && Number.isFinite(n) && n > 0;
  if (!positive(olderThanMs))
    invalidArgument(
      `\`retention.olderThanMs\` of ${where}`,
      'a number of milliseconds > 0',
      olderThanMs,
    );
  if (keepSummaries !== undefined && typeof keepSummaries !== 'boolean')
    invalidArgument(`\`retention.keepSummaries\` of ${where}`, 'a boolean', keepSummaries);
  if (everyMs !== undefined && !positive(everyMs))
    invalidArgument(`\`retention.everyMs\` of ${where}`, 'a number of milliseconds > 0', everyMs);
  return Object.freeze({ ...(value as RetentionOptions) });
}

/**
 * The scheduler's pruning: {@link step} prunes (see `RunStore.prune`) when `everyMs` has passed
 * since its last attempt, then gives the space back the cheap way (incremental vacuum). An
 * attempt that fails is not repeated before `everyMs` either: the scheduler reports the error
 * and goes on with its passes.
 *
 * @example
 * ```ts
 * const retention = new Retention(store, { olderThanMs: 30 * 86_400_000 });
 * await retention.step(Date.now());
 * ```
 */
export class Retention {
  readonly #store: RunStore;
  readonly #options: RetentionOptions;
  readonly #onPrune: (result: PruneResult) => void;
  /** When the next prune is due: the first pass prunes. */
  #due = Number.NEGATIVE_INFINITY;

  constructor(
    store: RunStore,
    options: RetentionOptions,
    onPrune: (result: PruneResult) => void = () => undefined,
  ) {
    this.#store = store;
    this.#options = checkRetention(options, 'the scheduler');
    this.#onPrune = onPrune;
  }

  /** Prune if due at `now`; the result, or undefined when it was not due. */
  async step(now: number): Promise<PruneResult | undefined> {
    if (now < this.#due) return undefined;
    this.#due = now + (this.#options.everyMs ?? DEFAULT_RETENTION_EVERY_MS);
    const result = await this.#store.prune({
      before: now - this.#options.olderThanMs,
      keepSummaries: this.#options.keepSummaries ?? true,
    });
    const removed = result.runs + result.feedChanges + result.triggers + result.signalEntries > 0;
    if (removed) {
      await this.#store.reclaimSpace();
      this.#onPrune(result);
    }
    return result;
  }
}
