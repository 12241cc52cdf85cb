import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import { cliInProcess, cliSpawn } from './helpers.js';

// `tributary signal`: durable signals set from a shell, read back with their history; a
// change made by another process wakes a waiter on the store's change feed.

let dir = '';
let db = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tributary-signal-'));
  db = join(dir, 'signals.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const json = async (args: string[]) => {
  const r = await cliInProcess([...args, '--db', db, '--json']);
  return { code: r.code, value: JSON.parse(r.out.at(-1) ?? 'undefined') as unknown };
};

describe('tributary signal', () => {
  it('sets (creating the database), gets, lists, clears, and keeps the history', async () => {
    const set = await json([
      'signal',
      'set',
      'legacy.export_done',
      '--period',
      '2026-12-05',
      '--payload',
      '{"rows":10}',
    ]);
    expect(set.code).toBe(0);
    expect(set.value).toMatchObject({
      name: 'legacy.export_done',
      periodKey: '2026-12-05',
      payload: { rows: 10 },
      cleared: false,
    });
    expect((set.value as { setBy: string }).setBy).toMatch(/^cli:/);
    const got = await json(['signal', 'get', 'legacy.export_done', '--period', '2026-12-05']);
    expect(got).toMatchObject({ code: 0, value: { payload: { rows: 10 } } });
    // Another period of the same signal is not set.
    expect(await json(['signal', 'get', 'legacy.export_done'])).toEqual({ code: 1, value: null });
    const listed = await json(['signal', 'list']);
    expect((listed.value as { name: string }[]).map((s) => s.name)).toEqual(['legacy.export_done']);
    expect(await json(['signal', 'clear', 'legacy.export_done', '--period', '2026-12-05'])).toEqual(
      {
        code: 0,
        value: { cleared: true },
      },
    );
    expect(
      (await json(['signal', 'get', 'legacy.export_done', '--period', '2026-12-05'])).code,
    ).toBe(1);
    const history = await json([
      'signal',
      'get',
      'legacy.export_done',
      '--period',
      '2026-12-05',
      '--history',
    ]);
    expect((history.value as { cleared: boolean }[]).map((h) => h.cleared)).toEqual([false, true]);
    const human = await cliInProcess(['signal', 'list', '--db', db]);
    expect(human.out.join('\n')).toBe('No signals set.');
  });

  it.each([
    [['signal', 'set', 'has space'], 'INVALID_ARGUMENT', 'has space'],
    [['signal', 'set', 'ok', '--payload', 'not json'], 'INVALID_ARGUMENT', 'not json'],
    [['signal', 'set', 'ok', '--period', 'two words'], 'INVALID_ARGUMENT', 'two words'],
    [['signal', 'list', '--limit', '0'], 'INVALID_ARGUMENT', '`0`'],
  ])('%j is refused with %s quoting the value', async (args, code, quoted) => {
    await json(['signal', 'set', 'exists']); // the database exists for `list`
    const r = await json(args);
    expect(r.code).toBe(2);
    expect(r.value).toMatchObject({ error: { code } });
    expect((r.value as { error: { message: string } }).error.message).toContain(quoted);
  });

  it('reading from a database that does not exist is STORE_NOT_FOUND and creates nothing', async () => {
    const r = await json(['signal', 'get', 'x']);
    expect(r).toMatchObject({ code: 2, value: { error: { code: 'STORE_NOT_FOUND' } } });
  });

  it('a signal set by another process wakes a waiter on the change feed', async () => {
    await json(['signal', 'set', 'warm_up']); // create the database
    const store = SqliteStore.open(db);
    try {
      const head = await store.feedHead();
      const waiting = store.waitForChange(head, { maxWaitMs: 120_000 });
      const child = cliSpawn(['signal', 'set', 'from_elsewhere', '--db', db]);
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(await waiting).toBe(true); // woken by the change, not by the time limit
      expect(await exited).toBe(0);
      const changes = await store.changesSince(head);
      expect(changes.map((c) => [c.kind, c.subject])).toEqual([['signal.set', 'from_elsewhere']]);
    } finally {
      await store.close();
    }
  });
});
