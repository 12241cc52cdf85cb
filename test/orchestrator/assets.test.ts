import { describe, expect, it } from 'vitest';
import {
  allOf,
  anyOf,
  asset,
  defineDag,
  defineTask,
  queueRun,
  startRun,
  type DagOptions,
} from '../../src/durable/index.js';
import {
  dagLineage,
  dagPartitionStatus,
  emitAssetEvent,
  ProjectGraph,
  Scheduler,
  type Project,
} from '../../src/orchestrator/index.js';
import { MemoryStore, type RunStore } from '../../src/store/index.js';
import { dailyPartitions, hourlyPartitions, timeWindowMapping } from '../../src/time/index.js';
import type { TaskFn } from '../../src/executor/index.js';
import { projectOf, projectWith } from './helpers.js';

// Data-aware scheduling through the scheduler's passes on an in-memory store: asset events
// (from runs and from outside) start the DAGs that run on them, partition-aware for partitioned
// DAGs, each event consumed once.

const HOUR = 3_600_000;
const DAY0 = Date.UTC(2026, 2, 1);
const hours = hourlyPartitions({ start: '2026-03-01T00:00' });
const days = dailyPartitions({ start: '2026-03-01' });

const dag = (id: string, extra: Partial<DagOptions> = {}, task: TaskFn = () => id) =>
  defineDag({ id, dag: (b) => b.addNode('work'), tasks: { work: task }, ...extra });

async function scheduler(p: Project, store: RunStore, now = DAY0 + 40 * 24 * HOUR) {
  const s = new Scheduler({ project: p, store, now: () => now });
  expect(await s.acquire()).toBe(true);
  return {
    async pass() {
      await s.step();
      await s.idle();
    },
    /** Give the role up, as a scheduler that stops does. */
    release: () => s.release(),
  };
}

/**
 * The event ids each run of `dagId` read, with its period, in the order of the events they
 * read (two runs made in one millisecond have no creation order to go by).
 */
async function consumed(store: RunStore, dagId: string) {
  const out: [string, number[]][] = [];
  for (const run of await store.listRuns({ dagId, limit: 1_000 }))
    out.push([run.partitionKey ?? '', (await store.runInputs(run.runId)).map((i) => i.eventId)]);
  return out.sort(([, a], [, b]) => (a[0] ?? Infinity) - (b[0] ?? Infinity));
}

const emit = (store: RunStore, uri: string, partition = '', metadata?: Record<string, unknown>) =>
  emitAssetEvent(undefined, store, {
    asset: uri,
    partition,
    ...(metadata === undefined ? {} : { metadata }),
  });

