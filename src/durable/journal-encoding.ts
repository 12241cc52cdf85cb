import type { JournalEntry } from './journal-entry.js';

/*
 * The JSON codec's text for the two entries every task writes (`task_started`, and
 * `task_succeeded` without a result), built from a template instead of `JSON.stringify`
 * (about 3x cheaper on Node 20, where stringifying a small object costs ~0.9 µs).
 *
 * Invariant: the text decodes (`JSON.parse`) to an object with exactly the entry's own keys
 * and values, or the function returns undefined and the caller encodes as usual. So it only
 * takes entries whose own keys are exactly the ones the template writes, whose numbers are
 * finite and not -0 (`String(n)` is then what JSON writes), and whose node name needs no JSON
 * escape (no quote, backslash, control character or surrogate). Key order in the text may
 * differ from the entry's if the entry was built in another order; the decoded value does not.
 * O(length of the node name).
 */

/** A character a JSON string cannot hold as it is (or a surrogate, which might be lone). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

const plainNumber = (n: unknown): n is number =>
  typeof n === 'number' && Number.isFinite(n) && !Object.is(n, -0);

/** Own enumerable keys of `entry`, counted without building a list. */
function keyCount(entry: object): number {
  let n = 0;
  for (const key in entry) if (Object.hasOwn(entry, key)) n++;
  return n;
}

/**
 * The JSON text of `entry` with its `result` key dropped (a success whose result is
 * undefined), or of the whole entry (a start); undefined when the template does not apply.
 */
export function fastEntryJson(entry: JournalEntry): string | undefined {
  let keys: number;
  if (entry.type === 'task_started') keys = 4;
  else if (entry.type === 'task_succeeded' && entry.result === undefined) keys = 5;
  else return undefined;
  const { node, attempt, at } = entry;
  if (!plainNumber(attempt) || !plainNumber(at) || NEEDS_ESCAPE.test(node)) return undefined;
  // A success must hold `result` as an own key (its absence would leave only 4 keys counted).
  if (keys === 5 && !Object.hasOwn(entry, 'result')) return undefined;
  if (keyCount(entry) !== keys) return undefined;
  return `{"type":"${entry.type}","node":"${node}","attempt":${attempt},"at":${at}}`;
}
