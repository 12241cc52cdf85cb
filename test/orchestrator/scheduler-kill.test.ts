import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Scheduler } from '../../src/orchestrator/index.js';
import { MemoryStore } from '../../src/store/index.js';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import { simProject } from '../fixtures/sim-day/dags.js';
import { checkJournals, runsOf, seeded, seedOfRun, spawnScript } from './kill-harness.js';

// A simulated multi-DAG day (24 hourly runs, each triggering a check; a daily extract, a rollup
// that waits for it, a notification the rollup triggers) run by a scheduler process that is killed with SIGKILL at random points and
// restarted: the same runs as an uninterrupted day, none twice, and no node that succeeded ran
// again. TRIBUTARY_SOAK=1 kills it many more times.

const RUNNER = fileURLToPath(new URL('../fixtures/sim-day/scheduler.ts', import.meta.url));
const SIM_START = Date.UTC(2026, 11, 5, 0, 0, 30);
const SIM_END = Date.UTC(2026, 11, 6, 0, 30);
const KILLS = process.env.TRIBUTARY_SOAK === '1' ? 25 : 4;
const dir = mkdtempSync(join(tmpdir(), 'tributary-sim-day-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runner(db: string, clock: string) {
  // A soak spreads its kills over the day: a simulated hour in 2 s instead of 0.5 s.
  return spawnScript(RUNNER, [db, clock], {
    SIM_SPEED: process.env.TRIBUTARY_SOAK === '1' ? '1800' : '7200',
  });
}

/** The same day without interruption, in this process, hour by hour on a test clock. */
async function uninterruptedDay(): Promise<string[]> {
  const store = new MemoryStore();
  let now = SIM_START;
  const scheduler = new Scheduler({ project: simProject(), store, now: () => now });
  expect(await scheduler.acquire()).toBe(true);
  for (; now <= SIM_END; now += 30 * 60_000) {
    await scheduler.step();
    await scheduler.idle();
  }
  for (let i = 0; i < 3; i++) {
    await scheduler.step(); // the triggered notification, and what it frees
    await scheduler.idle();
  }
  return runsOf(store);
}

describe('a scheduler killed with SIGKILL during a simulated day', () => {
  it('makes the same runs as an uninterrupted day, none twice, re-running no node that succeeded', async () => {
    const expected = await uninterruptedDay();
    expect(expected).toHaveLength(24 + 24 + 3);
    expect(expected.filter((r) => !r.endsWith('succeeded'))).toEqual([]);

    const seed = seedOfRun();
    const next = seeded(seed);
    const db = join(dir, 'day.db');
    const clock = join(dir, 'clock');
    const store = SqliteStore.open(db);
    try {
      // The first scheduler must see the schedules once (a schedule seen for the first time
      // starts from then: that is the rule for a new deployment, not a crash).
      let current = runner(db, clock);
      while ((await store.getMark('schedule:daily_rollup')) === undefined)
        await new Promise((r) => setTimeout(r, 20));
      for (let kill = 0; kill < KILLS; kill++) {
        await new Promise((r) => setTimeout(r, 200 + next() * 1_300));
        current.child.kill('SIGKILL');
        await current.exited;
        current = runner(db, clock);
      }
      expect(await current.exited, `seed ${seed}`).toBe(0);

      expect(await runsOf(store), `seed ${seed}`).toEqual(expected);
      const interrupted = await checkJournals(store, seed);
      // Reported, not asserted: where the kills land is random.
      console.log(`${KILLS} kills (seed ${seed}): ${interrupted} attempts lost and run again`);
    } finally {
      await store.close();
    }
  }, 180_000);
});
