/**
 * Orchestration between DAGs on the SQLite default: a project of two DAGs, a scheduler, a
 * trigger, a declared dependency and a signal from outside.
 *
 *   npx tsx examples/orchestration.ts
 *
 * The same from a shell, with the project in examples/orchestration/:
 *   tributary scheduler                      # in one terminal, in that folder
 *   tributary trigger extract                # in another
 *   tributary signal set finance.approved    # a legacy system hands over
 *   tributary runs --dag report
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProject, Scheduler } from '../src/index.js';
import { SqliteStore } from '../src/store/sqlite/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tributary-orchestration-'));
const db = join(dir, 'tributary.db');
const project = await loadProject(
  new URL('orchestration/tributary.config.ts', import.meta.url).pathname,
);
const store = SqliteStore.open(db);
const outside = SqliteStore.open(db); // what another process (a shell, a legacy system) writes through

const stop = new AbortController();
let held = '';
const scheduler = new Scheduler({
  project,
  store,
  onEvent: (event) => {
    if (event.kind === 'held') held = event.reason;
    if (event.kind !== 'role')
      console.log(`scheduler: ${event.kind} ${JSON.stringify({ ...event, kind: undefined })}`);
    if (event.kind === 'finished' && event.dagId === 'report') stop.abort();
  },
});
const running = scheduler.run(stop.signal);

// Ask for a run of extract, as `tributary trigger extract` does.
await outside.addTriggers([
  { dagId: 'extract', periodKey: '', runKey: 'today', origin: 'example', at: Date.now() },
]);
// The report waits for the finance signal; set it once the scheduler says so.
while (!held.includes('finance.approved')) await new Promise((r) => setTimeout(r, 10));
await outside.setSignal({ name: 'finance.approved', setBy: 'legacy-erp', at: Date.now() });
await running;

for (const run of (await store.listRuns()).reverse()) {
  console.log(
    `${run.dagId.padEnd(8)} ${run.status.padEnd(10)} params ${JSON.stringify(run.params)}`,
  );
}
const report = (await store.listRuns({ dagId: 'report' }))[0];
await store.close();
await outside.close();
rmSync(dir, { recursive: true, force: true });
if (report?.status !== 'succeeded') throw new Error(`the report ended ${report?.status}`);