describe('asset events from runs', () => {
  it('are recorded with the success of the producing node, versioned, and dropped when it fails', async () => {
    const store = new MemoryStore();
    let attempts = 0;
    const producer = defineDag({
      id: 'sales',
      dag: (b) => b.addEdge('extract', 'publish'),
      tasks: {
        extract: () => 1,
        publish: (ctx) => {
          attempts++;
          ctx.materialize('warehouse://sales', { metadata: { rows: 10 } });
          if (attempts === 1) throw new Error('flaky');
        },
      },
      retry: { maxAttempts: 2, initialDelayMs: 0 },
      produces: ['warehouse://sales'],
    });
    const result = await startRun(producer, { store });
    expect(result.status).toBe('succeeded');
    const events = await store.assetEvents({ asset: 'warehouse://sales' });
    expect(events).toHaveLength(1); // the failed attempt's materialization was dropped
    expect(events[0]).toMatchObject({ node: 'publish', partitionKey: '', metadata: '{"rows":10}' });
    expect(events[0]!.dataVersion).toMatch(/^sha256:/);
    const [run] = await store.listRuns({ dagId: 'sales' });
    expect(events[0]!.runId).toBe(run!.runId);
  });

  it('refuse ctx.materialize of an asset the node does not produce, and a partition outside the DAG', async () => {
    const store = new MemoryStore();
    const seen: string[] = [];
    const producer = defineDag({
      id: 'daily',
      dag: (b) => b.addNode('load'),
      tasks: {
        load: (ctx) => {
          for (const [uri, partition] of [
            ['warehouse://other', undefined],
            ['warehouse://daily', '2026-13-01'],
          ] as const) {
            try {
              ctx.materialize(uri, partition === undefined ? {} : { partition });
            } catch (error) {
              seen.push((error as { code: string }).code);
            }
          }
        },
      },
      partitions: days,
      produces: ['warehouse://daily'],
    });
    await startRun(producer, { store, partitionKey: '2026-03-02' });
    expect(seen).toEqual(['UNKNOWN_ASSET', 'INVALID_PERIOD_KEY']);
    // The declared asset is still recorded, for the run's partition, with the default version.
    const [event] = await store.assetEvents({ asset: 'warehouse://daily' });
    expect(event).toMatchObject({ partitionKey: '2026-03-02', dataVersion: `event:${event!.id}` });
  });

  it('are recorded for every node running a producing task, dynamic nodes included', async () => {
    const store = new MemoryStore();
    const load = defineTask('load', () => 'ok', { produces: ['warehouse://tables'] });
    const def = defineDag({
      id: 'fanout',
      dag: (b) => b.addNode('discover').addNode('load'),
      tasks: { discover: () => 2, load },
      expanders: {
        discover: () => ({
          addNodes: [
            { name: 'load_a', task: 'load' },
            { name: 'load_b', task: 'load' },
          ],
        }),
      },
    });
    await startRun(def, { store });
    const nodes = (await store.assetEvents({ asset: 'warehouse://tables' })).map((e) => e.node);
    expect(nodes.sort()).toEqual(['load', 'load_a', 'load_b']);
  });
});

