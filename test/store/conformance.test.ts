import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TributaryError } from '../../src/errors/index.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import type { RunRecord, RunStore, RunSummary, StoredEvent } from '../../src/store/run-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

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
          cancelRequestedAt: 1_700_000_000_500,
          owner: 'host:123',
          module: '/abs/path/defs.ts',
        });
        await store.createRun(full);
        expect(await store.getRun('r1')).toStrictEqual(full);
      });

      it('optional fields that were not given are absent, not undefined or null', async () => {
        await store.createRun(record('r1'));
        const run = (await store.getRun('r1'))!;
        for (const key of ['partitionKey', 'finishedAt', 'cancelRequestedAt', 'owner', 'module']) {
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
        await store.createRun(record('r1', { owner: 'host:1' }));
        await store.commit('r1', {
          events: events(1, 2),
          run: { status: 'succeeded', finishedAt: 9_000 },
        });
        const run = (await store.getRun('r1'))!;
        expect(run.status).toBe('succeeded');
        expect(run.finishedAt).toBe(9_000);
        expect(run.owner).toBe('host:1');
        expect(run.updatedAt).not.toBe(1_000);
        expect(run.createdAt).toBe(1_000);
        expect((await store.loadEvents('r1')).length).toBe(2);
      });

      it('a commit with run fields only changes the run; undefined fields are left alone', async () => {
        await store.createRun(record('r1', { owner: 'host:1', module: '/m.ts' }));
        await store.commit('r1', { events: [], run: { owner: 'host:2' } });
        await store.commit('r1', { events: [], run: { status: undefined, finishedAt: undefined } });
        const run = (await store.getRun('r1'))!;
        expect(run).toMatchObject({ status: 'running', owner: 'host:2', module: '/m.ts' });
        expect(Object.keys(run)).not.toContain('finishedAt');
        expect(await store.loadEvents('r1')).toEqual([]);
      });

      it('owner "" clears the owner', async () => {
        await store.createRun(record('r1', { owner: 'host:1' }));
        await store.commit('r1', { events: [], run: { status: 'failed', owner: '' } });
        const run = (await store.getRun('r1'))!;
        expect(run.status).toBe('failed');
        expect(Object.keys(run)).not.toContain('owner');
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

      it('requestCancel of an unknown run fails with RUN_NOT_FOUND', async () => {
        expect(await codeOf(store.requestCancel('ghost', 5))).toBe('RUN_NOT_FOUND');
        expect(await store.getRun('ghost')).toBeUndefined();
      });
    });

    describe('requestCancel', () => {
      it('isCancelRequested is false until a cancel is requested', async () => {
        await store.createRun(record('r1'));
        expect(await store.isCancelRequested('r1')).toBe(false);
        await store.requestCancel('r1', 5);
        expect(await store.isCancelRequested('r1')).toBe(true);
        expect(await store.isCancelRequested('other')).toBe(false);
      });

      it('records the time of the request and touches nothing else', async () => {
        await store.createRun(record('r1', { owner: 'host:1' }));
        await store.requestCancel('r1', 4_242);
        const run = (await store.getRun('r1'))!;
        expect(run.cancelRequestedAt).toBe(4_242);
        expect(run).toMatchObject({ status: 'running', owner: 'host:1', createdAt: 1_000 });
        expect(run.updatedAt).not.toBe(1_000);
        expect(await store.loadEvents('r1')).toEqual([]);
      });

      it('a later request replaces the time', async () => {
        await store.createRun(record('r1'));
        await store.requestCancel('r1', 1);
        await store.requestCancel('r1', 2);
        expect((await store.getRun('r1'))?.cancelRequestedAt).toBe(2);
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

    describe('close', () => {
      it('resolves, and a second close resolves too', async () => {
        await store.createRun(record('r1'));
        await store.close();
        await store.close();
      });
    });
  });
}
