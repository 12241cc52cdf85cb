import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TributaryError } from '../../src/errors/index.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import type { Lease } from '../../src/store/lease.js';
import type { LogLine } from '../../src/store/logs.js';
import type { RunRecord, RunStore, RunSummary, StoredEvent } from '../../src/store/run-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { retentionCases } from './retention-cases.js';
import { notificationCases } from './notification-cases.js';
import { assetCases } from './asset-cases.js';
import { backfillCases } from './backfill-cases.js';

/** Temp directories made by `open`, removed after each test. */
const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-store-'));
  tempDirs.push(dir);
  return dir;
}

/**
 * Every backend the conformance suite runs against. A backend is a name and a function that
 * opens a fresh, empty store; add one (PostgreSQL) here and the whole suite runs against it.
 */
const BACKENDS: readonly { name: string; open: () => RunStore | Promise<RunStore> }[] = [
  { name: 'memory', open: () => new MemoryStore() },
  { name: 'sqlite', open: () => SqliteStore.open(join(tempDir(), 'db.sqlite')) },
];

afterEach(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function record(runId: string, fields: Partial<RunRecord> = {}): RunRecord {
  return {
    runId,
    dagId: 'etl',
    status: 'running',
    params: {},
    graph: '{"nodes":[],"edges":[]}',
    createdAt: 1_000,
    updatedAt: 1_000,
    ...fields,
  };
}

function event(seq: number, fields: Partial<StoredEvent> = {}): StoredEvent {
  return {
    seq,
    type: 'task_started',
    node: `n${seq}`,
    at: 2_000 + seq,
    body: `{"seq":${seq}}`,
    ...fields,
  };
}

function log(message: string, node = 'a'): LogLine {
  return { node, attempt: 1, at: 3_000, level: 'info', source: 'log', message };
}

const events = (from: number, to: number): StoredEvent[] =>
  Array.from({ length: to - from + 1 }, (_, i) => event(from + i));

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TributaryError);
    return (error as TributaryError).code;
  }
  throw new Error('expected the operation to fail');
}

