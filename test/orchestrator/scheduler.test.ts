import { describe, expect, it } from 'vitest';
import { clearRun, defineDag, sensor, startRun, type DagOptions } from '../../src/durable/index.js';
import { Scheduler, type Project, type SchedulerEvent } from '../../src/orchestrator/index.js';
import { MemoryStore, type RunStore } from '../../src/store/index.js';
import type { TaskFn } from '../../src/executor/index.js';
import { projectOf } from './helpers.js';

// The scheduler's passes, driven by a clock the test moves: schedules fire the period that just
// closed, a finished run fires its DAG's triggers, a declared dependency holds a run until the
// upstream's run for the same window is accepted, a failed upstream blocks with a reason, and a
// paused DAG starts nothing.

const daily = { cron: '0 0 * * *', timezone: 'Europe/Paris' };
const HOUR = 3_600_000;

const dag = (id: string, extra: Partial<DagOptions> = {}, task: TaskFn = () => id) =>
  defineDag({ id, dag: (b) => b.addNode('work'), tasks: { work: task }, ...extra });

/** A scheduler on `store` with a clock the test sets, holding the role, recording its events. */
async function scheduler(p: Project, store: RunStore, start: number) {
  let now = start;
  const events: SchedulerEvent[] = [];
  const s = new Scheduler({ project: p, store, now: () => now, onEvent: (e) => events.push(e) });
  expect(await s.acquire()).toBe(true);
  return {
    events,
    /** One pass at time `t`, then wait for the runs it started. */
    async at(t: number) {
      now = t;
      await s.step();
      await s.idle();
    },
  };
}

/** Poll until `ready()` holds (ordering, not timing, decides). */
async function until(ready: () => Promise<boolean>): Promise<void> {
  while (!(await ready())) await new Promise((r) => setTimeout(r, 5));
}

/** [period key, status] of a DAG's runs, by period. */
const statuses = async (store: RunStore, dagId: string) =>
  (await store.listRuns({ dagId }))
    .map((r) => [r.partitionKey ?? '', r.status])
    .sort(([a], [b]) => (a! < b! ? -1 : 1));

