import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TributaryError } from '../../src/errors/index.js';
import type { RunRecord, StoredEvent } from '../../src/store/run-store.js';
import { SCHEMA_VERSION } from '../../src/store/sqlite/index.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { MIGRATIONS } from '../../src/store/sqlite/migrations.js';

let dir: string;
let path: string;
/** Stores opened by a test, closed after it whatever happened. */
const opened: SqliteStore[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tributary-sqlite-'));
  path = join(dir, 'db.sqlite');
});

afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(options?: Parameters<typeof SqliteStore.open>[1]): SqliteStore {
  const store = SqliteStore.open(path, options);
  opened.push(store);
  return store;
}

function record(runId: string, fields: Partial<RunRecord> = {}): RunRecord {
  return {
    runId,
    dagId: 'etl',
    status: 'running',
    params: { day: '2026-11-21' },
    graph: '{"nodes":[],"edges":[]}',
    createdAt: 1_000,
    updatedAt: 1_000,
    ...fields,
  };
}

const event = (seq: number): StoredEvent => ({
  seq,
  type: 'task_started',
  node: `n${seq}`,
  at: seq,
  body: `{"seq":${seq}}`,
});

/** The error `SqliteStore.open` throws. */
function openError(target = path): TributaryError {
  try {
    opened.push(SqliteStore.open(target));
  } catch (error) {
    expect(error).toBeInstanceOf(TributaryError);
    return error as TributaryError;
  }
  throw new Error(`expected opening ${target} to fail`);
}

/** A Tributary database with some runs, closed (checkpointed: no WAL file left). */
async function populated(runs = 40): Promise<void> {
  const store = SqliteStore.open(path);
  for (let r = 0; r < runs; r++) {
    await store.createRun(record(`r${r}`, { params: { pad: 'p'.repeat(500) } }));
    await store.commit(`r${r}`, {
      events: Array.from({ length: 10 }, (_, i) => ({ ...event(i + 1), body: 'b'.repeat(300) })),
    });
    await store.putArtifact(`r${r}`, 'a#1', 'x'.repeat(2_000));
  }
  await store.close();
}

