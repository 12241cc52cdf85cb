import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineDag } from '../../src/index.js';
import { clearRun, startRun } from '../../src/durable/index.js';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import { cliInProcess } from './helpers.js';

// `tributary prune`: real runs in a real database; "old" runs are made old by moving their
// finish time back in the file (the cutoff is the wall clock minus --older-than).

let dir = '';
let db = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tributary-prune-'));
  db = join(dir, 'prune.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const DAY = 86_400_000;

const chain = defineDag({
  id: 'chain',
  dag: (b) => b.addEdge('extract', 'load'),
  tasks: {
    extract: (ctx) => {
      ctx.log('info', 'extracting');
      return 1;
    },
    load: (ctx) => {
      ctx.log('info', 'loading');
      return 2;
    },
  },
});

/** Runs `old1`, `old2` (finished 40 days ago), `recent` (1 day ago) and `queued`. */
async function seed(): Promise<void> {
  const store = SqliteStore.open(db);
  try {
    for (const runId of ['old1', 'old2', 'recent']) await startRun(chain, { store, runId });
    await store.createRun({
      runId: 'queued',
      dagId: 'chain',
      status: 'queued',
      params: {},
      graph: '{"nodes":[],"edges":[]}',
      createdAt: Date.now() - 50 * DAY,
      updatedAt: Date.now() - 50 * DAY,
    });
  } finally {
    await store.close();
  }
  const raw = new BetterSqlite3(db);
  try {
    const age = raw.prepare('UPDATE runs SET finished_at = finished_at - ? WHERE run_id = ?');
    age.run(40 * DAY, 'old1');
    age.run(40 * DAY, 'old2');
    age.run(1 * DAY, 'recent');
  } finally {
    raw.close();
  }
}

const run = (args: readonly string[]) => cliInProcess([...args, '--db', db]);
async function json<T>(args: readonly string[]): Promise<{ code: number; value: T }> {
  const r = await run([...args, '--json']);
  return { code: r.code, value: JSON.parse(r.out.at(-1) ?? 'null') as T };
}

interface Pruned {
  dryRun: boolean;
  runs: number;
  runIds: string[];
  journalEntries: number;
  logLines: number;
  space?: { method: string; bytesBefore: number; bytesAfter: number };
}

describe('tributary prune', () => {
  it('--dry-run counts, changes nothing; then prunes old finished runs to summaries', async () => {
    await seed();
    const dry = await json<Pruned>(['prune', '--older-than', '30d', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.value).toMatchObject({ dryRun: true, runs: 2, runIds: ['old1', 'old2'] });
    expect(dry.value.journalEntries).toBeGreaterThan(0);
    expect(dry.value.logLines).toBe(4);
    expect(dry.value.space).toBeUndefined();
    expect((await json<{ nodes: unknown[] }>(['show', 'old1'])).value.nodes).toHaveLength(2);

    const pruned = await json<Pruned>(['prune', '--older-than', '30d']);
    expect(pruned.code).toBe(0);
    const { before: _b1, space, ...counts } = pruned.value as Pruned & { before: number };
    const { before: _b2, ...wouldBe } = dry.value as Pruned & { before: number };
    expect({ ...counts, dryRun: true }).toStrictEqual(wouldBe);
    expect(space?.method).toBe('incremental');

    // `runs` still lists them, marked; `show` says the journal is gone; `logs` refuses.
    const runs = await run(['runs']);
    expect(runs.out.join('\n')).toMatch(/old1 +chain +succeeded \(pruned\)/);
    expect(runs.out.join('\n')).toMatch(/recent +chain +succeeded +\d/);
    const shown = await run(['show', 'old1']);
    expect(shown.code).toBe(0);
    expect(shown.out.join('\n')).toContain('Run old1 of chain: succeeded');
    expect(shown.out.join('\n')).toMatch(
      /journal was pruned at .*: node states, logs and artifacts are gone/,
    );
    expect((await json<{ pruned: boolean }>(['show', 'old1'])).value.pruned).toBe(true);
    const audit = await run(['audit', 'old1']);
    expect([audit.code, audit.err.join('\n')]).toEqual([
      1,
      expect.stringContaining('error RUN_PRUNED'),
    ]);
    const store = SqliteStore.open(db);
    try {
      await expect(clearRun(chain, 'old1', {}, { store, actor: 'test' })).rejects.toMatchObject({
        code: 'RUN_PRUNED',
      });
    } finally {
      await store.close();
    }
    const logs = await run(['logs', 'old2']);
    expect(logs.code).toBe(1);
    expect(logs.err.join('\n')).toContain('error RUN_PRUNED: Run "old2" was pruned');
    // The recent run and the queued one are whole.
    expect((await json<{ nodes: unknown[] }>(['show', 'recent'])).value.nodes).toHaveLength(2);
    expect((await run(['logs', 'recent'])).out.join('\n')).toContain('loading');
    expect((await json<{ run: { status: string } }>(['show', 'queued'])).value.run.status).toBe(
      'queued',
    );
  });

  it('--drop-summaries --vacuum removes old runs whole and rewrites the file; prints what it did', async () => {
    await seed();
    const r = await run(['prune', '--older-than', '30d', '--drop-summaries', '--vacuum']);
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(
      /^Pruned 2 runs that finished before .* \(removed whole\): \d+ journal entries, 4 log lines, 0 artifacts/,
    );
    expect(r.out[1]).toMatch(/^Database: .* -> .* \(VACUUM\)\.$/);
    const listed = (await json<{ runId: string }[]>(['runs'])).value.map((x) => x.runId).sort();
    expect(listed).toEqual(['queued', 'recent']);
    expect((await run(['show', 'old1'])).code).toBe(2); // RUN_NOT_FOUND
    // --dag limits it to one DAG: nothing of "other".
    const none = await json<Pruned>(['prune', '--older-than', '1m', '--dag', 'other']);
    expect(none.value.runs).toBe(0);
  });

  it('refuses an age it cannot read, quoting it (USAGE, exit 2)', async () => {
    await seed();
    for (const bad of ['30', '30x', '-5d', '0d', '1.5h', 'd', '30 days']) {
      const r = await run(['prune', '--older-than', bad]);
      expect(r.code).toBe(2);
      expect(r.err.join('\n')).toContain(`error USAGE: Expected --older-than to be`);
      expect(r.err.join('\n')).toContain(`got \`${bad}\``);
    }
    const missing = await run(['prune']);
    expect(missing.code).toBe(2);
    expect(missing.err.join('\n')).toContain("--older-than <age>' not specified");
    // Nothing was pruned by any of them.
    expect((await json<{ nodes: unknown[] }>(['show', 'old1'])).value.nodes).toHaveLength(2);
  });

  it('a missing database is STORE_NOT_FOUND, not a new empty one', async () => {
    const r = await cliInProcess(['prune', '--older-than', '30d', '--db', join(dir, 'typo.db')]);
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toContain('error STORE_NOT_FOUND');
  });
});
