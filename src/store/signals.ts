import { describeValue, invalidArgument, TributaryError } from '../errors/index.js';

/** A signal to set: an external fact ("the legacy export is done") that DAGs can wait on. */
export interface SignalInput {
  /** Letters, digits and `_ . : / -`, at most 200 characters. */
  readonly name: string;
  /** The period the signal is for (`''`, the default: not tied to a period). */
  readonly periodKey?: string;
  /** Any JSON value; kept as JSON text. */
  readonly payload?: unknown;
  /** Who set it (`cli:user@host`, `task:run/node`, ...). */
  readonly setBy: string;
  /** Epoch milliseconds. */
  readonly at: number;
}

/** One entry of a signal's history. */
export interface StoredSignal {
  /** Rises with every entry of the store (set or clear). */
  readonly id: number;
  readonly name: string;
  readonly periodKey: string;
  /** The payload (undefined when none was given, or for a clear). */
  readonly payload: unknown;
  readonly setBy: string;
  readonly setAt: number;
  /** True for an entry that clears the signal. */
  readonly cleared: boolean;
}

/** Which signals {@link SignalStore.listSignals} returns. */
export interface SignalFilter {
  readonly name?: string;
  readonly periodKey?: string;
  /** Default 100. */
  readonly limit?: number;
}

/**
 * Durable signals with their history. Setting or clearing one appends an entry (never
 * rewrites one) and a change to the store's feed, in one transaction.
 */
export interface SignalStore {
  /** Set (or set again) a signal; returns the new entry. */
  setSignal(input: SignalInput): Promise<StoredSignal>;
  /** Clear a set signal; undefined (and nothing written) when it is not set. */
  clearSignal(
    name: string,
    periodKey: string,
    by: string,
    at: number,
  ): Promise<StoredSignal | undefined>;
  /** The signal's current value: its latest entry, unless that entry cleared it. */
  getSignal(name: string, periodKey?: string): Promise<StoredSignal | undefined>;
  /** Signals set now, by name then period. */
  listSignals(filter?: SignalFilter): Promise<StoredSignal[]>;
  /** Every entry of one signal (one period), oldest first. */
  signalHistory(name: string, periodKey?: string): Promise<StoredSignal[]>;
}

const NAME = /^[A-Za-z0-9_.:/-]{1,200}$/;
// A period key: printable, at most 100 characters; its format is the schedule's business.
const PERIOD_KEY = /^[\x21-\x7e]{0,100}$/;

/**
 * Check a signal's name and period key; `INVALID_ARGUMENT` quoting what was received.
 *
 * @example
 * ```ts
 * checkSignalKey('legacy.export_done', '2026-12-05');
 * ```
 */
export function checkSignalKey(name: unknown, periodKey: unknown): void {
  if (typeof name !== 'string' || !NAME.test(name))
    invalidArgument('a signal name', 'letters, digits and `_ . : / -` (1 to 200 characters)', name);
  if (typeof periodKey !== 'string' || !PERIOD_KEY.test(periodKey))
    invalidArgument(
      `the period key of signal "${name}"`,
      'printable characters without spaces (at most 100)',
      periodKey,
    );
}

/**
 * The JSON text of a payload; `NOT_SERIALIZABLE` for a value JSON cannot carry as it is (a
 * function, a BigInt, a cycle, a class instance such as a `Date` or a `Map`).
 *
 * @example
 * ```ts
 * encodePayload({ rows: 10 }); // '{"rows":10}'
 * ```
 */
export function encodePayload(name: string, payload: unknown): string | undefined {
  if (payload === undefined) return undefined;
  const bad = firstNonJson(payload, new Set());
  if (bad !== undefined) {
    throw new TributaryError(
      'NOT_SERIALIZABLE',
      `The payload of signal "${name}" must be JSON; it holds ${describeValue(bad)}`,
      { context: { signal: name, received: describeValue(bad) } },
    );
  }
  return JSON.stringify(payload);
}

function firstNonJson(value: unknown, seen: Set<object>): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : value;
  if (typeof value !== 'object') return value;
  if (seen.has(value)) return value;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return value;
  seen.add(value);
  for (const item of Object.values(value)) {
    const bad = firstNonJson(item, seen);
    if (bad !== undefined) return bad;
  }
  seen.delete(value);
  return undefined;
}