describe('SqliteStore persistence', () => {
  it('runs, journal and artifacts survive close and reopen', async () => {
    const first = SqliteStore.open(path);
    await first.createRun(
      record('r1', { partitionKey: 'p', module: '/defs.ts', durability: 'full', codec: 'json' }),
    );
    const lease = await first.acquireLease('run:r1', 'h:1:x', 60_000);
    await first.commit('r1', {
      events: [event(1), event(2)],
      run: { status: 'succeeded', finishedAt: 5 },
      logs: [{ node: 'n1', attempt: 1, at: 3, level: 'info', source: 'log', message: 'hello' }],
    });
    await first.putArtifact('r1', 'big#1', '{"large":true}');
    const request = await first.addRequest('r1', { kind: 'cancel', actor: 'cli:me', at: 7 });
    await first.close();

    const second = open();
    expect(await second.getRun('r1')).toMatchObject({
      runId: 'r1',
      status: 'succeeded',
      finishedAt: 5,
      partitionKey: 'p',
      module: '/defs.ts',
      durability: 'full',
      codec: 'json',
      owner: 'h:1:x',
      params: { day: '2026-11-21' },
    });
    expect(await second.getLease('run:r1')).toEqual(lease.acquired ? lease.lease : undefined);
    expect(await second.pendingRequests('r1')).toMatchObject([{ id: request, kind: 'cancel' }]);
    expect((await second.loadLogs('r1')).map((l) => l.message)).toEqual(['hello']);
    expect(await second.loadEvents('r1')).toStrictEqual([event(1), event(2)]);
    expect(await second.getArtifact('r1', 'big#1')).toBe('{"large":true}');
    // The journal goes on where it stopped, and still refuses gaps.
    await second.commit('r1', { events: [event(3)] });
    await expect(second.commit('r1', { events: [event(3)] })).rejects.toMatchObject({
      code: 'STORE_CORRUPT',
    });
    expect((await second.loadEvents('r1')).map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('creates missing parent directories', async () => {
    path = join(dir, 'a', 'b', 'c', 'db.sqlite');
    const store = open();
    await store.createRun(record('r1'));
    expect(statSync(path).isFile()).toBe(true);
  });

  it('stamps a new database with the current schema version, in WAL mode', async () => {
    await open().close();
    const db = new BetterSqlite3(path, { readonly: true });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      db.close();
    }
  });

  it('two handles on one file see each other; the second writer of a seq fails with STORE_CORRUPT', async () => {
    const a = open();
    const b = open();
    await a.createRun(record('r1'));
    expect(await b.getRun('r1')).toBeDefined();
    await a.commit('r1', { events: [event(1)] });
    const error = await b.commit('r1', { events: [event(1)] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'STORE_CORRUPT', context: { expected: 2, got: 1 } });
    await b.commit('r1', { events: [event(2)] });
    expect((await a.loadEvents('r1')).map((e) => e.seq)).toEqual([1, 2]);
  });

  it("durability 'full' opens, commits, and the commits survive reopening", async () => {
    // synchronous is a per-connection setting and the store exposes no connection, so this
    // checks behaviour only: a FULL store works like a NORMAL one.
    const store = SqliteStore.open(path, { durability: 'full' });
    await store.createRun(record('r1'));
    await store.commit('r1', { events: [event(1)], run: { status: 'failed' } });
    await store.close();
    const again = open({ durability: 'normal' });
    expect((await again.getRun('r1'))?.status).toBe('failed');
    expect(await again.loadEvents('r1')).toHaveLength(1);
  });

  it('two handles racing for one lease: one wins; the loser cannot commit with an old fence', async () => {
    const a = open();
    const b = open();
    await a.createRun(record('r1'));
    const [first, second] = await Promise.all([
      a.acquireLease('run:r1', 'a', 30_000),
      b.acquireLease('run:r1', 'b', 30_000),
    ]);
    expect([first.acquired, second.acquired].filter(Boolean)).toHaveLength(1);
    const winner = (first.acquired ? first.lease : second.acquired ? second.lease : undefined)!;
    const taken = await b.acquireLease('run:r1', 'c', 30_000, { force: true });
    expect(taken).toMatchObject({ acquired: true, lease: { fence: winner.fence + 1 } });
    await expect(a.commit('r1', { events: [event(1)], fence: winner.fence })).rejects.toMatchObject(
      { code: 'LEASE_LOST' },
    );
  });

  it("a commit that asks for durability 'full' is made on a 'normal' store", async () => {
    const store = open();
    await store.createRun(record('r1'));
    await store.commit('r1', { events: [event(1)], durability: 'full' });
    await store.commit('r1', { events: [event(2)] });
    expect((await open().loadEvents('r1')).map((e) => e.seq)).toEqual([1, 2]);
  });

  it('create: false fails with STORE_NOT_FOUND for a missing file and creates nothing', () => {
    const missing = join(dir, 'typo', 'tributary.db');
    let error: unknown;
    try {
      SqliteStore.open(missing, { create: false });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'STORE_NOT_FOUND', context: { path: missing } });
    expect(existsSync(join(dir, 'typo'))).toBe(false);
  });

  it('opens a schema-1 database and upgrades it, keeping its runs', async () => {
    const db = new BetterSqlite3(path);
    db.exec(`CREATE TABLE runs (run_id TEXT PRIMARY KEY, dag_id TEXT NOT NULL, status TEXT NOT NULL,
      params TEXT NOT NULL, partition_key TEXT, graph TEXT NOT NULL, created_at REAL NOT NULL,
      updated_at REAL NOT NULL, finished_at REAL, cancel_requested_at REAL, owner TEXT, module TEXT);
      CREATE TABLE journal (run_id TEXT NOT NULL, first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL,
      entries TEXT NOT NULL, PRIMARY KEY (run_id, first_seq)) WITHOUT ROWID;
      CREATE TABLE snapshots (run_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, body TEXT NOT NULL);
      CREATE TABLE artifacts (run_id TEXT NOT NULL, key TEXT NOT NULL, body TEXT NOT NULL,
      PRIMARY KEY (run_id, key)) WITHOUT ROWID;
      INSERT INTO runs VALUES ('old', 'etl', 'running', '{}', NULL, '{}', 1, 1, NULL, NULL, 'h:1', NULL);
      PRAGMA user_version = 1;`);
    db.close();
    const store = open();
    expect(await store.getRun('old')).toMatchObject({ runId: 'old', status: 'running' });
    expect(await store.acquireLease('run:old', 'me', 1_000)).toMatchObject({ acquired: true });
    // Migration 7's index covers the runs made before it; its tables work.
    expect(await store.latestRunPerPeriod('etl')).toEqual([
      { periodKey: '', runId: 'old', status: 'running', createdAt: 1 },
    ]);
    const [e] = await store.addAssetEvents([
      { asset: 'db://t', partitionKey: '', source: 'lib', at: 2 },
    ]);
    await store.addRunInputs('old', [
      { eventId: e!.id, asset: 'db://t', partitionKey: '', dataVersion: e!.dataVersion },
    ]);
    expect(await store.unconsumedAssetEvents('etl', ['db://t'])).toEqual([]);
  });

  it("':memory:' opens a private, working database", async () => {
    const store = SqliteStore.open(':memory:');
    opened.push(store);
    await store.createRun(record('r1'));
    expect((await store.listRuns()).map((r) => r.runId)).toEqual(['r1']);
  });
});

describe('SqliteStore refuses databases it cannot trust', () => {
  it('a newer schema version fails with SCHEMA_VERSION naming both versions, and is left alone', async () => {
    await open().close();
    opened.length = 0;
    const newer = SCHEMA_VERSION + 3;
    const db = new BetterSqlite3(path);
    db.pragma(`user_version = ${newer}`);
    db.close();
    const error = openError();
    expect(error.code).toBe('SCHEMA_VERSION');
    expect(error.message).toContain(`version ${newer}`);
    expect(error.message).toContain(`version ${SCHEMA_VERSION}`);
    expect(error.message).toContain(path);
    expect(error.context).toMatchObject({ path, version: newer, supported: SCHEMA_VERSION });
    const check = new BetterSqlite3(path, { readonly: true });
    try {
      expect(check.pragma('user_version', { simple: true })).toBe(newer);
    } finally {
      check.close();
    }
  });

  it('a file of random bytes fails with STORE_CORRUPT naming the path', () => {
    writeFileSync(path, randomBytes(16 * 1024));
    const error = openError();
    expect(error.code).toBe('STORE_CORRUPT');
    expect(error.message).toContain(path);
    expect(error.context).toMatchObject({ path });
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('a text file fails with STORE_CORRUPT naming the path', () => {
    writeFileSync(path, 'this is not a database\n'.repeat(500));
    const error = openError();
    expect(error.code).toBe('STORE_CORRUPT');
    expect(error.message).toContain(path);
  });

  it.each([0.5, 0.25, 0.9])(
    'a real database truncated to %s of its pages fails with STORE_CORRUPT naming the path',
    async (fraction) => {
      await populated();
      const size = statSync(path).size;
      const pageSize = 4096;
      expect(size % pageSize).toBe(0);
      truncateSync(path, Math.floor((size / pageSize) * fraction) * pageSize);
      const error = openError();
      expect(error.code).toBe('STORE_CORRUPT');
      expect(error.message).toContain(path);
      expect(error.context).toMatchObject({ path });
    },
  );

  it('a database cut inside its header fails with STORE_CORRUPT', async () => {
    await populated(2);
    truncateSync(path, 60);
    expect(openError().code).toBe('STORE_CORRUPT');
  });

  it('a SQLite database with foreign tables and no version fails with STORE_CORRUPT and is not modified', () => {
    const db = new BetterSqlite3(path);
    db.exec(`CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT);
             INSERT INTO customers (name) VALUES ('ada'), ('grace');`);
    db.close();
    const before = readFileSync(path);
    const error = openError();
    expect(error.code).toBe('STORE_CORRUPT');
    expect(error.message).toContain(path);
    expect(error.context).toMatchObject({ path });
    expect(readFileSync(path).equals(before)).toBe(true);
    const check = new BetterSqlite3(path, { readonly: true });
    try {
      expect(check.pragma('user_version', { simple: true })).toBe(0);
      expect(check.prepare('SELECT count(*) AS n FROM customers').get()).toEqual({ n: 2 });
    } finally {
      check.close();
    }
  });

  it('a damaged journal row is STORE_CORRUPT naming the path, the run and what was damaged', async () => {
    const store = open();
    await store.createRun(record('r1'));
    await store.commit('r1', { events: [event(1)] });
    const raw = new BetterSqlite3(path);
    raw
      .prepare(
        `UPDATE journal SET entries = '[[1,"task_started","n1",1,"{\\"seq' WHERE run_id = 'r1'`,
      )
      .run();
    raw.prepare(`UPDATE runs SET params = '{"day":' WHERE run_id = 'r1'`).run();
    raw.close();
    const journal = await store.loadEvents('r1').catch((e: unknown) => e);
    expect(journal).toMatchObject({ code: 'STORE_CORRUPT', context: { path, runId: 'r1' } });
    expect((journal as Error).message).toContain('journal row');
    expect((journal as Error).message).toContain(path);
    const run = await store.getRun('r1').catch((e: unknown) => e);
    expect(run).toMatchObject({ code: 'STORE_CORRUPT', context: { path, runId: 'r1' } });
    expect((run as Error).message).toContain('run parameters');
  });

  it('a page damaged inside a valid database is STORE_CORRUPT when it is read, not a raw SQLite error', async () => {
    await populated();
    const bytes = readFileSync(path);
    // Overwrite the middle pages (the journal's b-tree) with garbage, keeping the header.
    const pageSize = 4096;
    const pages = bytes.length / pageSize;
    for (let p = Math.floor(pages / 3); p < pages - 1; p++)
      randomBytes(pageSize).copy(bytes, p * pageSize);
    writeFileSync(path, bytes);
    let store: SqliteStore | undefined;
    const errors: unknown[] = [];
    try {
      store = open();
      for (let r = 0; r < 40; r++)
        await store.loadEvents(`r${r}`).catch((e: unknown) => errors.push(e));
    } catch (e) {
      errors.push(e);
    }
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) {
      expect(error).toMatchObject({ code: expect.stringMatching(/STORE_CORRUPT|RUN_NOT_FOUND/) });
    }
    expect(errors.some((e) => (e as TributaryError).code === 'STORE_CORRUPT')).toBe(true);
  });

  it('an empty file is a new database', async () => {
    writeFileSync(path, '');
    const store = open();
    await store.createRun(record('r1'));
    expect(await store.getRun('r1')).toBeDefined();
  });
});

describe('SqliteStore retention', () => {
  /** Finished runs with a large journal and logs: most of the file. */
  async function bulky(store: SqliteStore, runs: number): Promise<void> {
    for (let r = 0; r < runs; r++) {
      await store.createRun(record(`r${r}`, { status: 'succeeded', finishedAt: 5_000 }));
      await store.commit(`r${r}`, {
        events: Array.from({ length: 20 }, (_, i) => ({
          ...event(i + 1),
          body: 'b'.repeat(2_000),
        })),
        logs: [
          {
            node: 'n',
            attempt: 1,
            at: 1,
            level: 'info',
            source: 'log',
            message: 'm'.repeat(4_000),
          },
        ],
      });
      await store.putArtifact(`r${r}`, 'out', 'x'.repeat(8_000));
    }
  }

  it('a new database uses incremental vacuum: a prune gives its pages back to the file system', async () => {
    const store = open();
    await bulky(store, 30);
    const db = new BetterSqlite3(path, { readonly: true });
    try {
      expect(db.pragma('auto_vacuum', { simple: true })).toBe(2); // INCREMENTAL
    } finally {
      db.close();
    }
    const result = await store.prune({ before: 10_000 });
    expect(result).toMatchObject({ runs: 30, journalEntries: 600, logLines: 30, artifacts: 30 });
    const reclaimed = await store.reclaimSpace();
    expect(reclaimed.method).toBe('incremental');
    expect(reclaimed.bytesAfter).toBeLessThan(reclaimed.bytesBefore / 4);
    // The checkpoint that follows shrinks the file itself.
    expect(statSync(path).size).toBe(reclaimed.bytesAfter);
    expect((await store.listRuns({ limit: 100 })).length).toBe(30);
  });

  it('a database made before incremental vacuum is migrated, and reclaims space only with a full VACUUM', async () => {
    // A schema-4 database, as an earlier Tributary made it (auto_vacuum off).
    const db = new BetterSqlite3(path);
    db.pragma('journal_mode = WAL');
    for (const migration of MIGRATIONS.slice(0, 4)) db.exec(migration);
    db.pragma('user_version = 4');
    db.close();
    const store = open();
    await bulky(store, 20);
    expect((await store.getRun('r0'))?.prunedAt).toBeUndefined();
    await store.prune({ before: 10_000 });
    const cheap = await store.reclaimSpace();
    expect(cheap.method).toBe('none');
    expect(cheap.bytesAfter).toBe(cheap.bytesBefore);
    const full = await store.reclaimSpace({ full: true });
    expect(full.method).toBe('vacuum');
    expect(full.bytesBefore).toBe(cheap.bytesAfter);
    expect(full.bytesAfter).toBeLessThan(full.bytesBefore / 4);
    expect(statSync(path).size).toBe(full.bytesAfter);
    // Pruned summaries survive the rewrite.
    expect((await store.getRun('r3'))?.status).toBe('succeeded');
    await expect(store.loadEvents('r3')).rejects.toMatchObject({ code: 'RUN_PRUNED' });
  });

  it("another process's prune is seen at once; a lease it holds keeps its run whole", async () => {
    const a = open();
    const b = open();
    await bulky(a, 3);
    await b.acquireLease('run:r1', 'clearer', 60_000);
    const result = await a.prune({ before: 10_000 });
    expect(result.runIds).toEqual(['r0', 'r2']);
    expect(result.leased).toEqual(['r1']);
    await expect(b.loadEvents('r0')).rejects.toMatchObject({
      code: 'RUN_PRUNED',
      context: { runId: 'r0' },
    });
    expect(await b.loadEvents('r1')).toHaveLength(20);
  });
});
