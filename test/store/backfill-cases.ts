import { describe, expect, it } from 'vitest';
import type { BackfillPartitionPlan, NewBackfill, RunStore } from '../../src/store/index.js';
import { run } from './asset-cases.js';

function backfill(id: string, fields: Partial<NewBackfill> = {}): NewBackfill {
  return {
    id,
    dagId: 'sales',
    spec: '{"from":"2026-12-01","to":"2026-12-03"}',
    createdBy: 'cli:ann',
    at: 1_000,
    ...fields,
  };
}

const row = (
  ord: number,
  periodKey: string,
  state: BackfillPartitionPlan['state'] = 'planned',
  dagId = 'sales',
): BackfillPartitionPlan => ({ dagId, periodKey, ord, state });

/** Conformance cases of backfills and their plans, run on every backend. */
export function backfillCases(store: () => RunStore): void {
  describe('backfills', () => {
    it('are created running with their whole plan and a feed change; counts sum the plan', async () => {
      const s = store();
      const head = await s.feedHead();
      // Given out of order: stored and read by ord.
      await s.createBackfill(backfill('bf-1'), [
        row(2, '2026-12-03'),
        row(0, '2026-12-01', 'skipped'),
        row(1, '2026-12-02'),
        row(3, '2026-12-01', 'planned', 'sales-mart'),
      ]);
      expect(await s.getBackfill('bf-1')).toStrictEqual({
        ...backfill('bf-1'),
        state: 'running',
        updatedAt: 1_000,
        counts: { skipped: 1, planned: 3 },
      });
      expect(await s.getBackfill('bf-2')).toBeUndefined();
      expect(await s.backfillPartitions('bf-1')).toStrictEqual([
        row(0, '2026-12-01', 'skipped'),
        row(1, '2026-12-02'),
        row(2, '2026-12-03'),
        row(3, '2026-12-01', 'planned', 'sales-mart'),
      ]);
      expect((await s.changesSince(head)).map((c) => [c.kind, c.subject, c.dagId, c.at])).toEqual([
        ['backfill.changed', 'bf-1', 'sales', 1_000],
      ]);
    });

    it('a taken id or a bad plan is refused and writes nothing', async () => {
      const s = store();
      await s.createBackfill(backfill('bf-1'), [row(0, 'a')]);
      const head = await s.feedHead();
      await expect(
        s.createBackfill(backfill('bf-1', { dagId: 'other' }), [row(0, 'b'), row(1, 'c')]),
      ).rejects.toMatchObject({
        code: 'BACKFILL_EXISTS',
        message: expect.stringContaining('bf-1') as unknown,
      });
      await expect(
        s.createBackfill(backfill('bf-2'), [row(0, 'a'), row(0, 'b')]),
      ).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      });
      await expect(
        s.createBackfill(backfill('bf-2'), [row(0, 'a'), row(1, 'a')]),
      ).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      });
      await expect(
        s.createBackfill(backfill('bf-2', { spec: '{not json' }), [row(0, 'a')]),
      ).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: expect.stringContaining('{not json') as unknown,
      });
      await expect(
        s.createBackfill(backfill('bf-2'), [{ ...row(0, 'a'), state: 'done' as 'planned' }]),
      ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect(await s.backfillPartitions('bf-1')).toStrictEqual([row(0, 'a')]);
      expect((await s.getBackfill('bf-1'))?.dagId).toBe('sales');
      expect(await s.getBackfill('bf-2')).toBeUndefined();
      expect(await s.feedHead()).toBe(head);
      await expect(s.backfillPartitions('bf-2')).rejects.toMatchObject({
        code: 'BACKFILL_NOT_FOUND',
      });
    });

    it('createRun with a backfill records the run on its plan row; rows show the run status', async () => {
      const s = store();
      await s.createBackfill(backfill('bf-1'), [row(0, 'a'), row(1, 'b'), row(2, 'c', 'skipped')]);
      await s.createRun(run('r1', { dagId: 'sales', partitionKey: 'a', runKey: 'backfill:bf-1' }), {
        backfill: 'bf-1',
      });
      await s.createRun(
        run('r2', { dagId: 'sales', partitionKey: 'b', runKey: 'backfill:bf-1', status: 'queued' }),
        {
          backfill: 'bf-1',
        },
      );
      await s.commit('r1', { events: [], run: { status: 'succeeded', finishedAt: 2_000 } });
      expect(await s.backfillPartitions('bf-1')).toStrictEqual([
        { ...row(0, 'a'), runId: 'r1', runStatus: 'succeeded' },
        { ...row(1, 'b'), runId: 'r2', runStatus: 'queued' },
        row(2, 'c', 'skipped'),
      ]);
      expect((await s.getBackfill('bf-1'))?.counts).toStrictEqual({
        succeeded: 1,
        queued: 1,
        skipped: 1,
      });
    });

    it('createRun with a backfill that has no such plan row writes nothing (BACKFILL_NOT_FOUND)', async () => {
      const s = store();
      await s.createBackfill(backfill('bf-1'), [row(0, 'a')]);
      const [e] = await s.addAssetEvents([
        { asset: 'db://src', partitionKey: 'a', source: 'lib', at: 1 },
      ]);
      const head = await s.feedHead();
      const inputs = [
        { eventId: e!.id, asset: e!.asset, partitionKey: 'a', dataVersion: e!.dataVersion },
      ];
      for (const [runId, fields, id] of [
        ['r1', { dagId: 'sales', partitionKey: 'zz' }, 'bf-1'],
        ['r2', { dagId: 'other', partitionKey: 'a' }, 'bf-1'],
        ['r3', { dagId: 'sales', partitionKey: 'a' }, 'bf-9'],
      ] as const) {
        await expect(
          s.createRun(run(runId, fields), { backfill: id, inputs }),
        ).rejects.toMatchObject({
          code: 'BACKFILL_NOT_FOUND',
        });
        expect(await s.getRun(runId)).toBeUndefined();
        expect(await s.runInputs(runId)).toEqual([]);
      }
      expect(await s.feedHead()).toBe(head);
      expect(await s.unconsumedAssetEvents('sales', ['db://src'])).toHaveLength(1);
      expect(await s.backfillPartitions('bf-1')).toStrictEqual([row(0, 'a')]);
      // The identity is still free: the same run can be made once the error is fixed.
      await s.createRun(run('r1', { dagId: 'sales', partitionKey: 'a' }), {
        backfill: 'bf-1',
        inputs,
      });
      expect(await s.unconsumedAssetEvents('sales', ['db://src'])).toEqual([]);
    });

    it('listBackfills: newest first, by DAG and state, limited', async () => {
      const s = store();
      await s.createBackfill(backfill('bf-a', { at: 10 }), [row(0, 'a')]);
      await s.createBackfill(backfill('bf-b', { at: 30, dagId: 'mart' }), [row(0, 'a')]);
      await s.createBackfill(backfill('bf-c', { at: 20 }), []);
      await s.finishBackfill('bf-a', 'cancelled', 40);
      expect((await s.listBackfills()).map((b) => b.id)).toEqual(['bf-b', 'bf-c', 'bf-a']);
      expect((await s.listBackfills({ dagId: 'sales' })).map((b) => b.id)).toEqual([
        'bf-c',
        'bf-a',
      ]);
      expect((await s.listBackfills({ state: 'running' })).map((b) => b.id)).toEqual([
        'bf-b',
        'bf-c',
      ]);
      expect((await s.listBackfills({ limit: 1 })).map((b) => b.id)).toEqual(['bf-b']);
      const [, c, a] = await s.listBackfills();
      expect(c?.counts).toStrictEqual({});
      expect(a).toMatchObject({
        state: 'cancelled',
        finishedAt: 40,
        updatedAt: 40,
        counts: { planned: 1 },
      });
    });

    it('finishBackfill ends a running backfill once, with a feed change; fenced and unknown ids refused', async () => {
      const s = store();
      await s.createBackfill(backfill('bf-1'), [row(0, 'a')]);
      const head = await s.feedHead();
      const lease = await s.acquireLease('scheduler', 'me', 60_000);
      if (!lease.acquired) throw new Error('expected the lease');
      await expect(
        s.finishBackfill('bf-1', 'failed', 2_000, {
          key: 'scheduler',
          fence: lease.lease.fence + 1,
        }),
      ).rejects.toMatchObject({ code: 'LEASE_LOST' });
      expect((await s.getBackfill('bf-1'))?.state).toBe('running');
      expect(
        await s.finishBackfill('bf-1', 'succeeded', 3_000, {
          key: 'scheduler',
          fence: lease.lease.fence,
        }),
      ).toBe(true);
      expect(await s.finishBackfill('bf-1', 'failed', 4_000)).toBe(false);
      expect(await s.getBackfill('bf-1')).toMatchObject({
        state: 'succeeded',
        updatedAt: 3_000,
        finishedAt: 3_000,
      });
      expect((await s.changesSince(head)).map((c) => [c.kind, c.subject, c.dagId, c.at])).toEqual([
        ['backfill.changed', 'bf-1', 'sales', 3_000],
      ]);
      await expect(s.finishBackfill('bf-9', 'failed', 1)).rejects.toMatchObject({
        code: 'BACKFILL_NOT_FOUND',
      });
    });

    it('retention keeps backfills, inputs and asset events; a run removed whole counts as removed', async () => {
      const s = store();
      await s.createBackfill(backfill('bf-1'), [row(0, 'a')]);
      const [e] = await s.addAssetEvents([
        { asset: 'db://src', partitionKey: '', source: 'lib', at: 1 },
      ]);
      const inputs = [
        { eventId: e!.id, asset: 'db://src', partitionKey: '', dataVersion: e!.dataVersion },
      ];
      await s.createRun(run('r1', { dagId: 'sales', partitionKey: 'a' }), {
        backfill: 'bf-1',
        inputs,
      });
      await s.commit('r1', { events: [], run: { status: 'succeeded', finishedAt: 2_000 } });
      const result = await s.prune({ before: 10_000, keepSummaries: false });
      expect(result.runIds).toEqual(['r1']);
      expect(await s.getRun('r1')).toBeUndefined();
      expect(await s.backfillPartitions('bf-1')).toStrictEqual([{ ...row(0, 'a'), runId: 'r1' }]);
      expect((await s.getBackfill('bf-1'))?.counts).toStrictEqual({ removed: 1 });
      expect(await s.runInputs('r1')).toHaveLength(1);
      expect(await s.unconsumedAssetEvents('sales', ['db://src'])).toEqual([]);
      expect(await s.assetEvents()).toHaveLength(1);
    });
  });
}
