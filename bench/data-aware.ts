/**
 * The data-aware part of `npm run bench:orchestrator`, on the SQLite default: an asset event's
 * latency to its consumer's first task, planning and running backfills, and the partition status
 * of a DAG with 100,000 partitions.
 */
import { join } from 'node:path';
import { defineDag, type DagDefinition } from '../src/durable/index.js';
import {
  createBackfill,
  dagPartitionStatus,
  DagRegistry,
  emitAssetEvent,
  previewBackfill,
  Scheduler,
  type Project,
} from '../src/orchestrator/index.js';
import { MemoryStore } from '../src/store/index.js';
import { SqliteStore } from '../src/store/sqlite/index.js';
import { dailyPartitions, hourlyPartitions } from '../src/time/index.js';
import { median } from './harness.js';

const wall = (): number => performance.timeOrigin + performance.now();

function project(dir: string, defs: readonly DagDefinition[], assets: string[] = []): Project {
  const dags = new DagRegistry(dir, { assets });
  for (const def of defs) dags.add(def, join(dir, `${def.id}.dag.ts`));
  dags.checkReferences();
  return { name: 'bench', config: join(dir, 'tributary.config.ts'), root: dir, modules: [], dags };
}

/** A chain of three daily DAGs of no-op tasks, partitioned from `start`. */
function chain(start: string): DagDefinition[] {
  const days = dailyPartitions({ start });
  const step = (id: string, upstream?: string) =>
    defineDag({
      id,
      dag: (b) => b.addNode('work'),
      tasks: { work: () => undefined },
      partitions: days,
      ...(upstream === undefined ? {} : { dependsOn: [{ dag: upstream }] }),
    });
  return [step('ingest'), step('clean', 'ingest'), step('report', 'clean')];
}

/**
 * Latencies (ms) from an asset event recorded through a second connection to the file (as
 * another process would) to the first task of the DAG that runs on the asset.
 */
export async function assetLatency(dir: string, rounds: number): Promise<number[]> {
  const file = join(dir, 'asset-latency.db');
  let hit: (at: number) => void = () => undefined;
  const consumer = defineDag({
    id: 'consumer',
    dag: (b) => b.addNode('work'),
    tasks: { work: () => hit(wall()) },
    onAssets: 'file://landing/orders.csv',
  });
  const p = project(dir, [consumer], ['file://landing/orders.csv']);
  const store = SqliteStore.open(file);
  const other = SqliteStore.open(file);
  const controller = new AbortController();
  const scheduler = new Scheduler({ project: p, store });
  const running = scheduler.run(controller.signal);
  const out: number[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      const started = new Promise<number>((resolve) => (hit = resolve));
      const t0 = wall();
      await emitAssetEvent(p.dags, other, { asset: 'file://landing/orders.csv' });
      out.push((await started) - t0);
      await scheduler.idle();
    }
  } finally {
    controller.abort();
    await running;
    await store.close();
    await other.close();
  }
  return out;
}

/** Milliseconds to plan a propagating backfill of `days` partitions over the three-DAG chain. */
export async function backfillPlanning(
  dir: string,
  days: number,
): Promise<{ plan: number; write: number }> {
  const p = project(dir, chain('2000-01-01'));
  const store = SqliteStore.open(join(dir, `plan-${days}.db`));
  try {
    const space = dailyPartitions({ start: '2000-01-01' });
    let last = space.parse('2000-01-01');
    for (let i = 1; i < days; i++) last = space.next(last)!;
    const request = { dag: 'ingest', from: '2000-01-01', to: last.key };
    const plans: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const preview = await previewBackfill(p.dags, store, request);
      plans.push(performance.now() - t0);
      if (preview.rows.length !== 3 * days) throw new Error(`planned ${preview.rows.length}`);
    }
    const t1 = performance.now();
    await createBackfill(p.dags, store, request);
    return { plan: median(plans), write: performance.now() - t1 };
  } finally {
    await store.close();
  }
}

/** A propagating backfill of `days` partitions over the chain, run to the end by a scheduler. */
export async function backfillRun(
  dir: string,
  days: number,
): Promise<{ ms: number; runs: number }> {
  const p = project(dir, chain('2024-01-01'));
  const store = SqliteStore.open(join(dir, `run-${days}.db`));
  const controller = new AbortController();
  try {
    const space = dailyPartitions({ start: '2024-01-01' });
    let last = space.parse('2024-01-01');
    for (let i = 1; i < days; i++) last = space.next(last)!;
    const backfill = await createBackfill(p.dags, store, {
      dag: 'ingest',
      from: '2024-01-01',
      to: last.key,
      maxConcurrent: 16,
    });
    const t0 = performance.now();
    const running = new Scheduler({ project: p, store, pollMs: 10 }).run(controller.signal);
    while ((await store.getBackfill(backfill.id))?.state === 'running')
      await new Promise((r) => setTimeout(r, 5));
    const ms = performance.now() - t0;
    controller.abort();
    await running;
    return { ms, runs: 3 * days };
  } finally {
    controller.abort();
    await store.close();
  }
}

/**
 * Milliseconds for the partition status of a DAG with `count` hourly partitions, each with a
 * succeeded run, on SQLite (median of 5), and the same on the memory store.
 */
export async function partitionStatus(
  dir: string,
  count: number,
): Promise<{ sqlite: number; memory: number }> {
  const hours = hourlyPartitions({ start: '2010-01-01T00:00' });
  const def = defineDag({
    id: 'hourly',
    dag: (b) => b.addNode('work'),
    tasks: { work: () => undefined },
    partitions: hours,
  });
  const p = project(dir, [def]);
  const keys: string[] = [];
  let period = hours.parse('2010-01-01T00:00Z');
  for (let i = 0; i < count; i++) {
    keys.push(period.key);
    period = hours.next(period)!;
  }
  const sqlite = SqliteStore.open(join(dir, 'status.db'));
  const memory = new MemoryStore();
  const times = { sqlite: 0, memory: 0 };
  try {
    for (const store of [sqlite, memory]) {
      for (const key of keys)
        await store.createRun({
          runId: `r-${key}`,
          dagId: 'hourly',
          status: 'succeeded',
          params: {},
          partitionKey: key,
          runKey: '',
          graph: '{}',
          createdAt: 1,
          updatedAt: 1,
        });
      const samples: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        const report = await dagPartitionStatus(p.dags, store, 'hourly', {
          from: keys[0]!,
          to: keys.at(-1)!,
        });
        samples.push(performance.now() - t0);
        if (report.counts.succeeded !== count) throw new Error(JSON.stringify(report.counts));
      }
      times[store === sqlite ? 'sqlite' : 'memory'] = median(samples);
    }
  } finally {
    await sqlite.close();
  }
  return times;
}
