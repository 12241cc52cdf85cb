/**
 * Durable profile helper (not part of `npm run bench:durable`): runs the durable wide shape a
 * few times in one process, prints durable time per task and the raw floor of the same
 * commits, for `node --cpu-prof --import tsx bench/durable-profile.ts [n] [runs]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { TaskFn } from '../src/executor/types.js';
import { defineDag } from '../src/durable/define.js';
import { startRun } from '../src/durable/index.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { StoredEvent } from '../src/store/run-store.js';
import { dagOf, noop, wide, chain, WORKERS } from './shapes.js';
import { median } from './harness.js';

const n = Number(process.argv[2] ?? 100_000);
const runs = Number(process.argv[3] ?? 5);
const kind = process.argv[4] ?? 'wide';
const dir = mkdtempSync(join(tmpdir(), 'tributary-prof-'));
let k = 0;
const s = kind === 'chain' ? chain(n) : wide(n);
const dag = dagOf(s);
const tasks: Record<string, TaskFn> = {};
for (const name of dag.nodeNames()) tasks[name] = noop;
const def = defineDag({
  id: 'prof',
  dag,
  tasks,
  maxWorkers: WORKERS,
  limits: { maxNodes: 2_000_000 },
});

const commits: (readonly StoredEvent[])[] = [];
async function durable(record: boolean): Promise<number> {
  const store = SqliteStore.open(join(dir, `d${k++}.db`));
  if (record) {
    const commit = store.commit.bind(store);
    store.commit = (runId, c) => {
      if (c.events.length > 0) commits.push(c.events);
      return commit(runId, c);
    };
  }
  const t = process.hrtime.bigint();
  const r = await startRun(def, { store });
  const ns = Number(process.hrtime.bigint() - t);
  if (r.status !== 'succeeded') throw new Error(r.status);
  await store.close();
  return ns;
}
function floor(): number {
  const db = new BetterSqlite3(join(dir, `f${k++}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(
    'CREATE TABLE events (run_id TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL, node TEXT, at REAL NOT NULL, body TEXT NOT NULL, PRIMARY KEY (run_id, seq)) WITHOUT ROWID',
  );
  const insert = db.prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)');
  const commit = db.transaction((events: readonly StoredEvent[]) => {
    for (const e of events) insert.run('run', e.seq, e.type, e.node ?? null, e.at, e.body);
  });
  const t = process.hrtime.bigint();
  for (const events of commits) commit.immediate(events);
  const ns = Number(process.hrtime.bigint() - t);
  db.close();
  return ns;
}
await durable(true);
const d: number[] = [];
const f: number[] = [];
for (let i = 0; i < runs; i++) {
  d.push(await durable(false));
  f.push(floor());
}
const dm = median(d) / n / 1000;
const fm = median(f) / n / 1000;
console.log(
  `${s.name}: durable ${dm.toFixed(2)} µs/task, floor ${fm.toFixed(2)} µs/task, ratio ${(dm / fm).toFixed(2)}; commits ${commits.length}`,
);
console.log(
  `durable samples ${d.map((x) => (x / n / 1000).toFixed(1)).join(' ')}; floor ${f.map((x) => (x / n / 1000).toFixed(1)).join(' ')}`,
);
rmSync(dir, { recursive: true, force: true });
