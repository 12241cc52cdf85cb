import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackfill, Scheduler, type BackfillRequest } from '../../src/orchestrator/index.js';
import { MemoryStore } from '../../src/store/index.js';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import { chainProject } from '../fixtures/backfill-chain/dags.js';
import { checkJournals, runsOf, seeded, seedOfRun, spawnScript } from './kill-harness.js';

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
    const seed = seedOfRun();
    const next = seeded(seed);
    const db = join(dir, 'backfill.db');
    const store = SqliteStore.open(db);
    try {
      const project = chainProject();
      const backfill = await createBackfill(project.dags, store, REQUEST);
      let current = spawnScript(RUNNER, [db]);
      for (let kill = 0; kill < KILLS; kill++) {
        await new Promise((r) => setTimeout(r, 300 + next() * 1_200));
        current.child.kill('SIGKILL');
        await current.exited;
        current = spawnScript(RUNNER, [db]);
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
      const interrupted = await checkJournals(store, seed);
      console.log(`${KILLS} kills (seed ${seed}): ${interrupted} attempts lost and run again`);
    } finally {
      await store.close();
    }
  }, 300_000);
});