describe('the scheduler', () => {
  it('fires the window that just closed, once, and starts nothing for the past on first sight', async () => {
    const store = new MemoryStore();
    const seen: unknown[] = [];
    const sales = dag('sales', { schedule: daily }, (ctx) => seen.push(ctx.period));
    const s = await scheduler(projectOf(sales), store, Date.UTC(2026, 11, 4, 12));
    await s.at(Date.UTC(2026, 11, 4, 12)); // first sight: no catch-up
    expect(await store.listRuns()).toEqual([]);
    await s.at(Date.UTC(2026, 11, 5, 0) - HOUR + 60_000); // Paris midnight (23:00 UTC) passed
    expect(await statuses(store, 'sales')).toEqual([['2026-12-04T00:00+01:00', 'succeeded']]);
    // The task sees its period: the Paris day, as a window in epoch ms.
    expect(seen).toEqual([
      {
        key: '2026-12-04T00:00+01:00',
        start: Date.UTC(2026, 11, 3, 23),
        end: Date.UTC(2026, 11, 4, 23),
        timezone: 'Europe/Paris',
      },
    ]);
    await s.at(Date.UTC(2026, 11, 5, 6)); // nothing new is due
    await s.at(Date.UTC(2026, 11, 7, 1)); // two more days closed: both run
    expect(await statuses(store, 'sales')).toEqual([
      ['2026-12-04T00:00+01:00', 'succeeded'],
      ['2026-12-05T00:00+01:00', 'succeeded'],
      ['2026-12-06T00:00+01:00', 'succeeded'],
    ]);
  });

  it('an upstream triggers a downstream on success only', async () => {
    const store = new MemoryStore();
    let fail = false;
    const p = projectOf(
      dag(
        'extract',
        { triggers: [{ dag: 'load', on: 'success', params: { from: 'extract' } }] },
        () => {
          if (fail) throw new Error('source down');
        },
      ),
      dag('load'),
    );
    const s = await scheduler(p, store, 0);
    await startRun(p.dags.get('extract')!.definition, { store, runId: 'e1' });
    await s.at(1);
    const loads = await store.listRuns({ dagId: 'load' });
    expect(loads.map((r) => [r.status, r.params, r.runKey, r.origin])).toEqual([
      ['succeeded', { from: 'extract' }, 'run:e1', 'run:e1'],
    ]);
    fail = true;
    await startRun(p.dags.get('extract')!.definition, { store, runId: 'e2' });
    await s.at(2);
    expect(await store.listRuns({ dagId: 'load' })).toHaveLength(1);
    // A repeated pass over the same changes starts nothing twice.
    await store.setMark('feed', '0');
    await s.at(3);
    expect(await store.listRuns({ dagId: 'load' })).toHaveLength(1);
  });

  it('a scheduled upstream triggers a DAG without a schedule once per upstream run', async () => {
    const store = new MemoryStore();
    const p = projectOf(
      dag('hourly', {
        schedule: { cron: '0 * * * *', timezone: 'UTC' },
        triggers: [{ dag: 'check' }],
      }),
      dag('check'),
    );
    const s = await scheduler(p, store, Date.UTC(2026, 11, 4, 10, 30));
    await s.at(Date.UTC(2026, 11, 4, 10, 30));
    await s.at(Date.UTC(2026, 11, 4, 13, 0)); // the hours ending at 11:00, 12:00 and 13:00 closed
    await s.at(Date.UTC(2026, 11, 4, 13, 1)); // their successes reach the feed
    const hours = await store.listRuns({ dagId: 'hourly' });
    const checks = await store.listRuns({ dagId: 'check' });
    expect(hours).toHaveLength(3);
    expect(checks.map((r) => [r.partitionKey, r.runKey, r.status]).sort()).toEqual(
      hours.map((h) => [undefined, `run:${h.runId}`, 'succeeded']).sort(),
    );
  });

  it('a declared dependency waits for the aligned period, then runs; a failed upstream blocks it', async () => {
    const store = new MemoryStore();
    let salesFails = false;
    const p = projectOf(
      dag('sales', {}, () => {
        if (salesFails) throw new Error('no data');
      }),
      dag('report', { schedule: daily, dependsOn: [{ dag: 'sales' }] }),
    );
    // sales is unpartitioned here: the report waits for its latest run.
    const s = await scheduler(p, store, Date.UTC(2026, 11, 4, 12));
    await s.at(Date.UTC(2026, 11, 4, 12));
    await s.at(Date.UTC(2026, 11, 5, 0));
    expect(await statuses(store, 'report')).toEqual([['2026-12-04T00:00+01:00', 'queued']]);
    expect(s.events.at(-1)).toMatchObject({ kind: 'held', reason: 'waiting for a run of sales' });
    salesFails = true;
    await startRun(p.dags.get('sales')!.definition, { store, runId: 's1' });
    await s.at(Date.UTC(2026, 11, 5, 1));
    expect(s.events.at(-1)).toMatchObject({
      kind: 'held',
      reason: 'blocked by sales run s1 (failed)',
    });
    expect(await statuses(store, 'report')).toEqual([['2026-12-04T00:00+01:00', 'queued']]);
    salesFails = false;
    await startRun(p.dags.get('sales')!.definition, { store, runId: 's2' });
    await s.at(Date.UTC(2026, 11, 5, 2));
    expect(await statuses(store, 'report')).toEqual([['2026-12-04T00:00+01:00', 'succeeded']]);
  });

  it('a clear of a failed upstream run unblocks the downstream: the scheduler re-runs it, then the held run', async () => {
    const store = new MemoryStore();
    let salesFails = true;
    const calls: string[] = [];
    const p = projectOf(
      dag('sales', {}, (ctx) => {
        calls.push(`sales#${ctx.attempt}`);
        if (salesFails) throw new Error('no data');
      }),
      dag('report', { schedule: daily, dependsOn: [{ dag: 'sales' }] }),
    );
    const s = await scheduler(p, store, Date.UTC(2026, 11, 4, 12));
    await startRun(p.dags.get('sales')!.definition, { store, runId: 's1' });
    await s.at(Date.UTC(2026, 11, 4, 12));
    await s.at(Date.UTC(2026, 11, 5, 0));
    expect(s.events.at(-1)).toMatchObject({
      kind: 'held',
      reason: 'blocked by sales run s1 (failed)',
    });
    salesFails = false;
    const cleared = await clearRun(
      p.dags.get('sales')!.definition,
      's1',
      { failedOnly: true },
      { store },
    );
    expect(cleared).toMatchObject({ status: 'queued', nodes: ['work'] });
    await s.at(Date.UTC(2026, 11, 5, 1)); // starts the cleared run
    await s.at(Date.UTC(2026, 11, 5, 2)); // its success frees the report
    expect(calls).toEqual(['sales#1', 'sales#2']);
    expect(await statuses(store, 'sales')).toEqual([['', 'succeeded']]);
    expect(await statuses(store, 'report')).toEqual([['2026-12-04T00:00+01:00', 'succeeded']]);
  });

  it("a run sensor maps its run's period onto the upstream's through the project (hourly runs wait for their day)", async () => {
    const store = new MemoryStore();
    const p = projectOf(
      dag('daily', { schedule: { cron: '0 0 * * *', timezone: 'UTC' } }),
      defineDag({
        id: 'hourly',
        dag: (b) => b.addEdge('day_done', 'work'),
        tasks: { work: () => 'ok' },
        schedule: { cron: '0 * * * *', timezone: 'UTC' },
        sensors: { day_done: sensor.run({ dag: 'daily' }) },
      }),
    );
    let now = Date.UTC(2026, 11, 5, 22, 30);
    const s = new Scheduler({ project: p, store, now: () => now });
    expect(await s.acquire()).toBe(true);
    await s.step(); // first sight
    // 23:00 closes the hour 22:00-23:00, whose day (Dec 5) has no run yet: its sensor waits,
    // holding no slot, while the scheduler goes on.
    now = Date.UTC(2026, 11, 5, 23, 0, 1);
    await s.step();
    const [first] = await store.listRuns({ dagId: 'hourly' });
    await until(async () =>
      (await store.loadEvents(first!.runId)).some((e) => e.type === 'node_waiting'),
    );
    // Midnight closes Dec 5: the daily run succeeds, and both hours' sensors are met through it.
    now = Date.UTC(2026, 11, 6, 0, 0, 1);
    await s.step();
    await s.idle();
    expect(await statuses(store, 'daily')).toEqual([['2026-12-05T00:00Z', 'succeeded']]);
    expect(await statuses(store, 'hourly')).toEqual([
      ['2026-12-05T22:00Z', 'succeeded'],
      ['2026-12-05T23:00Z', 'succeeded'],
    ]);
  });

  it('a paused DAG starts nothing until it is unpaused; maxActiveRuns holds the rest', async () => {
    const store = new MemoryStore();
    const p = projectOf(dag('sales', { schedule: daily, maxActiveRuns: 1 }));
    const s = await scheduler(p, store, Date.UTC(2026, 11, 1, 12));
    await s.at(Date.UTC(2026, 11, 1, 12));
    await store.setPaused('sales', true, 'test', 0);
    await s.at(Date.UTC(2026, 11, 3, 12));
    expect(await store.listRuns()).toEqual([]); // a paused schedule does not fire
    await store.setPaused('sales', false, 'test', 0);
    await s.at(Date.UTC(2026, 11, 3, 13));
    expect((await statuses(store, 'sales')).map(([, status]) => status)).toEqual([
      'succeeded',
      'succeeded',
    ]);
  });

  it('a run that depends on a signal waits until the signal is set for its period', async () => {
    const store = new MemoryStore();
    const p = projectOf(
      dag('report', { schedule: daily, dependsOn: [{ signal: 'legacy.export_done' }] }),
    );
    const s = await scheduler(p, store, Date.UTC(2026, 11, 4, 12));
    await s.at(Date.UTC(2026, 11, 4, 12));
    await s.at(Date.UTC(2026, 11, 5, 0));
    const key = '2026-12-04T00:00+01:00';
    expect(s.events.at(-1)).toMatchObject({
      kind: 'held',
      reason: `waiting for signal legacy.export_done for ${key}`,
    });
    // Set for another period, or without one: still waiting.
    await store.setSignal({ name: 'legacy.export_done', setBy: 'legacy', at: 1 });
    await s.at(Date.UTC(2026, 11, 5, 1));
    expect(await statuses(store, 'report')).toEqual([[key, 'queued']]);
    await store.setSignal({ name: 'legacy.export_done', periodKey: key, setBy: 'legacy', at: 2 });
    await s.at(Date.UTC(2026, 11, 5, 2));
    expect(await statuses(store, 'report')).toEqual([[key, 'succeeded']]);
  });

  it('a trigger that cannot become a run is reported and done with; the next ones still run', async () => {
    const store = new MemoryStore();
    const p = projectOf(dag('sales', { schedule: daily }));
    const s = await scheduler(p, store, Date.UTC(2026, 11, 4, 12));
    const at = 1;
    await store.addTriggers([
      { dagId: 'sales', periodKey: 'yesterday', runKey: '', origin: 'test', at },
      { dagId: 'sales', periodKey: '2026-12-02T00:00+01:00', runKey: '', origin: 'test', at },
    ]);
    await s.at(Date.UTC(2026, 11, 4, 12));
    expect(s.events.find((e) => e.kind === 'error')).toMatchObject({
      error: { code: 'INVALID_PERIOD_KEY', message: expect.stringContaining('trigger 1 of sales') },
    });
    expect(await store.pendingTriggers()).toEqual([]);
    const [second, first] = await store.listTriggers();
    expect(first).toMatchObject({
      state: 'refused',
      reason: expect.stringContaining('"yesterday"'),
    });
    expect(second).toMatchObject({ state: 'done', runId: expect.any(String) });
    expect(await statuses(store, 'sales')).toEqual([['2026-12-02T00:00+01:00', 'succeeded']]);
    expect((await store.getRun(second!.runId!))?.origin).toBe('test');
  });

  it('one scheduler acts on a store; a second waits for the role', async () => {
    const store = new MemoryStore();
    const p = projectOf(dag('sales'));
    const first = new Scheduler({ project: p, store });
    const second = new Scheduler({ project: p, store });
    expect(await first.acquire()).toBe(true);
    expect(await second.acquire()).toBe(false);
  });
});
