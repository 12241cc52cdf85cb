import { describe, expect, it } from 'vitest';
import { TributaryError } from '../../src/errors/index.js';
import { runLeaseKey } from '../../src/store/lease.js';
import type { RunRecord, RunStore, StoredEvent } from '../../src/store/run-store.js';

type Fields = { readonly [K in keyof RunRecord]?: RunRecord[K] | undefined };

/**
 * The retention cases of the conformance suite (`RunStore.prune`), for one backend: called inside
 * its `describe`, with the store the suite opened for the test.
 */
export function retentionCases(store: () => RunStore): void {
  /** A finished run; a field given as undefined is left out. */
  const record = (runId: string, fields: Fields = {}): RunRecord =>
    Object.fromEntries(
      Object.entries({
        runId,
        dagId: 'etl',
        status: 'succeeded',
        params: { day: runId },
        graph: '{"nodes":[{"name":"a"}],"edges":[]}',
        createdAt: 1_000,
        updatedAt: 1_000,
        finishedAt: 5_000,
        ...fields,
      }).filter(([, value]) => value !== undefined),
    ) as unknown as RunRecord;
  const events = (n: number): StoredEvent[] =>
    Array.from({ length: n }, (_, i) => ({
      seq: i + 1,
      type: 'task_started',
      node: 'a',
      at: 2_000,
      body: `{"seq":${i + 1}}`,
    }));
  const line = (message: string) => ({
    node: 'a',
    attempt: 1,
    at: 3_000,
    level: 'info' as const,
    source: 'log' as const,
    message,
  });

  /** A run with `n` journal entries (in two commits), `n` log lines, a snapshot, 2 artifacts, a request. */
  async function fullRun(runId: string, fields: Fields = {}, n = 4): Promise<void> {
    const s = store();
    await s.createRun(record(runId, fields));
    const all = events(n);
    const half = Math.ceil(n / 2);
    await s.commit(runId, { events: all.slice(0, half), logs: [line('one')] });
    const request = await s.addRequest(runId, { kind: 'cancel', actor: 'cli:ann', at: 4_000 });
    await s.commit(runId, {
      events: all.slice(half),
      logs: Array.from({ length: n - 1 }, (_, i) => line(`more ${i}`)),
      requests: [{ id: request, state: 'rejected', outcome: '{}' }],
    });
    await s.putSnapshot(runId, 2, 'snapshot');
    await s.putArtifact(runId, 'out', 'x');
    await s.putArtifact(runId, 'report', 'y');
  }

  async function codeOf(promise: Promise<unknown>): Promise<string> {
    try {
      await promise;
    } catch (error) {
      expect(error).toBeInstanceOf(TributaryError);
      return (error as TributaryError).code;
    }
    throw new Error('expected the operation to fail');
  }

  describe('retention (prune)', () => {
    it('prunes finished runs older than the cutoff to summaries; never queued, running or leased ones', async () => {
      const s = store();
      await fullRun('ok', { partitionKey: '2026-01-01', runKey: '', origin: 'schedule' });
      await fullRun('failed', { status: 'failed', finishedAt: 4_000 });
      await fullRun('partial', { status: 'partially_succeeded', finishedAt: 6_000 });
      await fullRun('cancelled', { status: 'cancelled', finishedAt: 7_000 });
      await fullRun('recent', { finishedAt: 50_000 });
      await fullRun('running', { status: 'running', finishedAt: undefined });
      // A run reopened by a clear is queued, whatever it was before.
      await fullRun('queued', { status: 'queued', finishedAt: undefined });
      await fullRun('leased');
      await fullRun('released');
      await s.acquireLease(runLeaseKey('leased'), 'clearer', 60_000);
      const taken = await s.acquireLease(runLeaseKey('released'), 'done', 60_000);
      if (!taken.acquired) throw new Error('expected the lease');
      await s.releaseLease(taken.lease);

      const result = await s.prune({ before: 10_000 });
      expect(result).toStrictEqual({
        dryRun: false,
        runs: 5,
        runIds: ['failed', 'ok', 'released', 'partial', 'cancelled'],
        summariesDropped: 0,
        journalEntries: 20,
        snapshots: 5,
        logLines: 20,
        artifacts: 10,
        requests: 5,
        feedChanges: 0, // no feed cursor yet
        triggers: 0,
        signalEntries: 0,
        leased: ['leased'],
      });

      // The summary: listed, with its status, times, params, identity and origin.
      const ok = await s.getRun('ok');
      expect(ok).toMatchObject({
        runId: 'ok',
        status: 'succeeded',
        params: { day: 'ok' },
        partitionKey: '2026-01-01',
        runKey: '',
        origin: 'schedule',
        createdAt: 1_000,
        finishedAt: 5_000,
      });
      expect(typeof ok?.prunedAt).toBe('number');
      expect((await s.listRuns({ limit: 100 })).map((r) => r.runId).sort()).toHaveLength(9);
      expect((await s.findRun('etl', '2026-01-01', ''))?.runId).toBe('ok');
      expect(
        await codeOf(s.createRun(record('again', { partitionKey: '2026-01-01', runKey: '' }))),
      ).toBe('RUN_EXISTS');
      // Its details are gone, and saying so is a typed error, not an empty journal.
      expect(await codeOf(s.loadEvents('ok'))).toBe('RUN_PRUNED');
      expect(await codeOf(s.loadLogs('ok'))).toBe('RUN_PRUNED');
      expect(await codeOf(s.commit('ok', { events: events(1) }))).toBe('RUN_PRUNED');
      expect(await codeOf(s.commit('ok', { events: [], run: { status: 'queued' } }))).toBe(
        'RUN_PRUNED',
      );
      expect(await codeOf(s.addRequest('ok', { kind: 'cancel', actor: 'x', at: 1 }))).toBe(
        'RUN_PRUNED',
      );
      expect(await s.getSnapshot('ok')).toBeUndefined();
      expect(await s.getArtifact('ok', 'out')).toBeUndefined();
      expect(await s.pendingRequests('ok')).toEqual([]);
      expect((await s.getRun('ok'))?.status).toBe('succeeded'); // the refused commit wrote nothing

      // Untouched: recent, running, queued and leased runs keep everything.
      for (const runId of ['recent', 'running', 'queued', 'leased']) {
        expect(await s.loadEvents(runId)).toHaveLength(4);
        expect(await s.loadLogs(runId)).toHaveLength(4);
        expect(await s.getSnapshot(runId)).toEqual({ seq: 2, body: 'snapshot' });
        expect(await s.getArtifact(runId, 'report')).toBe('y');
        expect((await s.getRun(runId))?.prunedAt).toBeUndefined();
      }
      // Pruning again finds nothing new.
      expect((await s.prune({ before: 10_000 })).runs).toBe(0);
    });

    it('a dry run counts what a prune removes, and removes nothing', async () => {
      const s = store();
      await fullRun('a', {}, 6);
      await fullRun('b', { dagId: 'other' }, 2);
      await s.addTriggers([
        { dagId: 'etl', periodKey: '', runKey: '', origin: 'cli:x', at: 1_000 },
      ]);
      const [t] = await s.pendingTriggers();
      await s.completeTrigger(t!.id, { runId: 'a' });
      await s.setMark('feed', String(await s.feedHead()));
      const head = await s.feedHead();
      const changes = await s.changesSince(0);

      const dry = await s.prune({ before: 1e15, dryRun: true });
      expect(dry.dryRun).toBe(true);
      expect([dry.runs, dry.journalEntries, dry.logLines, dry.artifacts]).toEqual([2, 8, 8, 4]);
      expect(dry.triggers).toBe(1);
      expect(dry.feedChanges).toBeGreaterThan(0);
      expect(await s.loadEvents('a')).toHaveLength(6);
      expect(await s.loadLogs('b')).toHaveLength(2);
      expect((await s.getRun('a'))?.prunedAt).toBeUndefined();
      expect(await s.changesSince(0)).toEqual(changes);
      expect(await s.listTriggers()).toHaveLength(1);
      expect(await s.feedHead()).toBe(head);

      const real = await s.prune({ before: 1e15 });
      expect({ ...real, dryRun: true }).toStrictEqual(dry);
    });

    it('dropping summaries removes runs whole and frees their identity', async () => {
      const s = store();
      await fullRun('p1', { partitionKey: 'p1', runKey: '' });
      await fullRun('p2', { partitionKey: 'p2', runKey: '' });
      // p2 already pruned to a summary: dropping removes its row too, counting no details again.
      await s.prune({ before: 10_000, dagId: 'etl', keepSummaries: true });
      await fullRun('p3', { partitionKey: 'p3', runKey: '' });
      const result = await s.prune({ before: 10_000, keepSummaries: false });
      expect([...result.runIds].sort()).toEqual(['p1', 'p2', 'p3']);
      expect(result.summariesDropped).toBe(3);
      expect(result.journalEntries).toBe(4); // p3's; p1 and p2 had none left
      expect(await s.getRun('p1')).toBeUndefined();
      expect(await s.listRuns()).toEqual([]);
      expect(await s.findRun('etl', 'p2', '')).toBeUndefined();
      expect(await codeOf(s.loadEvents('p3'))).toBe('RUN_NOT_FOUND');
      // The period can be run again.
      await s.createRun(record('p1-again', { partitionKey: 'p1', runKey: '', status: 'queued' }));
      expect((await s.findRun('etl', 'p1', ''))?.runId).toBe('p1-again');
    });

    it('with dagId: only that DAG', async () => {
      const s = store();
      await fullRun('mine');
      await fullRun('theirs', { dagId: 'sales' });
      const result = await s.prune({ before: 10_000, dagId: 'sales' });
      expect(result.runIds).toEqual(['theirs']);
      expect(await s.loadEvents('mine')).toHaveLength(4);
    });

    it('the feed loses only entries below the lowest cursor and older than the cutoff', async () => {
      const s = store();
      // Signals write feed entries at the time they are given.
      for (let i = 1; i <= 10; i++) await s.setSignal({ name: `s${i}`, setBy: 'x', at: i * 100 });
      const seqs = (await s.changesSince(0)).map((c) => c.seq);
      const head = await s.feedHead();
      // No reader has a cursor: a scheduler that starts later reads from the start.
      expect((await s.prune({ before: 1e15 })).feedChanges).toBe(0);
      expect(await s.changesSince(0)).toHaveLength(10);

      await s.setMark('feed', String(seqs[6])); // the scheduler read up to the 7th
      await s.setMark('feed:sensors', String(seqs[4])); // another reader, behind it
      await s.setMark('schedule:etl', '0'); // not a cursor
      // Older than 350: the first three, all below both cursors.
      expect((await s.prune({ before: 350 })).feedChanges).toBe(3);
      expect((await s.changesSince(0)).map((c) => c.seq)).toEqual(seqs.slice(3));
      // Everything old: only below the lowest cursor (the 5th): the 4th goes.
      expect((await s.prune({ before: 1e15 })).feedChanges).toBe(1);
      expect((await s.changesSince(0)).map((c) => c.seq)).toEqual(seqs.slice(4));
      // Each reader still reads exactly what it had not read.
      expect((await s.changesSince(seqs[4]!)).map((c) => c.subject)).toEqual([
        's6',
        's7',
        's8',
        's9',
        's10',
      ]);
      expect((await s.changesSince(seqs[6]!)).map((c) => c.subject)).toEqual(['s8', 's9', 's10']);

      // Every reader at the head: all but the head entry may go; the head stays.
      await s.setMark('feed:sensors', String(head));
      await s.setMark('feed', String(head));
      await s.prune({ before: 1e15 });
      expect((await s.changesSince(0)).map((c) => c.seq)).toEqual([head]);
      expect(await s.feedHead()).toBe(head);
      expect(await s.waitForChange(head, { maxWaitMs: 1 })).toBe(false);
      // New changes continue the sequence: no seq is reused.
      await s.setSignal({ name: 'next', setBy: 'x', at: 2_000 });
      const next = await s.changesSince(head);
      expect(next.map((c) => c.subject)).toEqual(['next']);
      expect(next[0]!.seq).toBeGreaterThan(head);
    });

    it('completed triggers older than the cutoff go; pending ones stay', async () => {
      const s = store();
      const trigger = (dagId: string, at: number) => ({
        dagId,
        periodKey: '',
        runKey: '',
        origin: 'cli:x',
        at,
      });
      await s.addTriggers([
        trigger('etl', 100),
        trigger('etl', 200),
        trigger('sales', 300),
        trigger('etl', 400),
        trigger('etl', 5_000),
      ]);
      const [t1, t2, t3, , t5] = await s.pendingTriggers();
      await s.completeTrigger(t1!.id, { runId: 'r1' });
      await s.completeTrigger(t2!.id, { refused: 'no' });
      await s.completeTrigger(t3!.id, { runId: 'r3' });
      await s.completeTrigger(t5!.id, { runId: 'r5' });
      expect((await s.prune({ before: 1_000, dagId: 'sales' })).triggers).toBe(1);
      expect((await s.prune({ before: 1_000 })).triggers).toBe(2);
      expect((await s.listTriggers()).map((t) => [t.at, t.state])).toEqual([
        [5_000, 'done'],
        [400, 'pending'],
      ]);
      // Ids are never reused.
      await s.addTriggers([trigger('etl', 6_000)]);
      const ids = (await s.listTriggers()).map((t) => t.id);
      expect(ids[0]).toBeGreaterThan(t5!.id);
    });

    it("old entries of a signal's history go; its current value stays", async () => {
      const s = store();
      await s.setSignal({ name: 'go', setBy: 'x', at: 100, payload: 1 });
      await s.setSignal({ name: 'go', setBy: 'x', at: 200, payload: 2 });
      await s.clearSignal('go', '', 'x', 300);
      await s.setSignal({ name: 'go', setBy: 'x', at: 400, payload: 4 });
      await s.setSignal({ name: 'done', setBy: 'x', at: 100 });
      await s.clearSignal('done', '', 'x', 200);
      expect((await s.prune({ before: 1_000, dagId: 'etl' })).signalEntries).toBe(0);
      expect((await s.prune({ before: 1_000 })).signalEntries).toBe(4);
      expect((await s.signalHistory('go')).map((e) => e.payload)).toEqual([4]);
      expect((await s.getSignal('go'))?.payload).toBe(4);
      expect(await s.getSignal('done')).toBeUndefined();
      expect((await s.signalHistory('done')).map((e) => e.cleared)).toEqual([true]);
      const again = await s.setSignal({ name: 'go', setBy: 'x', at: 500 });
      expect(again.id).toBeGreaterThan(6);
    });

    it('refuses options it cannot use, quoting them', async () => {
      const s = store();
      expect(await codeOf(s.prune({ before: Number.NaN }))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(s.prune({ before: '30d' as unknown as number }))).toBe(
        'INVALID_ARGUMENT',
      );
      expect(await codeOf(s.prune({ before: 1, dagId: '' }))).toBe('INVALID_ARGUMENT');
    });

    it('reclaimSpace says what it did, and the store keeps working', async () => {
      const s = store();
      await fullRun('a');
      await s.prune({ before: 10_000 });
      const reclaimed = await s.reclaimSpace();
      expect(['vacuum', 'incremental', 'none']).toContain(reclaimed.method);
      expect(reclaimed.bytesAfter).toBeLessThanOrEqual(reclaimed.bytesBefore);
      expect((await s.getRun('a'))?.status).toBe('succeeded');
    });
  });
}