describe('asset-driven runs', () => {
  it('hourly ingest -> daily report with all 24 hours: the report runs once the 24th lands, consuming all', async () => {
    const store = new MemoryStore();
    const ingest = dag('ingest', { partitions: hours, produces: ['warehouse://events'] });
    const report = dag('report', {
      partitions: days,
      onAssets: asset('warehouse://events', { mapping: timeWindowMapping({ take: 'all' }) }),
    });
    const s = await scheduler(projectOf(ingest, report), store);
    for (let h = 0; h < 23; h++)
      await emit(store, 'warehouse://events', hours.containing(DAY0 + h * HOUR)!.key);
    await s.pass();
    expect(await store.listRuns({ dagId: 'report' })).toEqual([]); // 23 of 24: waits
    await emit(store, 'warehouse://events', hours.containing(DAY0 + 23 * HOUR)!.key);
    await s.pass();
    const runs = await consumed(store, 'report');
    expect(runs).toHaveLength(1);
    expect(runs[0]![0]).toBe('2026-03-01');
    expect(runs[0]![1]).toHaveLength(24);
    // A re-materialized hour makes the day run again, reading only what is new.
    const again = await emit(store, 'warehouse://events', hours.containing(DAY0 + 5 * HOUR)!.key);
    await s.pass();
    expect((await consumed(store, 'report')).map(([, ids]) => ids.length)).toEqual([24, 1]);
    expect((await consumed(store, 'report'))[1]![1]).toEqual([again.id]);
  });

  it('on the day clocks go back in Paris, the daily report waits for all 25 hours, each its own key', async () => {
    const store = new MemoryStore();
    const zone = 'Europe/Paris';
    const parisHours = hourlyPartitions({ start: '2026-10-01T00:00', timezone: zone });
    const parisDays = dailyPartitions({ start: '2026-10-01', timezone: zone });
    const ingest = dag('ingest', { partitions: parisHours, produces: ['warehouse://events'] });
    const report = dag('report', {
      partitions: parisDays,
      onAssets: asset('warehouse://events', { mapping: timeWindowMapping({ take: 'all' }) }),
    });
    const s = await scheduler(projectOf(ingest, report), store, Date.UTC(2026, 10, 1));
    const day = parisDays.parse('2026-10-25');
    const keys = [...parisHours.periods(day.start, day.end)].map((p) => p.key);
    expect(keys).toHaveLength(25);
    expect(keys.filter((k) => k.startsWith('2026-10-25T02:00'))).toEqual([
      '2026-10-25T02:00+02:00',
      '2026-10-25T02:00+01:00',
    ]);
    for (const key of keys.slice(0, -1)) await emit(store, 'warehouse://events', key);
    await s.pass();
    expect(await store.listRuns({ dagId: 'report' })).toEqual([]);
    await emit(store, 'warehouse://events', keys.at(-1));
    await s.pass();
    const runs = await consumed(store, 'report');
    expect(runs.map(([key, ids]) => [key, ids.length])).toEqual([['2026-10-25', 25]]);
  });

  it('hourly ingest -> daily report with the last hour only', async () => {
    const store = new MemoryStore();
    const ingest = dag('ingest', { partitions: hours, produces: ['warehouse://events'] });
    const report = dag('report', {
      partitions: days,
      onAssets: asset('warehouse://events', { mapping: timeWindowMapping({ take: 'last' }) }),
    });
    const s = await scheduler(projectOf(ingest, report), store);
    for (let h = 0; h < 23; h++)
      await emit(store, 'warehouse://events', hours.containing(DAY0 + h * HOUR)!.key);
    await s.pass();
    expect(await store.listRuns({ dagId: 'report' })).toEqual([]);
    const last = await emit(store, 'warehouse://events', hours.containing(DAY0 + 23 * HOUR)!.key);
    await s.pass();
    expect(await consumed(store, 'report')).toEqual([['2026-03-01', [last.id]]]);
  });

  it('an asset updated by two producers starts one consumer per update, each event consumed once', async () => {
    const store = new MemoryStore();
    const a = dag('batch', { produces: ['warehouse://customers'] });
    const b = dag('stream', { produces: ['warehouse://customers'] });
    const crm = dag('crm', { onAssets: 'warehouse://customers' });
    const project = projectOf(a, b, crm);
    const s = await scheduler(project, store);
    await startRun(a, { store });
    await s.pass();
    await startRun(b, { store });
    await s.pass();
    const runs = await consumed(store, 'crm');
    const events = (await store.assetEvents({ asset: 'warehouse://customers', order: 'asc' })).map(
      (e) => e.id,
    );
    expect(runs.map(([, ids]) => ids)).toEqual([[events[0]], [events[1]]]);
    expect(new Set((await store.listRuns({ dagId: 'crm' })).map((r) => r.status))).toEqual(
      new Set(['succeeded']),
    );
  });

  it('an externally emitted event starts a run; pending events coalesce into one run, across a restart', async () => {
    const store = new MemoryStore();
    const load = dag('load', { onAssets: 'file://landing/orders.csv' });
    const p = projectWith({ assets: ['file://landing/orders.csv'] }, load);
    const firstEvent = await emitAssetEvent(p.dags, store, {
      asset: 'file://landing/orders.csv',
      metadata: { rows: 120 },
    });
    const first = await scheduler(p, store);
    await first.pass();
    await first.release();
    // Three more land before the next pass: one run takes them all.
    const later = [];
    for (let i = 0; i < 3; i++) later.push((await emit(store, 'file://landing/orders.csv')).id);
    const second = await scheduler(p, store); // a new scheduler, as after a restart
    await second.pass();
    await second.pass(); // and again: nothing left to consume
    await second.release();
    expect(await consumed(store, 'load')).toEqual([
      ['', [firstEvent.id]],
      ['', later],
    ]);
  });

  it('allOf needs every branch updated, anyOf one of them', async () => {
    const store = new MemoryStore();
    const uris = ['warehouse://a', 'warehouse://b', 'warehouse://c'];
    const both = dag('both', { onAssets: allOf(uris[0]!, anyOf(uris[1]!, uris[2]!)) });
    const p = projectWith({ assets: uris }, both);
    const s = await scheduler(p, store);
    await emit(store, uris[1]!);
    await s.pass();
    expect(await store.listRuns({ dagId: 'both' })).toEqual([]); // a is not updated
    await emit(store, uris[0]!);
    await s.pass();
    expect((await consumed(store, 'both')).map(([, ids]) => ids.length)).toEqual([2]);
  });

  it('a period is stale once an asset partition it read has a newer version', async () => {
    const store = new MemoryStore();
    const ingest = dag('ingest', { partitions: days, produces: ['warehouse://raw'] });
    const clean = dag('clean', {
      partitions: days,
      dependsOn: [{ dag: 'ingest' }],
    });
    const p = projectOf(ingest, clean);
    const s = await scheduler(p, store);
    await startRun(ingest, { store, partitionKey: '2026-03-01' });
    await queueRun(clean, { store, partitionKey: '2026-03-01', runKey: '' });
    await s.pass();
    const before = await dagPartitionStatus(p.dags, store, 'clean', {
      from: '2026-03-01',
      to: '2026-03-02',
    });
    expect(before.statuses.map((x) => x.state)).toEqual(['succeeded', 'missing']);
    await startRun(ingest, { store, partitionKey: '2026-03-01', runKey: 'again' });
    const after = await dagPartitionStatus(p.dags, store, 'clean', {
      from: '2026-03-01',
      to: '2026-03-02',
    });
    expect(after.statuses.map((x) => x.state)).toEqual(['stale', 'missing']);
    expect(after.statuses[0]!.staleInputs?.[0]).toMatchObject({ asset: 'warehouse://raw' });
  });
});

