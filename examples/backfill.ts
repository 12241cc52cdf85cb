/**
 * A backfill that propagates, on the SQLite default: a chain of three daily DAGs (ingest ->
 * clean -> report), a quarter of history. A dry run prints the plan; the backfill runs every
 * period of the three DAGs, each downstream period after its upstream one, 8 at a time, oldest
 * first; run again, it skips everything (idempotent); with propagation suppressed, only the
 * DAG asked for runs.
 *
 *   npx tsx examples/backfill.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createBackfill,
  dailyPartitions,
  defineDag,
  previewBackfill,
  Scheduler,
  type TaskContext,
} from '../src/index.js';
import { DagRegistry } from '../src/orchestrator/index.js';
import { SqliteStore } from '../src/store/sqlite/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tributary-backfill-'));
const days = dailyPartitions({ start: '2025-01-01' });
const order: string[] = [];

const step = (id: string, upstream?: string) =>
  defineDag({
    id,
    dag: (b) => b.addNode('work'),
    tasks: { work: (ctx: TaskContext) => void order.push(`${id} ${ctx.period!.key}`) },
    partitions: days,
    ...(upstream === undefined ? {} : { dependsOn: [{ dag: upstream }] }),
  });
const dags = new DagRegistry(dir);
for (const def of [step('ingest'), step('clean', 'ingest'), step('report', 'clean')])
  dags.add(def, join(dir, `${def.id}.dag.ts`));
const project = {
  name: 'backfill',
  config: join(dir, 'tributary.config.ts'),
  root: dir,
  modules: [],
  dags,
};

const store = SqliteStore.open(join(dir, 'tributary.db'));
try {
  const range = { dag: 'ingest', from: '2025-01-01', to: '2025-03-31' };
  const plan = await previewBackfill(dags, store, range);
  console.log('dry run:');
  for (const d of plan.dags)
    console.log(`  ${d.dagId}: ${d.planned} runs, ${d.first} .. ${d.last}`);

  const backfill = await createBackfill(dags, store, { ...range, maxConcurrent: 8 });
  await runScheduler(async () => (await store.getBackfill(backfill.id))?.state !== 'running');
  const done = (await store.getBackfill(backfill.id))!;
  console.log(`backfill ${done.id}: ${done.state}, ${done.counts.succeeded} runs succeeded`);
  for (const [i, entry] of order.entries()) {
    const [dag, key] = entry.split(' ');
    const upstream = dag === 'clean' ? 'ingest' : dag === 'report' ? 'clean' : undefined;
    if (upstream !== undefined && order.indexOf(`${upstream} ${key}`) > i)
      throw new Error(`${entry} ran before ${upstream} ${key}`);
  }
  if (done.state !== 'succeeded' || order.length !== 90 * 3) throw new Error('backfill incomplete');

  const again = await createBackfill(dags, store, range);
  console.log(
    `again: ${again.counts.skipped} periods skipped, ${again.counts.planned ?? 0} runs planned`,
  );

  const only = await createBackfill(dags, store, {
    dag: 'ingest',
    from: '2025-04-01',
    to: '2025-04-07',
    propagate: false,
  });
  await runScheduler(async () => (await store.getBackfill(only.id))?.state !== 'running');
  console.log(`without propagation: ${order.slice(270).join(', ')}`);
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

/** Run a scheduler until `done()`. */
async function runScheduler(done: () => Promise<boolean>): Promise<void> {
  const controller = new AbortController();
  const running = new Scheduler({ project, store, pollMs: 10 }).run(controller.signal);
  try {
    for (let i = 0; !(await done()); i++) {
      if (i > 3_000) throw new Error('timed out waiting for the backfill');
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    controller.abort();
    await running;
  }
}
