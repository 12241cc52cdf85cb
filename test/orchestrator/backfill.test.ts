import { describe, expect, it } from 'vitest';
import { defineDag, type DagOptions } from '../../src/durable/index.js';
import {
  cancelBackfill,
  createBackfill,
  previewBackfill,
  Scheduler,
  type Project,
} from '../../src/orchestrator/index.js';
import { MemoryStore, type RunStore } from '../../src/store/index.js';
import { dailyPartitions, hourlyPartitions, timeWindowMapping } from '../../src/time/index.js';
import type { TaskContext } from '../../src/executor/index.js';
import { projectOf } from './helpers.js';

// Backfills through the scheduler's passes on an in-memory store: a range of a DAG's
// partitions, propagated to its downstream DAGs along their mappings, each downstream period
// made only once the periods of the plan it waits for succeeded.

const days = dailyPartitions({ start: '2024-01-01' });
const hours = hourlyPartitions({ start: '2024-01-01T00:00' });

/** Every (dag, period) a task started, in order, and whether its upstream had succeeded then. */
interface Log {
  readonly started: string[];
  readonly early: string[];
}

function chain(log: Log, store: () => RunStore, fail: ReadonlySet<string> = new Set()) {
  const dag = (id: string, upstream: string | undefined, extra: Partial<DagOptions> = {}) =>
    defineDag({
      id,
      dag: (b) => b.addNode('work'),
      tasks: {
        work: async (ctx: TaskContext) => {
          const key = ctx.period!.key;
          log.started.push(`${id} ${key}`);
          if (upstream !== undefined) {
            const runs = await store().listRuns({ dagId: upstream, periodKey: key });
            if (!runs.some((r) => r.status === 'succeeded')) log.early.push(`${id} ${key}`);
          }
          if (fail.has(`${id} ${key}`)) throw new Error('boom');
        },
      },
      partitions: days,
      ...(upstream === undefined ? {} : { dependsOn: [{ dag: upstream }] }),
      ...extra,
    });
  return [dag('ingest', undefined), dag('clean', 'ingest'), dag('report', 'clean')] as const;
}

/** Passes until no backfill is running; returns how many passes it took. */
async function drain(p: Project, store: RunStore): Promise<number> {
  const s = new Scheduler({ project: p, store, now: () => Date.UTC(2026, 0, 1) });
  expect(await s.acquire()).toBe(true);
  let passes = 0;
  do {
    await s.step();
    await s.idle();
    passes++;
  } while ((await store.listBackfills({ state: 'running' })).length > 0 && passes < 10_000);
  await s.release();
  return passes;
}

