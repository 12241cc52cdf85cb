import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/store/run-store.js';
import { decodeJournalRow, encodeJournalRow } from '../../src/store/sqlite/journal-rows.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const storedEvent = fc.record(
  {
    seq: fc.integer({ min: 1, max: 1_000_000 }),
    type: fc.string(),
    node: fc.string({ unit: 'grapheme' }),
    at: fc.double({ noNaN: true, noDefaultInfinity: true }),
    body: fc.string({ unit: 'binary' }),
  },
  { requiredKeys: ['seq', 'type', 'at', 'body'] },
);

const roundTrip = (events: StoredEvent[], afterSeq = 0): StoredEvent[] => {
  const out: StoredEvent[] = [];
  decodeJournalRow(encodeJournalRow(events), afterSeq, out);
  return out;
};

describe('journal rows', () => {
  it('read back what was written, whatever the text (lone surrogates included)', () => {
    fc.assert(
      fc.property(fc.array(storedEvent, { minLength: 1, maxLength: 20 }), (events) => {
        // -0 is not a time a clock gives; Number('0') reads it back as 0.
        const clean = events.map((e) => ({ ...e, at: Object.is(e.at, -0) ? 0 : e.at }));
        expect(roundTrip(clean)).toStrictEqual(clean);
      }),
    );
  });

  it('skip events up to afterSeq', () => {
    const events = [1, 2, 3].map((seq) => ({ seq, type: 't', node: 'a', at: seq, body: '{}' }));
    expect(roundTrip(events, 2).map((e) => e.seq)).toEqual([3]);
  });

  it('write a body once, unescaped', () => {
    const row = encodeJournalRow([{ seq: 1, type: 'x', at: 1.5, body: '{"a":"\\"q\\""}' }]);
    expect(row).toContain('{"a":"\\"q\\""}');
  });

  it('refuse damaged text', () => {
    const row = encodeJournalRow([{ seq: 1, type: 'x', node: 'n', at: 1, body: '{}' }]);
    for (const damaged of [row.slice(0, -1), `${row}7,`, '\u0002x', '{}'])
      expect(() => decodeJournalRow(damaged, 0, [])).toThrow();
  });
});

describe('SqliteStore journal rows', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tributary-rows-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads rows written in the first format (a JSON array of tuples)', async () => {
    const path = join(dir, 'db.sqlite');
    const store = SqliteStore.open(path);
    await store.createRun({
      runId: 'r1',
      dagId: 'd',
      status: 'running',
      params: {},
      graph: '{}',
      createdAt: 1,
      updatedAt: 1,
    });
    await store.close();
    const db = new BetterSqlite3(path);
    db.prepare(
      'INSERT INTO journal (run_id, first_seq, last_seq, entries) VALUES (?, ?, ?, ?)',
    ).run(
      'r1',
      1,
      2,
      JSON.stringify([
        [1, 'task_started', 'a', 5, '{"type":"task_started"}'],
        [2, 'run_finished', null, 6, '{"type":"run_finished"}'],
      ]),
    );
    db.close();
    const reopened = SqliteStore.open(path);
    await reopened.commit('r1', { events: [{ seq: 3, type: 'x', node: 'b', at: 7, body: '{}' }] });
    expect(await reopened.loadEvents('r1')).toStrictEqual([
      { seq: 1, type: 'task_started', node: 'a', at: 5, body: '{"type":"task_started"}' },
      { seq: 2, type: 'run_finished', at: 6, body: '{"type":"run_finished"}' },
      { seq: 3, type: 'x', node: 'b', at: 7, body: '{}' },
    ]);
    await reopened.close();
  });

  it('keeps a lone surrogate in a body (a custom codec may write one)', async () => {
    const store = SqliteStore.open(join(dir, 'db.sqlite'));
    await store.createRun({
      runId: 'r1',
      dagId: 'd',
      status: 'running',
      params: {},
      graph: '{}',
      createdAt: 1,
      updatedAt: 1,
    });
    const events: StoredEvent[] = [
      { seq: 1, type: 'x', node: 'a', at: 1, body: 'lone \ud800 here' },
      { seq: 2, type: 'y', node: 'b', at: 2, body: 'after' },
    ];
    await store.commit('r1', { events });
    expect(await store.loadEvents('r1')).toStrictEqual(events);
    await store.close();
  });
});
