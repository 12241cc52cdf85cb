/**
 * Recovering from a failure without re-running what succeeded: a clear of the failed node and
 * its downstream, in the same run; and a paused DAG that starts nothing until it is unpaused.
 *
 *   npx tsx examples/recovery.ts
 *
 * The same from a shell, with the project in examples/recovery/:
 *   tributary pause report
 *   tributary trigger warehouse                          # load fails: the warehouse is down
 *   tributary clear <runId> --node load --downstream     # once it is back
 *   tributary unpause report
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearRun, jsonCodec, loadProject, Scheduler } from '../src/index.js';
import { loadJournal } from '../src/engine-api.js';
import type { RunStore, SchedulerEvent } from '../src/index.js';
import { SqliteStore } from '../src/store/sqlite/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tributary-recovery-'));
const db = join(dir, 'tributary.db');
const project = await loadProject(
  new URL('recovery/tributary.config.ts', import.meta.url).pathname,
);
const store = SqliteStore.open(db);
const ops = SqliteStore.open(db); // what an operator's shell writes through

const events: SchedulerEvent[] = [];
const stop = new AbortController();
const scheduler = new Scheduler({
  project,
  store,
  onEvent: (event) => {
    events.push(event);
    if (event.kind !== 'role')
      console.log(`scheduler: ${event.kind} ${JSON.stringify({ ...event, kind: undefined })}`);
    if (event.kind === 'finished' && event.dagId === 'report') stop.abort();
  },
});
const running = scheduler.run(stop.signal);
const waitFor = async (found: (e: SchedulerEvent) => boolean): Promise<SchedulerEvent> => {
  for (;;) {
    const event = events.find(found);
    if (event !== undefined) return event;
    await new Promise((r) => setTimeout(r, 10));
  }
};

// Nothing of the report runs while it is paused (`tributary pause report`).
await ops.setPaused('report', true, 'ops', Date.now());
// A run of the warehouse (`tributary trigger warehouse`): its load fails.
await ops.addTriggers([
  { dagId: 'warehouse', periodKey: '', runKey: 'nightly', origin: 'ops', at: Date.now() },
]);
const failed = await waitFor((e) => e.kind === 'finished' && e.dagId === 'warehouse');
if (failed.kind !== 'finished' || failed.status !== 'failed') throw new Error('expected a failure');

// The warehouse is back: run the load and what is below it again, in the same run.
process.env.WAREHOUSE_UP = 'yes';
const warehouse = project.dags.get('warehouse')!.definition;
const cleared = await clearRun(
  warehouse,
  failed.runId,
  { nodes: ['load'], downstream: true },
  { store: ops, actor: 'cli:ops', reason: 'warehouse restarted' },
);
console.log(`cleared ${JSON.stringify(cleared)}`);
await waitFor((e) => e.kind === 'finished' && e.dagId === 'warehouse' && e.status === 'succeeded');
// Its success triggered the report, which waits: the DAG is paused.
await waitFor((e) => e.kind === 'held' && e.dagId === 'report');
const waiting = await store.listRuns({ dagId: 'report' });
if (waiting[0]?.status !== 'queued') throw new Error('a paused DAG started a run');
await ops.setPaused('report', false, 'ops', Date.now());
await running;

await attempts(store, failed.runId);
const report = (await store.listRuns({ dagId: 'report' }))[0];
await store.close();
await ops.close();
rmSync(dir, { recursive: true, force: true });
if (report?.status !== 'succeeded') throw new Error(`the report ended ${report?.status}`);

/** Which attempts ran in the warehouse run: extract once, the load twice. */
async function attempts(from: RunStore, runId: string): Promise<void> {
  for (const entry of await loadJournal(from, runId, jsonCodec)) {
    if (entry.type === 'task_started') console.log(`  ${entry.node} attempt ${entry.attempt}`);
    if (entry.type === 'nodes_cleared')
      console.log(`  cleared ${entry.nodes.join(', ')} by ${entry.actor}: ${entry.reason}`);
  }
}
