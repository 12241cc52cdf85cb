/**
 * Seed 000's passive pattern without holding a slot: a report that starts on its own and waits
 * at sensors for the sales run of its day, a file a legacy system drops, and a signal.
 * Everything on the SQLite default, the legacy system writing through a second connection as
 * another process would.
 *
 *   npx tsx examples/sensors.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineDag, sensor, startRun } from '../src/index.js';
import { SqliteStore } from '../src/store/sqlite/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tributary-sensors-'));
const db = join(dir, 'tributary.db');
const day = '2026-12-05';

const sales = defineDag({
  id: 'sales',
  dag: (b) => b.addNode('pull'),
  tasks: { pull: () => 1_200 },
});
const report = defineDag({
  id: 'report',
  dag: (b) =>
    b.addEdge('sales_done', 'build').addEdge('export_file', 'build').addEdge('approved', 'build'),
  tasks: {
    build: (ctx) => {
      const file = ctx.upstream('export_file') as { path: string; size: number };
      return `report of ${day}: sales ok, export of ${file.size} bytes, approved by ${JSON.stringify(ctx.upstream('approved'))}`;
    },
  },
  sensors: {
    // The sales run for the same day: fails at once, naming it, if that run failed.
    sales_done: sensor.run({ dag: 'sales', timeoutMs: 60_000 }),
    // A file the legacy export drops; `{period}` is the run's period key.
    export_file: sensor.file({ path: join(dir, 'export-{period}.csv'), intervalMs: 50 }),
    // A handshake: `tributary signal set finance.approved --period 2026-12-05` from a shell.
    approved: sensor.signal({ name: 'finance.approved' }),
  },
});

const store = SqliteStore.open(db);
const legacy = SqliteStore.open(db);
try {
  let waiting = 0;
  const run = startRun(report, {
    store,
    partitionKey: day,
    hooks: { onTransition: (_n, _from, to) => void (to === 'waiting' && waiting++) },
  });
  while (waiting < 3) await new Promise((r) => setTimeout(r, 10));
  console.log('three sensors waiting, no worker slot held');
  await startRun(sales, { store: legacy, partitionKey: day });
  writeFileSync(join(dir, `export-${day}.csv`), 'id,total\n1,120\n');
  await legacy.setSignal({
    name: 'finance.approved',
    periodKey: day,
    payload: 'cfo',
    setBy: 'erp',
    at: Date.now(),
  });
  const result = await run;
  console.log(`${result.status}: ${String(result.nodeResults.get('build')?.result)}`);
  if (result.status !== 'succeeded') throw new Error(`the report ended ${result.status}`);
} finally {
  await legacy.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
