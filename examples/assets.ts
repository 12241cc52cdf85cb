/**
 * Seed 000's data dependencies on the SQLite default: an hourly ingest materializes
 * `warehouse://events`; a daily report runs on its day's hourly partitions, all of them, so on
 * 29 March 2026 (clocks go forward in Paris) it waits for 23; a currency loader runs whenever a
 * partner drops its file (an asset written outside Tributary, emitted as another process
 * would). Then the report's partition status, and what its run read.
 *
 *   npx tsx examples/assets.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  asset,
  dagPartitionStatus,
  dailyPartitions,
  defineDag,
  emitAssetEvent,
  hourlyPartitions,
  Scheduler,
  startRun,
  timeWindowMapping,
} from '../src/index.js';
import { DagRegistry } from '../src/orchestrator/index.js';
import { SqliteStore } from '../src/store/sqlite/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tributary-assets-'));
const db = join(dir, 'tributary.db');
const zone = 'Europe/Paris';
const hours = hourlyPartitions({ start: '2026-03-01T00:00', timezone: zone });
const days = dailyPartitions({ start: '2026-03-01', timezone: zone });

const ingest = defineDag({
  id: 'ingest',
  dag: (b) => b.addNode('load'),
  tasks: {
    load: (ctx) => ctx.materialize('warehouse://events', { metadata: { rows: 100 } }),
  },
  partitions: hours,
  produces: ['warehouse://events'],
});
const report = defineDag({
  id: 'report',
  dag: (b) => b.addNode('build'),
  tasks: { build: (ctx) => `report of ${ctx.period?.key}` },
  partitions: days,
  // Its day's hourly partitions, all of them: the seed's granularity mismatch, made explicit.
  onAssets: asset('warehouse://events', { mapping: timeWindowMapping({ take: 'all' }) }),
});
const fx = defineDag({
  id: 'fx',
  dag: (b) => b.addNode('load_rates'),
  tasks: { load_rates: () => 'rates loaded' },
  onAssets: 'file://partner/fx.csv',
});

const dags = new DagRegistry(dir, { assets: ['file://partner/fx.csv'] });
for (const def of [ingest, report, fx]) dags.add(def, join(dir, `${def.id}.dag.ts`));
const project = {
  name: 'assets',
  config: join(dir, 'tributary.config.ts'),
  root: dir,
  modules: [],
  dags,
};

const store = SqliteStore.open(db);
const partner = SqliteStore.open(db); // another process writing to the same file
const controller = new AbortController();
const scheduler = new Scheduler({ project, store, pollMs: 20 });
const running = scheduler.run(controller.signal);
try {
  const day = days.parse('2026-03-29');
  const dayHours = [...hours.periods(day.start, day.end)];
  console.log(
    `2026-03-29 in Paris is ${(day.end - day.start) / 3_600_000} hours: ${dayHours.length} hourly partitions`,
  );
  for (const hour of dayHours.slice(0, -1))
    await startRun(ingest, { store: partner, partitionKey: hour.key });
  await emitAssetEvent(dags, partner, { asset: 'file://partner/fx.csv', metadata: { rows: 31 } });
  await until(
    async () => (await store.listRuns({ dagId: 'fx', status: 'succeeded' })).length === 1,
  );
  console.log('the partner file landed: fx ran');
  if ((await store.listRuns({ dagId: 'report' })).length !== 0)
    throw new Error('the report ran before its last hour');
  await startRun(ingest, { store: partner, partitionKey: dayHours.at(-1)!.key });
  await until(
    async () => (await store.listRuns({ dagId: 'report', status: 'succeeded' })).length === 1,
  );
  const [run] = await store.listRuns({ dagId: 'report' });
  const read = await store.runInputs(run!.runId);
  console.log(
    `the last hour landed: report ${run!.partitionKey} ran, reading ${read.length} asset events`,
  );
  if (read.length !== 23) throw new Error(`expected 23 inputs, got ${read.length}`);
  const status = await dagPartitionStatus(dags, store, 'report', {
    from: '2026-03-28',
    to: '2026-03-30',
  });
  console.log(status.statuses.map((s) => `${s.key} ${s.state}`).join('\n'));
} finally {
  controller.abort();
  await running;
  await partner.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

async function until(done: () => Promise<boolean>): Promise<void> {
  for (let i = 0; !(await done()); i++) {
    if (i > 500) throw new Error('timed out waiting for the scheduler');
    await new Promise((r) => setTimeout(r, 20));
  }
}