describe('asset lineage', () => {
  it('walks DAG -> asset -> DAG, from a DAG or from the asset', () => {
    const producer = dag('sales', { produces: ['warehouse://sales'] });
    const consumer = dag('report', { onAssets: 'warehouse://sales' });
    const graph = ProjectGraph.from(projectOf(producer, consumer).dags);
    const edges = (list: readonly { from: string; kind: string; to: string }[]) =>
      list.map((e) => `${e.from} -[${e.kind}]-> ${e.to}`);
    expect(edges(dagLineage(graph, 'sales').downstream)).toEqual([
      'sales -[produces]-> asset:warehouse://sales',
      'asset:warehouse://sales -[asset]-> report',
    ]);
    const fromAsset = dagLineage(graph, 'asset:warehouse://sales');
    expect(edges(fromAsset.upstream)).toEqual(['sales -[produces]-> asset:warehouse://sales']);
    expect(edges(fromAsset.downstream)).toEqual(['asset:warehouse://sales -[asset]-> report']);
  });
});

describe('bad asset declarations', () => {
  it('refuses a condition on an unknown asset, suggesting the close one', () => {
    const producer = dag('sales', { produces: ['warehouse://sales/daily'] });
    const consumer = dag('report', { onAssets: 'warehouse://sales/dialy' });
    expect(
      () => new Scheduler({ project: projectOf(producer, consumer), store: new MemoryStore() }),
    ).toThrow(
      expect.objectContaining({
        code: 'UNKNOWN_ASSET',
        message: expect.stringContaining('did you mean `warehouse://sales/daily`'),
      }),
    );
  });

  it('refuses a cycle through an asset, naming it', () => {
    const a = dag('a', { produces: ['warehouse://x'] });
    const b = dag('b', { onAssets: 'warehouse://x', triggers: [{ dag: 'a' }] });
    expect(() => new Scheduler({ project: projectOf(a, b), store: new MemoryStore() })).toThrow(
      expect.objectContaining({
        code: 'CYCLE_DETECTED',
        message: expect.stringContaining('asset:warehouse://x'),
      }),
    );
  });

  it('refuses an asset URI that is not one', () => {
    expect(() => dag('bad', { produces: ['sales daily'] })).toThrow(
      expect.objectContaining({ code: 'INVALID_ASSET' }),
    );
    expect(() => dag('bad', { onAssets: 'no-scheme' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ASSET' }),
    );
  });
});
