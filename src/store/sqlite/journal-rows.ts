import type { StoredEvent } from '../run-store.js';

/*
 * The text of one journal row: the events of one commit.
 *
 * Version 2 (written since issue 9) frames each event by lengths, so an event's body (already
 * the codec's text) is copied once and never escaped again:
 *
 *   "\u0002" then, per event:  seq "," at "," typeLength "," nodeLength "," bodyLength ":" type node body
 *
 * `nodeLength` is -1 for an event without a node. Numbers are written with `String(number)`,
 * which `Number` reads back exactly (seq is an integer, `at` a finite float). Writing is
 * O(total length); reading is one scan, O(total length), with a slice per field.
 *
 * Version 1 (older rows, still read): a JSON array of `[seq, type, node, at, body]` tuples, in
 * which every body was escaped a second time. A row is version 1 when it starts with `[`.
 *
 * Lengths count UTF-16 code units, and SQLite keeps text as UTF-8, which cannot hold a lone
 * surrogate: such text would come back changed and shift every length after it. A commit with
 * a lone surrogate in a type, node or body (a custom codec's output; JSON escapes them) is
 * written as version 1, whose JSON escapes it.
 */

const V2 = '\u0002';

/** `String.prototype.isWellFormed` (ES2024; Node >= 20): no lone surrogate. */
const wellFormed = (text: string): boolean =>
  (text as unknown as { isWellFormed(): boolean }).isWellFormed();

/** The text of a journal row holding `events` (non-empty, in seq order). O(total length). */
export function encodeJournalRow(events: readonly StoredEvent[]): string {
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (!wellFormed(e.body) || !wellFormed(e.type) || (e.node !== undefined && !wellFormed(e.node)))
      return JSON.stringify(events.map((x) => [x.seq, x.type, x.node ?? null, x.at, x.body]));
  }
  let text = V2;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const node = e.node;
    text +=
      node === undefined
        ? `${e.seq},${e.at},${e.type.length},-1,${e.body.length}:${e.type}${e.body}`
        : `${e.seq},${e.at},${e.type.length},${node.length},${e.body.length}:${e.type}${node}${e.body}`;
  }
  return text;
}

/**
 * Append the events of `row` with a seq above `afterSeq` to `out`. Throws a plain `Error` on
 * text that is not a journal row (the caller reports it as `STORE_CORRUPT`).
 */
export function decodeJournalRow(row: string, afterSeq: number, out: StoredEvent[]): void {
  if (row.startsWith(V2)) decodeV2(row, afterSeq, out);
  else decodeV1(row, afterSeq, out);
}

function decodeV2(row: string, afterSeq: number, out: StoredEvent[]): void {
  let at = 1;
  const end = row.length;
  while (at < end) {
    const colon = row.indexOf(':', at);
    if (colon < 0) throw new Error(`no event header at ${at}`);
    const header = row.slice(at, colon).split(',');
    if (header.length !== 5) throw new Error(`bad event header at ${at}`);
    const seq = Number(header[0]);
    const time = Number(header[1]);
    const typeLength = Number(header[2]);
    const nodeLength = Number(header[3]);
    const bodyLength = Number(header[4]);
    if (
      !Number.isSafeInteger(seq) ||
      !Number.isFinite(time) ||
      !Number.isSafeInteger(typeLength) ||
      typeLength < 0 ||
      !Number.isSafeInteger(nodeLength) ||
      nodeLength < -1 ||
      !Number.isSafeInteger(bodyLength) ||
      bodyLength < 0
    )
      throw new Error(`bad event header at ${at}`);
    const typeAt = colon + 1;
    const nodeAt = typeAt + typeLength;
    const bodyAt = nodeAt + Math.max(nodeLength, 0);
    const next = bodyAt + bodyLength;
    if (next > end) throw new Error(`event at ${at} runs past the end of the row`);
    if (seq > afterSeq) {
      const type = row.slice(typeAt, nodeAt);
      const body = row.slice(bodyAt, next);
      out.push(
        nodeLength < 0
          ? { seq, type, at: time, body }
          : { seq, type, node: row.slice(nodeAt, bodyAt), at: time, body },
      );
    }
    at = next;
  }
}

function decodeV1(row: string, afterSeq: number, out: StoredEvent[]): void {
  const entries = JSON.parse(row) as unknown;
  if (!Array.isArray(entries)) throw new Error('not a list');
  for (const [seq, type, node, at, body] of entries as [
    number,
    string,
    string | null,
    number,
    string,
  ][]) {
    if (seq > afterSeq)
      out.push(node === null ? { seq, type, at, body } : { seq, type, node, at, body });
  }
}