describe('a backfill', () => {
  it('of two years of a three-DAG chain runs every period once, each downstream after its upstream', async () => {
    const store = new MemoryStore();
    const log: Log = { started: [], early: [] };
    const p = projectOf(...chain(log, () => store));
    const backfill = await createBackfill(p.dags, store, {
      dag: 'ingest',
      from: '2024-01-01',
      to: '2025-12-31',
      maxConcurrent: 32,
    });
    expect(backfill.counts).toEqual({ planned: 731 * 3 });
    await drain(p, store);
    expect(log.early).toEqual([]);
    expect(log.started).toHaveLength(731 * 3);
    expect(new Set(log.started).size).toBe(731 * 3);
    // Oldest first: the first day's report starts before the last day's ingest.
    expect(log.started.indexOf('report 2024-01-01')).toBeLessThan(
      log.started.indexOf('ingest 2025-12-31'),
    );
    const done = await store.getBackfill(backfill.id);
    expect(done).toMatchObject({ state: 'succeeded', counts: { succeeded: 731 * 3 } });
    // Again: every period already succeeded, so nothing runs.
    const again = await createBackfill(p.dags, store, {
      dag: 'ingest',
      from: '2024-01-01',
      to: '2025-12-31',
    });
    expect(again.counts).toEqual({ skipped: 731 * 3 });
    await drain(p, store);
    expect(log.started).toHaveLength(731 * 3);
    expect((await store.getBackfill(again.id))?.state).toBe('succeeded');
  }, 120_000);

  it('with propagation suppressed runs the DAG asked for only; its runs fire no triggers', async () => {
    const store = new MemoryStore();
    const log: Log = { started: [], early: [] };
    const [ingest, clean, report] = chain(log, () => store);
    const triggering = defineDag({ ...ingestOptions(ingest), triggers: [{ dag: 'clean' }] });
    const p = projectOf(triggering, clean, report);
    await createBackfill(p.dags, store, {
      dag: 'ingest',
      from: '2024-03-01',
      to: '2024-03-10',
      propagate: false,
    });
    await drain(p, store);
    expect(log.started.every((s) => s.startsWith('ingest '))).toBe(true);
    expect(log.started).toHaveLength(10);
    expect(await store.listRuns({ dagId: 'clean' })).toEqual([]);
  });

  it('plans the DAGs that run on its assets; their runs read the backfilled events, and no other run is made', async () => {
    for (const propagate of [true, false]) {
      const store = new MemoryStore();
      const producer = defineDag({
        id: 'producer',
        dag: (b) => b.addNode('w'),
        tasks: { w: () => 1 },
        partitions: days,
        produces: ['warehouse://x'],
      });
      const consumer = defineDag({
        id: 'consumer',
        dag: (b) => b.addNode('w'),
        tasks: { w: () => 2 },
        partitions: days,
        onAssets: 'warehouse://x',
      });
      const p = projectOf(producer, consumer);
      await createBackfill(p.dags, store, {
        dag: 'producer',
        from: '2024-01-01',
        to: '2024-01-03',
        propagate,
      });
      await drain(p, store);
      const runs = await store.listRuns({ dagId: 'consumer' });
      expect(runs.map((r) => r.runKey?.split(':')[0])).toEqual(
        propagate ? ['backfill', 'backfill', 'backfill'] : [],
      );
      for (const run of runs) expect(await store.runInputs(run.runId)).toHaveLength(1);
    }
  });

  it('maps hourly periods to the daily ones that wait for all 24', async () => {
    const store = new MemoryStore();
    const started: string[] = [];
    const ingest = defineDag({
      id: 'ingest',
      dag: (b) => b.addNode('work'),
      tasks: { work: (ctx) => void started.push(`ingest ${ctx.period!.key}`) },
      partitions: hours,
    });
    const rollup = defineDag({
      id: 'rollup',
      dag: (b) => b.addNode('work'),
      tasks: { work: (ctx) => void started.push(`rollup ${ctx.period!.key}`) },
      partitions: days,
      dependsOn: [{ dag: 'ingest', mapping: timeWindowMapping({ take: 'all' }) }],
    });
    const p = projectOf(ingest, rollup);
    const preview = await previewBackfill(p.dags, store, {
      dag: 'ingest',
      from: '2024-01-01T00:00Z',
      to: '2024-01-02T23:00Z',
    });
    expect(preview.dags.map((d) => [d.dagId, d.planned])).toEqual([
      ['ingest', 48],
      ['rollup', 2],
    ]);
    await createBackfill(p.dags, store, {
      dag: 'ingest',
      from: '2024-01-01T00:00Z',
      to: '2024-01-02T23:00Z',
      maxConcurrent: 4,
    });
    await drain(p, store);
    const first = started.indexOf('rollup 2024-01-01');
    const second = started.indexOf('rollup 2024-01-02');
    expect(first).toBeGreaterThan(started.indexOf('ingest 2024-01-01T23:00Z'));
    expect(second).toBeGreaterThan(started.indexOf('ingest 2024-01-02T23:00Z'));
    expect(started).toHaveLength(50);
  });

  it('blocks the downstream periods of a failed one and ends failed', async () => {
    const store = new MemoryStore();
    const log: Log = { started: [], early: [] };
    const p = projectOf(...chain(log, () => store, new Set(['ingest 2024-01-02'])));
    const backfill = await createBackfill(p.dags, store, {
      dag: 'ingest',
      from: '2024-01-01',
      to: '2024-01-03',
    });
    await drain(p, store);
    expect(log.started).not.toContain('clean 2024-01-02');
    expect(log.started).toContain('report 2024-01-03');
    const rows = await store.backfillPartitions(backfill.id);
    expect(
      rows.filter((r) => r.runId === undefined).map((r) => `${r.dagId} ${r.periodKey}`),
    ).toEqual(['clean 2024-01-02', 'report 2024-01-02']);
    expect((await store.getBackfill(backfill.id))?.state).toBe('failed');
  });

  it('starts a downstream period on a partial success when its dependency accepts one', async () => {
    const store = new MemoryStore();
    const started: string[] = [];
    const work = (id: string) => (ctx: TaskContext) =>
      void started.push(`${id} ${ctx.period!.key}`);
    const ingest = defineDag({
      id: 'ingest',
      dag: (b) => b.addNode('load').addNode('extras', { payload: { critical: false } }),
      tasks: {
        load: work('ingest'),
        extras: (ctx) => {
          if (ctx.period!.key === '2024-01-02') throw new Error('optional extras failed');
        },
      },
      partitions: days,
    });
    const lenient = defineDag({
      id: 'lenient',
      dag: (b) => b.addNode('w'),
      tasks: { w: work('lenient') },
      partitions: days,
      dependsOn: [{ dag: 'ingest', accept: ['succeeded', 'partially_succeeded'] }],
    });
    const strict = defineDag({
      id: 'strict',
      dag: (b) => b.addNode('w'),
      tasks: { w: work('strict') },
      partitions: days,
      dependsOn: [{ dag: 'ingest' }],
    });
    const p = projectOf(ingest, lenient, strict);
    const backfill = await createBackfill(p.dags, store, {
      dag: 'ingest',
      from: '2024-01-01',
      to: '2024-01-03',
    });
    await drain(p, store);
    expect(started).toContain('lenient 2024-01-02');
    expect(started).not.toContain('strict 2024-01-02');
    expect(started).toContain('strict 2024-01-03');
    expect((await store.getBackfill(backfill.id))?.state).toBe('failed'); // strict 2024-01-02 blocked
  });

  it('fails a period whose run cannot be made, and ends instead of waiting for ever', async () => {
    const store = new MemoryStore();
    const refusing = defineDag({
      id: 'strict',
      dag: (b) => b.addNode('w'),
      tasks: { w: () => 1 },
      partitions: days,
      paramsSchema: {
        '~standard': {
          version: 1,
          vendor: 'test',
          validate: () => ({ issues: [{ message: 'no params are good params' }] }),
        },
      },
    });
    const p = projectOf(refusing);
    const backfill = await createBackfill(p.dags, store, {
      dag: 'strict',
      from: '2024-01-01',
      to: '2024-01-02',
    });
    await drain(p, store);
    expect(await store.listRuns()).toEqual([]);
    expect((await store.getBackfill(backfill.id))?.state).toBe('failed');
  });

  it('stops when cancelled: no more runs, its queued runs cancelled', async () => {
    const store = new MemoryStore();
    const log: Log = { started: [], early: [] };
    const p = projectOf(...chain(log, () => store));
    const backfill = await createBackfill(p.dags, store, {
      dag: 'ingest',
      from: '2024-01-01',
      to: '2024-01-31',
      maxConcurrent: 2,
    });
    const s = new Scheduler({ project: p, store, now: () => Date.UTC(2026, 0, 1) });
    expect(await s.acquire()).toBe(true);
    await s.step();
    await s.idle();
    expect(await cancelBackfill(store, backfill.id)).toBe(true);
    expect(await cancelBackfill(store, backfill.id)).toBe(false);
    const before = log.started.length;
    for (let i = 0; i < 5; i++) {
      await s.step();
      await s.idle();
    }
    expect(log.started.length).toBeLessThanOrEqual(before + 2);
    expect(await store.listRuns({ status: 'queued' })).toEqual([]);
    expect((await store.getBackfill(backfill.id))?.state).toBe('cancelled');
  });

  it('refuses bad input and writes nothing', async () => {
    const store = new MemoryStore();
    const log: Log = { started: [], early: [] };
    const p = projectOf(...chain(log, () => store));
    const cases: [Parameters<typeof createBackfill>[2], string][] = [
      [{ dag: 'ingest', from: '2024-02-01', to: '2024-01-01' }, 'INVALID_RANGE'],
      [{ dag: 'ingest', from: '2023-12-31', to: '2024-01-01' }, 'INVALID_PERIOD_KEY'],
      [{ dag: 'ingest', from: '2024-01-01', to: '2024-01-01T00:00Z' }, 'INVALID_PERIOD_KEY'],
      [{ dag: 'nope', from: '2024-01-01', to: '2024-01-02' }, 'DAG_NOT_FOUND'],
      [
        { dag: 'ingest', from: '2024-01-01', to: '2024-01-02', maxConcurrent: 0 },
        'INVALID_ARGUMENT',
      ],
    ];
    for (const [request, code] of cases)
      await expect(createBackfill(p.dags, store, request)).rejects.toMatchObject({ code });
    const huge = projectOf(
      defineDag({
        id: 'hourly',
        dag: (b) => b.addNode('w'),
        tasks: { w: () => 1 },
        partitions: hours,
      }),
    );
    await expect(
      createBackfill(huge.dags, store, {
        dag: 'hourly',
        from: '2024-01-01T00:00Z',
        to: '2199-01-01T00:00Z',
      }),
    ).rejects.toMatchObject({ code: 'CONFIRMATION_REQUIRED' });
    expect(await store.listBackfills()).toEqual([]);
    expect(await store.listRuns()).toEqual([]);
    // A dry run plans and writes nothing either.
    const preview = await previewBackfill(p.dags, store, {
      dag: 'ingest',
      from: '2024-01-01',
      to: '2024-01-05',
    });
    expect(preview.rows.slice(0, 4).map((r) => `${r.dagId} ${r.periodKey}`)).toEqual([
      'ingest 2024-01-01',
      'clean 2024-01-01',
      'report 2024-01-01',
      'ingest 2024-01-02',
    ]);
    expect(await store.listBackfills()).toEqual([]);
  });
});

function ingestOptions(def: ReturnType<typeof defineDag>): DagOptions {
  return {
    id: def.id,
    dag: def.dag,
    tasks: [...def.tasks.values()],
    partitions: def.scheduling.periods,
  };
}
