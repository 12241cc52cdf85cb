import { createServer } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonCodec } from '../../src/codec/codec.js';
import { defineDag } from '../../src/durable/define.js';
import { sensor, startRun } from '../../src/durable/index.js';
import { loadJournal } from '../../src/durable/replay.js';
import { tempStores, until } from './helpers.js';
import type { RunStore } from '../../src/store/index.js';

const { sqlite } = tempStores();
const dir = mkdtempSync(join(tmpdir(), 'tributary-sensors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A DAG whose node `wait` is `waitFor`, feeding `use`, which returns what the sensor handed it. */
function sensed(
  waitFor: ReturnType<typeof sensor.run>,
  extra: Partial<Parameters<typeof defineDag>[0]> = {},
) {
  return defineDag({
    id: 'consumer',
    dag: (b) => b.addEdge('wait', 'use'),
    tasks: { use: (ctx) => ctx.upstream('wait') ?? 'nothing' },
    sensors: { wait: waitFor },
    ...extra,
  });
}

/** Node states of a run, from its journal. */
async function states(store: RunStore, runId: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await loadJournal(store, runId, jsonCodec)) {
    if (entry.type === 'node_waiting') out[entry.node] = 'waiting';
    if (entry.type === 'wait_ended') out[entry.node] = entry.outcome;
    if (entry.type === 'task_succeeded') out[entry.node] = 'succeeded';
    if (entry.type === 'node_settled') out[entry.node] = entry.state;
  }
  return out;
}

describe('sensors', () => {
  it('a signal sensor waits without a worker slot until another connection sets the signal; its payload reaches the child', async () => {
    const store = sqlite('s.db');
    const outside = sqlite('s.db'); // another connection to the same file: another process
    const def = sensed(sensor.signal({ name: 'legacy.export_done', period: 'none' }));
    const running = startRun(def, { store, runId: 'r1' });
    await until(async () => (await states(store, 'r1')).wait === 'waiting');
    await outside.setSignal({
      name: 'legacy.export_done',
      payload: { rows: 1200 },
      setBy: 'legacy',
      at: Date.now(),
    });
    const result = await running;
    expect(result.status).toBe('succeeded');
    expect(result.nodeResults.get('use')?.result).toEqual({ rows: 1200 });
    const entries = await loadJournal(store, 'r1', jsonCodec);
    expect(entries.filter((e) => e.type === 'wait_ended')).toHaveLength(1);
    expect(entries.find((e) => e.type === 'node_waiting')).toMatchObject({
      reason: 'sensor: signal legacy.export_done',
    });
  });

  it('a run sensor fails at once, naming the run, when the upstream run for its period failed', async () => {
    const store = sqlite();
    const upstream = defineDag({
      id: 'sales',
      dag: (b) => b.addNode('pull'),
      tasks: {
        pull: () => {
          throw new Error('no data');
        },
      },
    });
    await startRun(upstream, { store, runId: 'u1', partitionKey: 'day-1' });
    const def = sensed(sensor.run({ dag: 'sales', timeoutMs: 3_600_000 }));
    const result = await startRun(def, { store, runId: 'r1', partitionKey: 'day-1' });
    expect(result.status).toBe('failed');
    const wait = result.nodeResults.get('wait')!;
    expect(wait.status).toBe('failed');
    expect(wait.error).toMatchObject({ code: 'UPSTREAM_FAILED' });
    expect(wait.error?.message).toContain('sales run u1 for day-1 (failed)');
    expect(result.nodeResults.get('use')?.status).toBe('upstream_failed');
  });

  it('a run sensor is met by the upstream run of the same period (or one task of it)', async () => {
    const store = sqlite();
    const upstream = defineDag({
      id: 'sales',
      dag: (b) => b.addEdge('pull', 'slow'),
      tasks: { pull: () => 1, slow: () => 2 },
    });
    await startRun(upstream, { store, runId: 'other', partitionKey: 'day-2' });
    const def = sensed(sensor.run({ dag: 'sales', task: 'pull' }));
    const running = startRun(def, { store, runId: 'r1', partitionKey: 'day-1' });
    await until(async () => (await states(store, 'r1')).wait === 'waiting');
    await startRun(upstream, { store, runId: 'u1', partitionKey: 'day-1' });
    const result = await running;
    expect(result.status).toBe('succeeded');
    expect(result.nodeResults.get('use')?.result).toEqual({
      runs: [{ runId: 'u1', status: 'succeeded', periodKey: 'day-1' }],
    });
  });

  it('a file sensor is met when the file appears; on timeout it skips (soft fail) or fails', async () => {
    const store = sqlite();
    const path = join(dir, 'export-{period}.csv');
    const def = sensed(sensor.file({ path, intervalMs: 20 }));
    const running = startRun(def, { store, runId: 'r1', partitionKey: '2026-12-05' });
    await until(async () => (await states(store, 'r1')).wait === 'waiting');
    writeFileSync(join(dir, 'export-2026-12-05.csv'), 'a,b\n');
    const result = await running;
    expect(result.status).toBe('succeeded');
    expect(result.nodeResults.get('use')?.result).toMatchObject({
      path: join(dir, 'export-2026-12-05.csv'),
      size: 4,
    });

    const soft = sensed(
      sensor.file({
        path: join(dir, 'never-*.csv'),
        intervalMs: 20,
        timeoutMs: 100,
        onTimeout: 'skip',
      }),
    );
    const skipped = await startRun(soft, { store, runId: 'r2' });
    expect(skipped.nodeResults.get('wait')?.status).toBe('skipped');
    expect(skipped.nodeResults.get('use')?.status).toBe('skipped');
    expect(skipped.status).toBe('succeeded');
    const hard = sensed(
      sensor.file({ path: join(dir, 'never.csv'), intervalMs: 20, timeoutMs: 100 }),
    );
    const failed = await startRun(hard, { store, runId: 'r3' });
    expect(failed.nodeResults.get('wait')?.error).toMatchObject({ code: 'SENSOR_TIMEOUT' });
    expect(failed.status).toBe('failed');
  });

  it('an HTTP sensor polls until the endpoint answers as expected', async () => {
    let calls = 0;
    const server = createServer((_req, res) => {
      calls++;
      res.statusCode = calls < 3 ? 503 : 200;
      res.end(calls < 3 ? 'busy' : 'ready');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const store = sqlite();
      const def = sensed(
        sensor.http({
          url: `http://127.0.0.1:${port}/ready`,
          body: (t) => t === 'ready',
          intervalMs: 20,
        }),
      );
      const result = await startRun(def, { store, runId: 'r1' });
      expect(result.status).toBe('succeeded');
      expect(calls).toBe(3);
      expect(result.nodeResults.get('use')?.result).toEqual({ status: 200 });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a check that throws is a failed check, logged, and the sensor waits on', async () => {
    const store = sqlite();
    let looks = 0;
    const def = sensed(
      sensor.check(
        () => {
          looks++;
          if (looks === 1) throw new Error('api down');
          return looks >= 3;
        },
        { intervalMs: 20 },
      ),
    );
    const result = await startRun(def, { store, runId: 'r1' });
    expect(result.status).toBe('succeeded');
    expect(looks).toBe(3);
    const logs = await store.loadLogs('r1');
    expect(logs.map((l) => [l.node, l.level, l.message])).toContainEqual([
      'wait',
      'warn',
      'sensor check failed: api down',
    ]);
  });

  it('10,000 waiting sensors hold zero worker slots; one signal releases them all', async () => {
    const store = sqlite();
    const n = 10_000;
    const names = Array.from({ length: n }, (_, i) => `wait_${i}`);
    const def = defineDag({
      id: 'many',
      dag: (b) => {
        for (const name of names) b.addEdge(name, 'report');
        return b;
      },
      tasks: { report: (ctx) => ctx.upstreamResults.size },
      sensors: Object.fromEntries(
        names.map((name) => [name, sensor.signal({ name: 'go', period: 'none' })]),
      ),
      maxWorkers: 2,
    });
    const counts = { waiting: 0, running: 0, maxRunning: 0, maxWaiting: 0 };
    const running = startRun(def, {
      store,
      runId: 'r1',
      hooks: {
        onTransition: (_node, from, to) => {
          if (to === 'running') counts.maxRunning = Math.max(counts.maxRunning, ++counts.running);
          if (from === 'running') counts.running--;
          if (to === 'waiting') counts.maxWaiting = Math.max(counts.maxWaiting, ++counts.waiting);
          if (from === 'waiting') counts.waiting--;
        },
      },
    });
    await until(() => counts.waiting === n);
    expect(counts.maxRunning).toBe(0);
    await store.setSignal({ name: 'go', setBy: 'test', at: Date.now() });
    const result = await running;
    expect(result.status).toBe('succeeded');
    expect(result.nodeResults.get('report')?.result).toBe(n);
    expect(counts.maxWaiting).toBe(n);
    expect(counts.maxRunning).toBe(1); // only the report ever ran
  });
});
