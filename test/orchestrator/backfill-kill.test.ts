import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonCodec } from '../../src/codec/index.js';
import { loadJournal } from '../../src/durable/index.js';
import { createBackfill, Scheduler, type BackfillRequest } from '../../src/orchestrator/index.js';
import { MemoryStore, type RunStore } from '../../src/store/index.js';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import { chainProject } from '../fixtures/backfill-chain/dags.js';

// A propagating backfill of a three-DAG chain, driven by a scheduler process killed with
// SIGKILL at random points and started again: the same runs as an uninterrupted backfill, none
// made twice, no node that succeeded run again, every downstream run made after its upstream
// run succeeded. TRIBUTARY_SOAK=1 kills it many more times, over a longer range.

const RUNNER = fileURLToPath(new URL('../fixtures/backfill-chain/scheduler.ts', import.meta.url));
const SOAK = process.env.TRIBUTARY_SOAK === '1';
const KILLS = SOAK ? 20 : 4;
const REQUEST: BackfillRequest = {
  dag: 'ingest',
  from: '2024-01-01',
  to: SOAK ? '2024-12-31' : '2024-03-31',
  maxConcurrent: 6,
};
const dir = mkdtempSync(join(tmpdir(), 'tributary-backfill-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A seeded generator (mulberry32), so a failing sequence of kills can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function runner(db: string): { child: ChildProcess; exited: Promise<number> } {
  const child = spawn(process.execPath, ['--import', 'tsx', RUNNER, db], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  return { child, exited };
}

/** `dag period status` of every run, sorted. */
async function runsOf(store: RunStore): Promise<string[]> {
  return (await store.listRuns({ limit: 10_000 }))
    .map((r) => `${r.dagId} ${r.partitionKey ?? ''} ${r.status}`)
    .sort();
}

async function uninterrupted(): Promise<string[]> {
  const store = new MemoryStore();
  const project = chainProject();
  const backfill = await createBackfill(project.dags, store, REQUEST);
  const scheduler = new Scheduler({ project, store });
  expect(await scheduler.acquire()).toBe(true);
  while ((await store.getBackfill(backfill.id))?.state === 'running') {
    await scheduler.step();
    await scheduler.idle();
  }
  await scheduler.release();
  return runsOf(store);
}

describe('a scheduler killed with SIGKILL during a propagating backfill', () => {
  it('makes the same runs as an uninterrupted backfill, none twice, each after its upstream', async () => {
    const expected = await uninterrupted();
    const seed = Number(process.env.TRIBUTARY_SEED ?? Date.now() % 1_000_000);
    const next = random(seed);
    const db = join(dir, 'backfill.db');
    const store = SqliteStore.open(db);
    try {
      const project = chainProject();
      const backfill = await createBackfill(project.dags, store, REQUEST);
      let current = runner(db);
      for (let kill = 0; kill < KILLS; kill++) {
        await new Promise((r) => setTimeout(r, 300 + next() * 1_200));
        current.child.kill('SIGKILL');
        await current.exited;
        current = runner(db);
      }
      expect(await current.exited, `seed ${seed}`).toBe(0);
      expect(await runsOf(store), `seed ${seed}`).toEqual(expected);
      expect((await store.getBackfill(backfill.id))?.state).toBe('succeeded');

      // Each downstream run was made after its upstream run of the same period succeeded.
      const runs = await store.listRuns({ limit: 10_000 });
      const byKey = new Map(runs.map((r) => [`${r.dagId} ${r.partitionKey}`, r]));
      for (const run of runs) {
        const upstream = run.dagId === 'clean' ? 'ingest' : run.dagId === 'report' ? 'clean' : '';
        if (upstream === '') continue;
        const up = byKey.get(`${upstream} ${run.partitionKey}`)!;
        expect(
          run.createdAt,
          `${run.dagId} ${run.partitionKey} (seed ${seed})`,
        ).toBeGreaterThanOrEqual(Math.floor(up.finishedAt!)); // creation times are whole ms
      }
      let interrupted = 0;
      for (const run of runs) {
        const byNode = new Map<string, string[]>();
        for (const entry of await loadJournal(store, run.runId, jsonCodec)) {
          if (!('node' in entry)) continue;
          byNode.set(entry.node, [...(byNode.get(entry.node) ?? []), entry.type]);
        }
        for (const [node, types] of byNode) {
          const what = `${run.dagId} ${run.partitionKey} ${node} (seed ${seed}): ${types.join()}`;
          expect(
            types.filter((t) => t === 'task_succeeded'),
            what,
          ).toHaveLength(1);
          const starts = types.filter((t) => t === 'task_started').length;
          expect(
            types.filter((t) => t === 'task_interrupted'),
            what,
          ).toHaveLength(starts - 1);
          interrupted += starts - 1;
        }
      }
      console.log(`${KILLS} kills (seed ${seed}): ${interrupted} attempts lost and run again`);
    } finally {
      await store.close();
    }
  }, 300_000);
});