for (const backend of BACKENDS) {
  describe(`RunStore conformance: ${backend.name}`, () => {
    let store: RunStore;

    beforeEach(async () => {
      store = await backend.open();
    });

    afterEach(async () => {
      await store.close();
    });

    describe('runs', () => {
      it('createRun then getRun returns every field', async () => {
        const full = record('r1', {
          dagId: 'daily.report-v2',
          status: 'running',
          params: { day: '2026-11-21', n: 3, nested: { list: [1, 'two', null, true] } },
          partitionKey: '2026-11-21',
          graph: '{"nodes":[{"name":"a"}],"edges":[]}',
          createdAt: 1_700_000_000_123.5,
          updatedAt: 1_700_000_000_124,
          finishedAt: 1_700_000_000_999,
          module: '/abs/path/defs.ts',
          durability: 'full',
          codec: 'json',
          runKey: 'backfill-7',
          origin: 'run:r0',
        });
        await store.createRun(full);
        expect(await store.getRun('r1')).toStrictEqual(full);
      });

      it('a run identity (dag, period, key) is held by one run; findRun returns it', async () => {
        await store.createRun(record('r1', { partitionKey: '2026-12-05', runKey: '' }));
        await store.createRun(record('r2', { partitionKey: '2026-12-06', runKey: '' }));
        await store.createRun(
          record('r3', { dagId: 'other', partitionKey: '2026-12-05', runKey: '' }),
        );
        await store.createRun(record('r4', { partitionKey: '2026-12-05', runKey: 'rerun' }));
        // Without a key the run id is the key: manual runs never collide.
        await store.createRun(record('m1'));
        await store.createRun(record('m2'));
        let caught: unknown;
        try {
          await store.createRun(record('r5', { partitionKey: '2026-12-05', runKey: '' }));
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(TributaryError);
        expect(caught).toMatchObject({
          code: 'RUN_EXISTS',
          context: { runId: 'r5', existingRunId: 'r1', periodKey: '2026-12-05', runKey: '' },
        });
        expect(await store.getRun('r5')).toBeUndefined();
        expect((await store.findRun('etl', '2026-12-05', ''))?.runId).toBe('r1');
        expect((await store.findRun('etl', '2026-12-05', 'rerun'))?.runId).toBe('r4');
        expect((await store.findRun('etl', '', 'm2'))?.runId).toBe('m2');
        expect(await store.findRun('etl', '2026-12-07', '')).toBeUndefined();
        expect(
          (await store.listRuns({ periodKey: '2026-12-05' })).map((r) => r.runId).sort(),
        ).toEqual(['r1', 'r3', 'r4']);
        expect((await store.listRuns({ periodKey: '' })).map((r) => r.runId).sort()).toEqual([
          'm1',
          'm2',
        ]);
      });

      it('optional fields that were not given are absent, not undefined or null', async () => {
        await store.createRun(record('r1'));
        const run = (await store.getRun('r1'))!;
        for (const key of [
          'partitionKey',
          'runKey',
          'finishedAt',
          'owner',
          'module',
          'durability',
          'codec',
        ]) {
          expect(Object.keys(run)).not.toContain(key);
        }
        expect(run).toStrictEqual(record('r1'));
      });

      it('getRun of an unknown id is undefined', async () => {
        expect(await store.getRun('nope')).toBeUndefined();
      });

      it('a second createRun with the same id fails and keeps the first', async () => {
        await store.createRun(record('r1', { dagId: 'first' }));
        await expect(store.createRun(record('r1', { dagId: 'second' }))).rejects.toThrow();
        expect((await store.getRun('r1'))?.dagId).toBe('first');
      });

      it('listRuns filters by dagId and status, alone and together', async () => {
        await store.createRun(record('a1', { dagId: 'a', status: 'running', createdAt: 1 }));
        await store.createRun(record('a2', { dagId: 'a', status: 'succeeded', createdAt: 2 }));
        await store.createRun(record('b1', { dagId: 'b', status: 'succeeded', createdAt: 3 }));
        await store.createRun(record('b2', { dagId: 'b', status: 'failed', createdAt: 4 }));
        const ids = (runs: RunSummary[]) => runs.map((r) => r.runId);
        expect(ids(await store.listRuns())).toEqual(['b2', 'b1', 'a2', 'a1']);
        expect(ids(await store.listRuns({ dagId: 'a' }))).toEqual(['a2', 'a1']);
        expect(ids(await store.listRuns({ status: 'succeeded' }))).toEqual(['b1', 'a2']);
        expect(ids(await store.listRuns({ dagId: 'b', status: 'failed' }))).toEqual(['b2']);
        expect(ids(await store.listRuns({ dagId: 'a', status: 'failed' }))).toEqual([]);
        expect(ids(await store.listRuns({ dagId: 'zzz' }))).toEqual([]);
      });

      it('listRuns startedBy: the runs a run started, by its triggers or its tasks', async () => {
        const runs: [string, string | undefined][] = [
          ['up', 'cli:ann'],
          ['t1', 'run:up'],
          ['t2', 'task:up/load'],
          ['t3', 'task:up/a/b'], // a node name may hold `/`
          ['o1', 'run:up2'], // another run whose id starts the same
          ['o2', 'task:up2/load'],
          ['o3', 'task:u%/load'], // LIKE's wildcards are plain characters here
          ['o4', 'schedule'],
          ['o5', undefined],
        ];
        let at = 1;
        for (const [runId, origin] of runs)
          await store.createRun(
            record(runId, { createdAt: at++, ...(origin === undefined ? {} : { origin }) }),
          );
        const ids = (list: RunSummary[]) => list.map((r) => r.runId);
        expect(ids(await store.listRuns({ startedBy: 'up' }))).toEqual(['t3', 't2', 't1']);
        expect(ids(await store.listRuns({ startedBy: 'u%' }))).toEqual(['o3']);
        expect(ids(await store.listRuns({ startedBy: 'u_' }))).toEqual([]);
        expect(ids(await store.listRuns({ startedBy: 'up', limit: 1 }))).toEqual(['t3']);
        expect(ids(await store.listRuns({ startedBy: 'up', dagId: 'other' }))).toEqual([]);
        expect(ids(await store.listRuns({ startedBy: 't1' }))).toEqual([]);
      });

      it('listRuns sees status changes made by commit', async () => {
        await store.createRun(record('r1'));
        await store.commit('r1', { events: [], run: { status: 'failed', finishedAt: 5 } });
        expect((await store.listRuns({ status: 'running' })).length).toBe(0);
        expect((await store.listRuns({ status: 'failed' })).map((r) => r.runId)).toEqual(['r1']);
      });

      it('listRuns is newest first (ties by id, descending), limited, 50 by default', async () => {
        // Created out of order; r07 and r08 share a creation time.
        const order = [3, 7, 1, 8, 0, 5, 2, 6, 4];
        for (const i of order) {
          await store.createRun(
            record(`r0${i}`, { createdAt: i === 8 ? 7_000 : i * 1_000, params: { i } }),
          );
        }
        const all = await store.listRuns();
        expect(all.map((r) => r.runId)).toEqual([
          'r08',
          'r07',
          'r06',
          'r05',
          'r04',
          'r03',
          'r02',
          'r01',
          'r00',
        ]);
        // A summary: the record without its graph (which can be megabytes).
        const { graph: _graph, ...summary } = record('r08', { createdAt: 7_000, params: { i: 8 } });
        expect(all[0]).toStrictEqual(summary);
        expect((await store.listRuns({ limit: 3 })).map((r) => r.runId)).toEqual([
          'r08',
          'r07',
          'r06',
        ]);
        expect(await store.listRuns({ limit: 0 })).toEqual([]);
        for (let i = 10; i < 60; i++)
          await store.createRun(record(`r${i}`, { createdAt: i * 1_000 }));
        const page = await store.listRuns();
        expect(page).toHaveLength(50);
        expect(page[0]!.runId).toBe('r59');
        expect((await store.listRuns({ limit: 100 })).length).toBe(59);
      });
    });

    describe('commit and loadEvents', () => {
      it('appends events in order and keeps every field', async () => {
        await store.createRun(record('r1'));
        const batch: StoredEvent[] = [
          {
            seq: 1,
            type: 'task_started',
            node: 'extract',
            at: 1_700_000_000_001.25,
            body: '{"a":1}',
          },
          {
            seq: 2,
            type: 'run_finished',
            at: 1_700_000_000_002,
            body: '{"text":"héllo 🌊 \\"q\\""}',
          },
          { seq: 3, type: 'task_succeeded', node: 'extract', at: 3, body: 'x'.repeat(100_000) },
        ];
        await store.commit('r1', { events: batch.slice(0, 1) });
        await store.commit('r1', { events: batch.slice(1) });
        const loaded = await store.loadEvents('r1');
        expect(loaded).toStrictEqual(batch);
        expect(Object.keys(loaded[1]!)).not.toContain('node');
      });

      it('loadEvents(afterSeq) returns only later entries, in order', async () => {
        await store.createRun(record('r1'));
        await store.commit('r1', { events: events(1, 4) });
        await store.commit('r1', { events: events(5, 7) });
        expect((await store.loadEvents('r1', 0)).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
        expect((await store.loadEvents('r1', 4)).map((e) => e.seq)).toEqual([5, 6, 7]);
        expect((await store.loadEvents('r1', 6)).map((e) => e.seq)).toEqual([7]);
        expect(await store.loadEvents('r1', 7)).toEqual([]);
        expect(await store.loadEvents('r1', 100)).toEqual([]);
      });

      it('a new run has an empty journal; journals of runs are independent', async () => {
        await store.createRun(record('r1'));
        await store.createRun(record('r2'));
        expect(await store.loadEvents('r1')).toEqual([]);
        await store.commit('r1', { events: events(1, 3) });
        await store.commit('r2', { events: [event(1, { node: 'other' })] });
        expect((await store.loadEvents('r1')).map((e) => e.node)).toEqual(['n1', 'n2', 'n3']);
        expect((await store.loadEvents('r2')).map((e) => e.node)).toEqual(['other']);
      });

      it('updates run fields together with the events', async () => {
        await store.createRun(record('r1'));
        await store.commit('r1', {
          events: events(1, 2),
          run: { status: 'succeeded', finishedAt: 9_000 },
        });
        const run = (await store.getRun('r1'))!;
        expect(run.status).toBe('succeeded');
        expect(run.finishedAt).toBe(9_000);
        expect(run.updatedAt).not.toBe(1_000);
        expect(run.createdAt).toBe(1_000);
        expect((await store.loadEvents('r1')).length).toBe(2);
      });

      it('a commit with run fields only changes the run; undefined fields are left alone', async () => {
        await store.createRun(record('r1', { module: '/m.ts' }));
        await store.commit('r1', { events: [], run: { status: 'failed' } });
        await store.commit('r1', { events: [], run: { status: undefined, finishedAt: undefined } });
        const run = (await store.getRun('r1'))!;
        expect(run).toMatchObject({ status: 'failed', module: '/m.ts' });
        expect(Object.keys(run)).not.toContain('finishedAt');
        expect(await store.loadEvents('r1')).toEqual([]);
      });

      it('a reopened run goes back to queued and loses its finish time (finishedAt null)', async () => {
        await store.createRun(record('r1'));
        await store.commit('r1', { events: [], run: { status: 'failed', finishedAt: 9_000 } });
        await store.commit('r1', { events: [], run: { status: 'queued', finishedAt: null } });
        const run = (await store.getRun('r1'))!;
        expect(run.status).toBe('queued');
        expect(Object.keys(run)).not.toContain('finishedAt');
        expect((await store.listRuns({ status: 'queued' })).map((r) => r.runId)).toEqual(['r1']);
      });

      it('an empty commit still succeeds', async () => {
        await store.createRun(record('r1'));
        await store.commit('r1', { events: [] });
        expect(await store.loadEvents('r1')).toEqual([]);
      });
    });

    describe('the journal is gap-free', () => {
      async function seeded(): Promise<void> {
        await store.createRun(record('r1'));
        await store.commit('r1', { events: events(1, 3) });
      }

      async function expectUnchanged(): Promise<void> {
        expect((await store.loadEvents('r1')).map((e) => e.seq)).toEqual([1, 2, 3]);
        const run = (await store.getRun('r1'))!;
        expect(run.status).toBe('running');
        expect(Object.keys(run)).not.toContain('finishedAt');
        expect(await store.listRuns({ status: 'failed' })).toEqual([]);
      }

      it.each([
        ['a gap', [5]],
        ['a repeated last seq', [3]],
        ['a seq from the start', [1, 2]],
        ['seq 0', [0]],
        ['a gap inside the commit', [4, 6]],
        ['a duplicate inside the commit', [4, 4]],
        ['a step back inside the commit', [4, 5, 4]],
      ])('%s fails with STORE_CORRUPT and writes nothing', async (_, seqs) => {
        await seeded();
        const commit = store.commit('r1', {
          events: seqs.map((seq) => event(seq)),
          run: { status: 'failed', finishedAt: 1 },
        });
        expect(await codeOf(commit)).toBe('STORE_CORRUPT');
        await expectUnchanged();
        // The journal goes on from where it was.
        await store.commit('r1', { events: [event(4)] });
        expect((await store.loadEvents('r1', 3)).map((e) => e.seq)).toEqual([4]);
      });

      it('the error names the run and the expected and received seq', async () => {
        await seeded();
        const error = await store.commit('r1', { events: [event(7)] }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(TributaryError);
        expect((error as TributaryError).context).toMatchObject({
          runId: 'r1',
          expected: 4,
          got: 7,
        });
        expect((error as Error).message).toContain('r1');
      });

      it('the first commit of a run must start at seq 1', async () => {
        await store.createRun(record('r1'));
        expect(await codeOf(store.commit('r1', { events: [event(2)] }))).toBe('STORE_CORRUPT');
        expect(await store.loadEvents('r1')).toEqual([]);
      });
    });

    describe('unknown runs', () => {
      it.each([
        ['with events from seq 1', [1]],
        ['with events from another seq', [4]],
        ['with run fields only', []],
      ])('commit %s fails with RUN_NOT_FOUND and writes nothing', async (_, seqs) => {
        const commit = store.commit('ghost', {
          events: seqs.map((seq) => event(seq)),
          run: { status: 'failed' },
        });
        expect(await codeOf(commit)).toBe('RUN_NOT_FOUND');
        expect(await store.getRun('ghost')).toBeUndefined();
        // Created later, the run starts with an empty journal.
        await store.createRun(record('ghost'));
        expect(await store.loadEvents('ghost')).toEqual([]);
        expect((await store.getRun('ghost'))?.status).toBe('running');
      });

      it('loadEvents of an unknown run fails with RUN_NOT_FOUND', async () => {
        expect(await codeOf(store.loadEvents('ghost'))).toBe('RUN_NOT_FOUND');
      });

      it.each([
        [
          'addRequest',
          (st: RunStore) => st.addRequest('ghost', { kind: 'cancel', actor: 'cli', at: 1 }),
        ],
        ['pendingRequests', (st: RunStore) => st.pendingRequests('ghost')],
        ['loadLogs', (st: RunStore) => st.loadLogs('ghost')],
      ])('%s of an unknown run fails with RUN_NOT_FOUND', async (_, call) => {
        expect(await codeOf(call(store))).toBe('RUN_NOT_FOUND');
        expect(await store.getRun('ghost')).toBeUndefined();
      });
    });

    describe('leases', () => {
      const KEY = 'run:r1';

      it('the first acquisition gets fence 1; the holder shows as the run owner', async () => {
        await store.createRun(record('r1'));
        expect(await store.getLease(KEY)).toBeUndefined();
        const before = Date.now();
        const attempt = await store.acquireLease(KEY, 'host:1:a', 30_000);
        expect(attempt.acquired).toBe(true);
        const lease = (attempt as { lease: Lease }).lease;
        expect(lease).toMatchObject({ key: KEY, owner: 'host:1:a', fence: 1 });
        expect(lease.expiresAt).toBeGreaterThanOrEqual(before + 30_000);
        expect(await store.getLease(KEY)).toEqual(lease);
        expect((await store.getRun('r1'))?.owner).toBe('host:1:a');
        expect((await store.listRuns())[0]?.owner).toBe('host:1:a');
      });

      it('a held, unexpired lease is refused to another owner, who learns the holder', async () => {
        const first = await store.acquireLease(KEY, 'a', 30_000);
        const second = await store.acquireLease(KEY, 'b', 30_000);
        expect(second).toEqual({ acquired: false, holder: (first as { lease: Lease }).lease });
      });

      it('an expired lease, a released one and force each go to the new owner with a higher fence', async () => {
        const a = await store.acquireLease(KEY, 'a', -1); // already expired
        const b = await store.acquireLease(KEY, 'b', 30_000);
        expect(b).toMatchObject({ acquired: true, lease: { owner: 'b', fence: 2 } });
        const c = await store.acquireLease(KEY, 'c', 30_000, { force: true });
        expect(c).toMatchObject({ acquired: true, lease: { owner: 'c', fence: 3 } });
        await store.releaseLease((c as { lease: Lease }).lease);
        expect(await store.getLease(KEY)).toBeUndefined();
        // The fence never goes back, even after a release.
        const d = await store.acquireLease(KEY, 'd', 30_000);
        expect(d).toMatchObject({ acquired: true, lease: { owner: 'd', fence: 4 } });
        expect(a.acquired).toBe(true);
      });

      it('renew extends the holder; a lost lease cannot be renewed or released', async () => {
        const a = ((await store.acquireLease(KEY, 'a', 1_000)) as { lease: Lease }).lease;
        const renewed = await store.renewLease(a, 60_000);
        expect(renewed.fence).toBe(a.fence);
        expect(renewed.expiresAt).toBeGreaterThan(a.expiresAt);
        const b = (
          (await store.acquireLease(KEY, 'b', 30_000, { force: true })) as { lease: Lease }
        ).lease;
        expect(await codeOf(store.renewLease(a, 60_000))).toBe('LEASE_LOST');
        await store.releaseLease(a); // a no-op: b keeps it
        expect(await store.getLease(KEY)).toEqual(b);
      });

      it('ifFence takes over only from the holder it names: of two racing takeovers one wins', async () => {
        const dead = ((await store.acquireLease(KEY, 'dead', 30_000)) as { lease: Lease }).lease;
        const [x, y] = await Promise.all([
          store.acquireLease(KEY, 'x', 30_000, { ifFence: dead.fence }),
          store.acquireLease(KEY, 'y', 30_000, { ifFence: dead.fence }),
        ]);
        expect([x.acquired, y.acquired].filter(Boolean)).toHaveLength(1);
        const winner = x.acquired ? x.lease : (y as { lease: Lease }).lease;
        expect(winner.fence).toBe(dead.fence + 1);
        expect(x.acquired ? y : x).toEqual({ acquired: false, holder: winner });
      });

      it('leases of different keys are independent', async () => {
        await store.acquireLease('run:x', 'a', 30_000);
        expect(await store.acquireLease('run:y', 'b', 30_000)).toMatchObject({ acquired: true });
        expect(await store.acquireLease('scheduler', 'c', 30_000)).toMatchObject({
          acquired: true,
          lease: { fence: 1 },
        });
      });

      it('a commit with a stale or released fence fails with LEASE_LOST and writes nothing', async () => {
        await store.createRun(record('r1'));
        const a = ((await store.acquireLease(KEY, 'a', 30_000)) as { lease: Lease }).lease;
        await store.commit('r1', { events: events(1, 2), fence: a.fence });
        const b = (
          (await store.acquireLease(KEY, 'b', 30_000, { force: true })) as { lease: Lease }
        ).lease;
        const stale = store.commit('r1', {
          events: events(3, 3),
          run: { status: 'failed' },
          fence: a.fence,
          logs: [log('x')],
        });
        expect(await codeOf(stale)).toBe('LEASE_LOST');
        expect((await store.loadEvents('r1')).map((e) => e.seq)).toEqual([1, 2]);
        expect((await store.getRun('r1'))?.status).toBe('running');
        expect(await store.loadLogs('r1')).toEqual([]);
        await store.commit('r1', { events: events(3, 3), fence: b.fence });
        await store.releaseLease(b);
        expect(await codeOf(store.commit('r1', { events: events(4, 4), fence: b.fence }))).toBe(
          'LEASE_LOST',
        );
      });

      it('many owners racing for one lease: exactly one wins', async () => {
        const attempts = await Promise.all(
          Array.from({ length: 20 }, (_, i) => store.acquireLease(KEY, `o${i}`, 30_000)),
        );
        expect(attempts.filter((a) => a.acquired)).toHaveLength(1);
      });
    });

    describe('requests', () => {
      it('are pending in id order until a commit completes them with the journal entries', async () => {
        await store.createRun(record('r1'));
        await store.createRun(record('r2'));
        const cancel = await store.addRequest('r1', { kind: 'cancel', actor: 'cli:ann', at: 5 });
        const modify = await store.addRequest('r1', {
          kind: 'modify',
          actor: 'cli:bob',
          at: 6,
          body: '{"addNodes":[]}',
        });
        await store.addRequest('r2', { kind: 'cancel', actor: 'cli:cy', at: 7 });
        expect(modify).toBeGreaterThan(cancel);
        const pending = await store.pendingRequests('r1');
        expect(pending).toEqual([
          { runId: 'r1', id: cancel, kind: 'cancel', actor: 'cli:ann', at: 5, state: 'pending' },
          {
            runId: 'r1',
            id: modify,
            kind: 'modify',
            actor: 'cli:bob',
            at: 6,
            body: '{"addNodes":[]}',
            state: 'pending',
          },
        ]);
        await store.commit('r1', {
          events: events(1, 1),
          requests: [{ id: modify, state: 'rejected', outcome: '{"code":"CYCLE_DETECTED"}' }],
        });
        expect((await store.pendingRequests('r1')).map((r) => r.id)).toEqual([cancel]);
        expect(await store.getRequest('r1', modify)).toMatchObject({
          state: 'rejected',
          outcome: '{"code":"CYCLE_DETECTED"}',
        });
        expect(await store.getRequest('r1', 999_999)).toBeUndefined();
        expect(await store.pendingRequests('r2')).toHaveLength(1);
      });

      it('a commit that completes an unknown request fails and writes nothing', async () => {
        await store.createRun(record('r1'));
        const commit = store.commit('r1', {
          events: events(1, 1),
          requests: [{ id: 12_345, state: 'applied', outcome: '{}' }],
        });
        expect(await codeOf(commit)).toBe('INVALID_ARGUMENT');
        expect(await store.loadEvents('r1')).toEqual([]);
      });
    });

    describe('logs', () => {
      it('are stored with commits, in order, filtered by node and after an id', async () => {
        await store.createRun(record('r1'));
        await store.createRun(record('r2'));
        await store.commit('r1', { events: [], logs: [log('one'), log('two', 'b')] });
        await store.commit('r2', { events: [], logs: [log('other')] });
        await store.commit('r1', {
          events: [],
          logs: [{ ...log('three'), level: 'error', source: 'stderr', fields: '{"n":1}' }],
        });
        const all = await store.loadLogs('r1');
        expect(all.map((l) => l.message)).toEqual(['one', 'two', 'three']);
        expect(all[0]).toStrictEqual({ ...log('one'), id: all[0]!.id });
        expect(all[2]).toMatchObject({ level: 'error', source: 'stderr', fields: '{"n":1}' });
        expect((await store.loadLogs('r1', { node: 'b' })).map((l) => l.message)).toEqual(['two']);
        expect((await store.loadLogs('r1', { afterId: all[0]!.id })).map((l) => l.message)).toEqual(
          ['two', 'three'],
        );
        expect((await store.loadLogs('r1', { limit: 1 })).map((l) => l.message)).toEqual(['one']);
        expect(all[1]!.id).toBeGreaterThan(all[0]!.id);
      });
    });

    describe('artifacts', () => {
      it('put then get; a missing key is undefined', async () => {
        await store.createRun(record('r1'));
        await store.putArtifact('r1', 'big#1', '{"rows":[1,2,3]}');
        expect(await store.getArtifact('r1', 'big#1')).toBe('{"rows":[1,2,3]}');
        expect(await store.getArtifact('r1', 'big#2')).toBeUndefined();
        expect(await store.getArtifact('other', 'big#1')).toBeUndefined();
      });

      it('a second put of the same key overwrites it', async () => {
        await store.createRun(record('r1'));
        await store.putArtifact('r1', 'k', 'first');
        await store.putArtifact('r1', 'k', 'second');
        expect(await store.getArtifact('r1', 'k')).toBe('second');
      });

      it('keys are per run; bodies are kept exactly, large ones included', async () => {
        await store.createRun(record('r1'));
        await store.createRun(record('r2'));
        const large = JSON.stringify({ text: 'é🌊'.repeat(200_000) });
        await store.putArtifact('r1', 'k', large);
        await store.putArtifact('r2', 'k', '');
        expect(await store.getArtifact('r1', 'k')).toBe(large);
        expect(await store.getArtifact('r2', 'k')).toBe('');
      });
    });

    describe('snapshots', () => {
      it('keeps the latest snapshot per run; an older one never replaces a newer one', async () => {
        await store.createRun(record('r1'));
        await store.createRun(record('r2'));
        expect(await store.getSnapshot('r1')).toBeUndefined();
        await store.putSnapshot('r1', 10, 'ten');
        await store.putSnapshot('r1', 30, 'thirty');
        await store.putSnapshot('r1', 20, 'twenty');
        await store.putSnapshot('r2', 5, 'five');
        expect(await store.getSnapshot('r1')).toEqual({ seq: 30, body: 'thirty' });
        expect(await store.getSnapshot('r2')).toEqual({ seq: 5, body: 'five' });
      });

      it('a snapshot of an unknown run is RUN_NOT_FOUND', async () => {
        expect(await codeOf(store.putSnapshot('nope', 1, 'x'))).toBe('RUN_NOT_FOUND');
      });
    });

    describe('signals', () => {
      const set = (name: string, periodKey?: string, payload?: unknown, at = 5_000) =>
        store.setSignal({
          name,
          ...(periodKey === undefined ? {} : { periodKey }),
          ...(payload === undefined ? {} : { payload }),
          setBy: 'cli:ops',
          at,
        });

      it('keeps every set and clear; the current value is the latest unless cleared', async () => {
        const first = await set('legacy.export', undefined, { rows: 10 });
        expect(first).toMatchObject({
          name: 'legacy.export',
          periodKey: '',
          payload: { rows: 10 },
          setBy: 'cli:ops',
          setAt: 5_000,
          cleared: false,
        });
        const second = await set('legacy.export', undefined, { rows: 12 }, 6_000);
        expect(second.id).toBeGreaterThan(first.id);
        expect(await store.getSignal('legacy.export')).toEqual(second);
        const cleared = await store.clearSignal('legacy.export', '', 'cli:admin', 7_000);
        expect(cleared).toMatchObject({ cleared: true, setBy: 'cli:admin', payload: undefined });
        expect(await store.getSignal('legacy.export')).toBeUndefined();
        expect(await store.listSignals()).toEqual([]);
        expect((await store.signalHistory('legacy.export')).map((h) => h.payload)).toEqual([
          { rows: 10 },
          { rows: 12 },
          undefined,
        ]);
        // Clearing a signal that is not set writes nothing.
        const head = await store.feedHead();
        expect(await store.clearSignal('legacy.export', '', 'cli:admin', 8_000)).toBeUndefined();
        expect(await store.signalHistory('legacy.export')).toHaveLength(3);
        expect(await store.feedHead()).toBe(head);
      });

      it('one name has a value per period; lists are sorted by name then period', async () => {
        await set('b.ready', '2026-12-06');
        await set('a.ready');
        await set('b.ready', '2026-12-05', true);
        expect((await store.listSignals()).map((s) => [s.name, s.periodKey])).toEqual([
          ['a.ready', ''],
          ['b.ready', '2026-12-05'],
          ['b.ready', '2026-12-06'],
        ]);
        expect(
          (await store.listSignals({ name: 'b.ready', periodKey: '2026-12-05' })).map(
            (s) => s.payload,
          ),
        ).toEqual([true]);
        expect(await store.getSignal('b.ready')).toBeUndefined();
        expect(await store.listSignals({ limit: 1 })).toHaveLength(1);
      });

      it('refuses a name or payload it cannot keep, writing nothing', async () => {
        expect(await codeOf(set('has space'))).toBe('INVALID_ARGUMENT');
        expect(await codeOf(set(''))).toBe('INVALID_ARGUMENT');
        expect(await codeOf(set('ok', 'bad key'))).toBe('INVALID_ARGUMENT');
        expect(await codeOf(set('ok', undefined, { at: new Date(0) }))).toBe('NOT_SERIALIZABLE');
        expect(await codeOf(set('ok', undefined, { n: 1n }))).toBe('NOT_SERIALIZABLE');
        expect(await store.signalHistory('ok')).toEqual([]);
        expect(await store.feedHead()).toBe(0);
      });
    });

    describe('change feed', () => {
      it('records run creation, status changes and signals, in order', async () => {
        await store.createRun(record('r1', { partitionKey: '2026-12-05', status: 'running' }));
        await store.commit('r1', { events: events(1, 2) }); // no status: no change
        await store.commit('r1', { events: [], run: { status: 'succeeded', finishedAt: 9_000 } });
        await store.setSignal({ name: 'go', setBy: 'x', at: 9_500 });
        await store.clearSignal('go', '', 'x', 9_600);
        const changes = await store.changesSince(0);
        expect(changes.map(({ seq: _seq, at: _at, ...rest }) => rest)).toEqual([
          {
            kind: 'run.created',
            subject: 'r1',
            dagId: 'etl',
            periodKey: '2026-12-05',
            status: 'running',
          },
          {
            kind: 'run.status',
            subject: 'r1',
            dagId: 'etl',
            periodKey: '2026-12-05',
            status: 'succeeded',
          },
          { kind: 'signal.set', subject: 'go', periodKey: '' },
          { kind: 'signal.cleared', subject: 'go', periodKey: '' },
        ]);
        const seqs = changes.map((c) => c.seq);
        expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
        expect(new Set(seqs).size).toBe(4);
        expect(await store.feedHead()).toBe(seqs[3]);
        expect((await store.changesSince(seqs[1]!)).map((c) => c.kind)).toEqual([
          'signal.set',
          'signal.cleared',
        ]);
        expect(await store.changesSince(seqs[0]!, 1)).toHaveLength(1);
      });

      it('a refused commit records no change', async () => {
        await store.createRun(record('r1'));
        const head = await store.feedHead();
        expect(
          await codeOf(store.commit('r1', { events: events(5, 5), run: { status: 'failed' } })),
        ).toBe('STORE_CORRUPT'); // a gap in the journal
        expect(await store.feedHead()).toBe(head);
      });

      it('waitForChange resolves on a change made while it waits, at once when behind', async () => {
        const head = await store.feedHead();
        let woke: boolean | undefined;
        const waiting = store.waitForChange(head, { maxWaitMs: 60_000 }).then((changed) => {
          woke = changed;
        });
        await new Promise((r) => setTimeout(r, 20));
        expect(woke).toBeUndefined();
        await store.setSignal({ name: 'go', setBy: 'x', at: 1 });
        await waiting;
        expect(woke).toBe(true);
        // Behind the head: true at once. Aborted, or out of time: false.
        expect(await store.waitForChange(head, { maxWaitMs: 60_000 })).toBe(true);
        const now = await store.feedHead();
        const signal = AbortSignal.abort();
        expect(await store.waitForChange(now, { maxWaitMs: 60_000, signal })).toBe(false);
        expect(await store.waitForChange(now, { maxWaitMs: 1 })).toBe(false);
      });
    });

    describe('scheduler state', () => {
      const trigger = (dagId: string, periodKey = '', origin = 'cli:ops') => ({
        dagId,
        periodKey,
        runKey: '',
        origin,
        at: 10_000,
      });

      it('keeps named marks, and a fenced write needs the current role lease', async () => {
        expect(await store.getMark('feed')).toBeUndefined();
        await store.setMark('feed', '41');
        await store.setMark('feed', '42');
        expect(await store.getMark('feed')).toBe('42');
        const first = await store.acquireLease('scheduler', 'a', 60_000);
        if (!first.acquired) throw new Error('expected the role');
        await store.setMark('feed', '43', { key: 'scheduler', fence: first.lease.fence });
        const second = await store.acquireLease('scheduler', 'b', 60_000, { force: true });
        if (!second.acquired) throw new Error('expected the role');
        expect(
          await codeOf(store.setMark('feed', '44', { key: 'scheduler', fence: first.lease.fence })),
        ).toBe('LEASE_LOST');
        expect(await store.getMark('feed')).toBe('43');
      });

      it('pauses and unpauses DAGs once each, with who and when, on the feed', async () => {
        expect(await store.setPaused('sales', true, 'cli:ann', 1_000)).toBe(true);
        expect(await store.setPaused('sales', true, 'cli:bob', 2_000)).toBe(false);
        expect(await store.setPaused('report', true, 'cli:bob', 3_000)).toBe(true);
        expect(await store.pausedDags()).toEqual([
          { dagId: 'report', by: 'cli:bob', at: 3_000 },
          { dagId: 'sales', by: 'cli:ann', at: 1_000 },
        ]);
        expect(await store.setPaused('sales', false, 'cli:ann', 4_000)).toBe(true);
        expect(await store.setPaused('sales', false, 'cli:ann', 5_000)).toBe(false);
        expect((await store.pausedDags()).map((p) => p.dagId)).toEqual(['report']);
        expect((await store.changesSince(0)).map((c) => [c.kind, c.subject])).toEqual([
          ['dag.paused', 'sales'],
          ['dag.paused', 'report'],
          ['dag.unpaused', 'sales'],
        ]);
      });

      it('an outbox of triggers: added alone or with a run commit, handled in order', async () => {
        await store.addTriggers([
          trigger('report', 'p1'),
          { ...trigger('mailer'), params: '{"n":1}' },
        ]);
        await store.createRun(record('r1'));
        await store.commit('r1', {
          events: events(1, 1),
          run: { status: 'succeeded' },
          triggers: [trigger('publish', 'p1', 'run:r1')],
        });
        const pending = await store.pendingTriggers();
        expect(pending.map((t) => [t.dagId, t.periodKey, t.origin, t.state])).toEqual([
          ['report', 'p1', 'cli:ops', 'pending'],
          ['mailer', '', 'cli:ops', 'pending'],
          ['publish', 'p1', 'run:r1', 'pending'],
        ]);
        expect(pending[1]!.params).toBe('{"n":1}');
        await store.completeTrigger(pending[0]!.id, { runId: 'run-7' });
        await store.completeTrigger(pending[1]!.id, {
          refused: 'params refused: n must be a string',
        });
        expect((await store.pendingTriggers()).map((t) => t.dagId)).toEqual(['publish']);
        expect(await store.pendingTriggers(1)).toHaveLength(1);
        expect(await codeOf(store.completeTrigger(999, { runId: 'x' }))).toBe('INVALID_ARGUMENT');
        // Every trigger stays listed with what came of it, newest first.
        expect(
          (await store.listTriggers()).map((t) => [t.dagId, t.state, t.runId, t.reason]),
        ).toEqual([
          ['publish', 'pending', undefined, undefined],
          ['mailer', 'refused', undefined, 'params refused: n must be a string'],
          ['report', 'done', 'run-7', undefined],
        ]);
        expect((await store.listTriggers({ state: 'refused' })).map((t) => t.dagId)).toEqual([
          'mailer',
        ]);
        expect((await store.listTriggers({ dagId: 'report', limit: 1 })).map((t) => t.id)).toEqual([
          pending[0]!.id,
        ]);
        const kinds = (await store.changesSince(0)).map((c) => c.kind);
        expect(kinds.filter((k) => k === 'trigger.added')).toHaveLength(3);
      });

      it('the triggers of a refused commit are not written', async () => {
        await store.createRun(record('r1'));
        expect(
          await codeOf(
            store.commit('r1', { events: events(3, 3), triggers: [trigger('publish')] }),
          ),
        ).toBe('STORE_CORRUPT');
        expect(await store.pendingTriggers()).toEqual([]);
      });
    });

    retentionCases(() => store);
    notificationCases(() => store);
    assetCases(() => store);
    backfillCases(() => store);

    describe('close', () => {
      it('resolves, and a second close resolves too', async () => {
        await store.createRun(record('r1'));
        await store.close();
        await store.close();
      });
    });
  });
}
