import { createServer, type IncomingHttpHeaders } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defineDag, type Alert } from '../../src/durable/index.js';
import type { DAG, DagBuilder } from '../../src/graph/index.js';
import { Scheduler, type Project } from '../../src/orchestrator/index.js';
import { MemoryStore, type RunStore } from '../../src/store/index.js';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import { projectOf } from './helpers.js';

// Alerts: a period late for its SLA reaches a webhook once, across a scheduler restart; a
// failure reaches a hook; bad options are refused.

const dir = mkdtempSync(join(tmpdir(), 'tributary-alerts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A scheduler holding the role on `store`, whose clock the test sets. */
async function schedulerAt(p: Project, store: RunStore, clock: { now: number }) {
  const s = new Scheduler({ project: p, store, now: () => clock.now });
  expect(await s.acquire()).toBe(true);
  return s;
}

describe('alerts', () => {
  it('a period late for its SLA reaches a webhook once, across a scheduler restart, with retries', async () => {
    const received: { headers: IncomingHttpHeaders; body: string; status: number }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        // The first delivery fails: the scheduler retries it.
        const status = received.length === 0 ? 500 : 204;
        received.push({ headers: req.headers, body, status });
        res.statusCode = status;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const store = SqliteStore.open(join(dir, 'sla.db'));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/alerts`;
      const p = projectOf(
        defineDag({
          id: 'sales',
          dag: (b) => b.addNode('pull'),
          tasks: {
            pull: () => {
              throw new Error('source down');
            },
          },
          schedule: { cron: '0 0 * * *', timezone: 'UTC' },
          alerts: { slaMs: 3_600_000, to: [{ webhook: url, on: ['late'] }] },
        }),
      );
      const clock = { now: Date.UTC(2026, 11, 5, 12) };
      const first = await schedulerAt(p, store, clock);
      await first.step(); // first sight: nothing from the past
      clock.now = Date.UTC(2026, 11, 6, 0, 0, 1); // Dec 5 closes; its run fails
      await first.step();
      await first.idle();
      expect(received).toEqual([]); // not late yet: the SLA runs to 01:00
      clock.now = Date.UTC(2026, 11, 6, 1, 0, 1);
      await first.step();
      await first.idle();
      expect(received.map((r) => r.status)).toEqual([500]);
      // The first scheduler goes away; the next takes the role and delivers the retry once.
      await store.releaseLease((await store.getLease('scheduler'))!);
      const second = await schedulerAt(p, store, clock);
      clock.now += 1_000;
      await second.step();
      await second.idle();
      clock.now += 3_600_000;
      await second.step();
      await second.idle();
      expect(received.map((r) => r.status)).toEqual([500, 204]);
      const [failed, delivered] = received;
      expect(delivered!.headers['idempotency-key']).toBe(failed!.headers['idempotency-key']);
      const alert = JSON.parse(delivered!.body) as Alert;
      expect(alert).toMatchObject({
        kind: 'late',
        dagId: 'sales',
        periodKey: '2026-12-05T00:00Z',
        status: 'failed',
      });
      expect(alert.message).toContain('has not succeeded within 3600000 ms');
      const [row] = await store.listNotifications();
      expect(row).toMatchObject({
        state: 'delivered',
        attempts: 2,
        lastError: expect.stringContaining('500'),
      });
    } finally {
      await store.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a failure reaches a hook once; a success only a target that asked for it', async () => {
    const store = new MemoryStore();
    const seen: Alert[] = [];
    const p = projectOf(
      defineDag({
        id: 'load',
        dag: (b) => b.addNode('push'),
        tasks: {
          push: (ctx) => {
            if (ctx.params.fail === true) throw new Error('disk full');
          },
        },
        alerts: {
          to: [
            { name: 'pager', hook: (a) => void seen.push(a) },
            {
              name: 'log',
              hook: (a) => void seen.push({ ...a, message: `log: ${a.message}` }),
              on: ['success'],
            },
          ],
        },
      }),
    );
    const clock = { now: Date.UTC(2026, 11, 5, 12) };
    const s = await schedulerAt(p, store, clock);
    await store.addTriggers([
      { dagId: 'load', periodKey: '', runKey: 'a', params: '{"fail":true}', origin: 'test', at: 1 },
      { dagId: 'load', periodKey: '', runKey: 'b', origin: 'test', at: 2 },
    ]);
    for (let i = 0; i < 3; i++) {
      await s.step();
      await s.idle();
    }
    // The two runs end in either order: compare as a set.
    expect(seen.map((a) => [a.kind, a.status, a.message.startsWith('log:')]).sort()).toEqual([
      ['failure', 'failed', false],
      ['success', 'succeeded', true],
    ]);
  });

  it('refuses bad alert options, quoting them', () => {
    const bad = (alerts: unknown) => () =>
      defineDag({
        id: 'x',
        dag: (b: DagBuilder<DAG>) => b.addNode('a'),
        tasks: { a: () => 1 },
        alerts,
      } as never);
    expect(bad({ to: [{ webhook: 'ftp://x' }] })).toThrow(/webhook.*ftp:\/\/x/s);
    expect(bad({ slaMs: -1, to: [] })).toThrow(/slaMs.*-1/s);
    expect(bad({ to: [{ webhook: 'http://x', on: ['late', 'never'] }] })).toThrow(/never/);
  });
});
