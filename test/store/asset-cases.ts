import { describe, expect, it } from 'vitest';
import type {
  NewAssetEvent,
  RunRecord,
  RunStore,
  StoredAssetEvent,
} from '../../src/store/index.js';

const SALES = 'warehouse://sales/daily';
const ORDERS = 'warehouse://orders';

export function run(runId: string, fields: Partial<RunRecord> = {}): RunRecord {
  return {
    runId,
    dagId: 'report',
    status: 'running',
    params: {},
    graph: '{"nodes":[],"edges":[]}',
    createdAt: 1_000,
    updatedAt: 1_000,
    ...fields,
  };
}

function ev(partitionKey: string, fields: Partial<NewAssetEvent> = {}): NewAssetEvent {
  return { asset: SALES, partitionKey, source: 'cli:ann', at: 5_000, ...fields };
}

/** The input a run records for a stored event. */
const input = (e: StoredAssetEvent) => ({
  eventId: e.id,
  asset: e.asset,
  partitionKey: e.partitionKey,
  dataVersion: e.dataVersion,
});

const ids = (events: readonly { id: number }[]): number[] => events.map((e) => e.id);

/** Conformance cases of asset events, run inputs and dynamic partition keys, run on every backend. */
export function assetCases(store: () => RunStore): void {
  describe('asset events', () => {
    it('are stored with rising ids; the version defaults to event:<id>; each writes a feed change', async () => {
      const s = store();
      await s.createRun(run('r1', { dagId: 'load', partitionKey: '2026-12-01' }));
      const head = await s.feedHead();
      const stored = await s.addAssetEvents([
        ev('2026-12-01', { runId: 'r1', node: 'write', metadata: '{"rows":3}', at: 6_000 }),
        ev('', { asset: ORDERS, dataVersion: 'sha:abc' }),
        ev('2026-12-02', { runId: 'ghost' }),
      ]);
      expect(stored[1]!.id).toBeGreaterThan(stored[0]!.id);
      expect(stored[2]!.id).toBeGreaterThan(stored[1]!.id);
      expect(stored[0]).toStrictEqual({
        id: stored[0]!.id,
        asset: SALES,
        partitionKey: '2026-12-01',
        dataVersion: `event:${stored[0]!.id}`,
        metadata: '{"rows":3}',
        runId: 'r1',
        node: 'write',
        source: 'cli:ann',
        at: 6_000,
      });
      expect(stored[1]).toStrictEqual({
        id: stored[1]!.id,
        asset: ORDERS,
        partitionKey: '',
        dataVersion: 'sha:abc',
        source: 'cli:ann',
        at: 5_000,
      });
      for (const e of stored) expect(await s.getAssetEvent(e.id)).toStrictEqual(e);
      expect(await s.getAssetEvent(9_999)).toBeUndefined();
      const changes = await s.changesSince(head);
      expect(changes.map((c) => [c.kind, c.subject, c.periodKey, c.dagId, c.at])).toEqual([
        ['asset.materialized', SALES, '2026-12-01', 'load', 6_000],
        ['asset.materialized', ORDERS, '', undefined, 5_000],
        // A run the store does not know gives no DAG.
        ['asset.materialized', SALES, '2026-12-02', undefined, 5_000],
      ]);
    });

    it('assetEvents filters by asset, partition, run and id; newest first unless asc; 100 by default', async () => {
      const s = store();
      const many = await s.addAssetEvents(
        Array.from({ length: 105 }, (_, i) => ev(`k${i % 3}`, i === 4 ? { runId: 'r9' } : {})),
      );
      const [other] = await s.addAssetEvents([ev('k0', { asset: ORDERS })]);
      const all = await s.assetEvents();
      expect(all).toHaveLength(100);
      expect(all[0]!.id).toBe(other!.id);
      expect(ids(await s.assetEvents({ asset: ORDERS }))).toEqual([other!.id]);
      const k1 = await s.assetEvents({ asset: SALES, partitionKey: 'k1', limit: 500 });
      expect(k1).toHaveLength(35);
      expect(k1.every((e) => e.partitionKey === 'k1' && e.asset === SALES)).toBe(true);
      expect(ids(k1)).toEqual([...ids(k1)].sort((a, b) => b - a));
      expect(ids(await s.assetEvents({ runId: 'r9' }))).toEqual([many[4]!.id]);
      expect(ids(await s.assetEvents({ afterId: many[101]!.id, order: 'asc' }))).toEqual([
        many[102]!.id,
        many[103]!.id,
        many[104]!.id,
        other!.id,
      ]);
      expect(ids(await s.assetEvents({ order: 'asc', limit: 2 }))).toEqual(ids(many.slice(0, 2)));
    });

    it('latestAssetEvents: the latest event per partition, in key order; listAssets sums up', async () => {
      const s = store();
      const [b1, a1, b2, c1] = await s.addAssetEvents([
        ev('b', { dataVersion: 'v1' }),
        ev('a'),
        ev('b', { dataVersion: 'v2' }),
        ev('c'),
      ]);
      const [o1] = await s.addAssetEvents([ev('', { asset: ORDERS })]);
      expect(b1).toBeDefined();
      expect(await s.latestAssetEvents(SALES)).toStrictEqual([a1, b2, c1]);
      expect(await s.latestAssetEvents(SALES, ['c', 'b', 'zz'])).toStrictEqual([b2, c1]);
      expect(await s.latestAssetEvents(SALES, [])).toEqual([]);
      expect(await s.latestAssetEvents('warehouse://nothing')).toEqual([]);
      expect(await s.listAssets()).toStrictEqual([
        { asset: ORDERS, partitions: 1, latest: o1 },
        { asset: SALES, partitions: 3, latest: c1 },
      ]);
    });

    it('refuses bad events quoting the value, writing none of the batch', async () => {
      const s = store();
      const head = await s.feedHead();
      const bad: [Partial<NewAssetEvent>, string, string][] = [
        [{ asset: 'sales daily' }, 'INVALID_ASSET', 'sales daily'],
        [{ asset: 'warehouse://' }, 'INVALID_ASSET', 'warehouse://'],
        [{ partitionKey: 7 as unknown as string }, 'INVALID_ARGUMENT', '7'],
        [{ metadata: '{rows: 3' }, 'INVALID_ARGUMENT', '{rows: 3'],
        [{ metadata: { rows: 3 } as unknown as string }, 'INVALID_ARGUMENT', '{"rows":3}'],
        [{ dataVersion: '' }, 'INVALID_ARGUMENT', '""'],
        [{ source: '' }, 'INVALID_ARGUMENT', '""'],
        [{ at: '5000' as unknown as number }, 'INVALID_ARGUMENT', '"5000"'],
      ];
      for (const [fields, code, quoted] of bad) {
        const error = await s.addAssetEvents([ev('ok'), ev('x', fields)]).then(
          () => undefined,
          (caught: unknown) => caught as { code: string; message: string },
        );
        expect(error?.code, JSON.stringify(fields)).toBe(code);
        expect(error?.message).toContain(quoted);
      }
      expect(await s.assetEvents()).toEqual([]);
      expect(await s.feedHead()).toBe(head);
      await expect(s.latestAssetEvents('nope')).rejects.toMatchObject({ code: 'INVALID_ASSET' });
      await expect(s.unconsumedAssetEvents('d', ['nope'])).rejects.toMatchObject({
        code: 'INVALID_ASSET',
      });
    });
  });

  describe('asset events in a run commit', () => {
    it('are stored with the commit, belong to its run, and write feed changes with its DAG', async () => {
      const s = store();
      await s.createRun(run('r1', { dagId: 'load', partitionKey: '2026-12-01' }));
      const head = await s.feedHead();
      await s.commit('r1', {
        events: [{ seq: 1, type: 'task_succeeded', node: 'write', at: 7_000, body: '{}' }],
        assets: [ev('2026-12-01', { node: 'write', source: 'run:r1/write', at: 7_000 })],
      });
      const [stored] = await s.assetEvents();
      expect(stored).toMatchObject({ runId: 'r1', node: 'write', partitionKey: '2026-12-01' });
      expect(stored!.dataVersion).toBe(`event:${stored!.id}`);
      expect(
        (await s.changesSince(head)).map((c) => [c.kind, c.subject, c.periodKey, c.dagId]),
      ).toEqual([['asset.materialized', SALES, '2026-12-01', 'load']]);
    });

    it('a commit with a stale fence, or a bad asset, writes no asset event and nothing else', async () => {
      const s = store();
      await s.createRun(run('r1'));
      const lease = await s.acquireLease('run:r1', 'me', 60_000);
      if (!lease.acquired) throw new Error('expected the lease');
      const head = await s.feedHead();
      const entry = { seq: 1, type: 'task_succeeded', node: 'a', at: 7_000, body: '{}' };
      await expect(
        s.commit('r1', { events: [entry], assets: [ev('k')], fence: lease.lease.fence + 1 }),
      ).rejects.toMatchObject({ code: 'LEASE_LOST' });
      await expect(
        s.commit('r1', {
          events: [entry],
          assets: [ev('k'), ev('k', { asset: 'bad uri' })],
          fence: lease.lease.fence,
        }),
      ).rejects.toMatchObject({ code: 'INVALID_ASSET' });
      expect(await s.assetEvents()).toEqual([]);
      expect(await s.loadEvents('r1')).toEqual([]);
      expect(await s.feedHead()).toBe(head);
      await s.commit('r1', { events: [entry], assets: [ev('k')], fence: lease.lease.fence });
      expect(await s.assetEvents()).toHaveLength(1);
    });
  });

  describe('run inputs and consumption', () => {
    it('createRun writes the inputs with the run; addRunInputs skips known ones', async () => {
      const s = store();
      const [a, b, c] = await s.addAssetEvents([ev('k1'), ev('k2'), ev('k1')]);
      await s.createRun(run('r1', { dagId: 'mart', partitionKey: 'p1' }), {
        inputs: [input(b!), input(a!)],
      });
      await s.addRunInputs('r1', [input(a!), input(c!)]);
      await s.addRunInputs('r1', [input(c!)]);
      expect(await s.runInputs('r1')).toStrictEqual(
        [a!, b!, c!].map((e) => ({ ...input(e), runId: 'r1', dagId: 'mart', periodKey: 'p1' })),
      );
      await s.createRun(run('r2', { dagId: 'mart' }), { inputs: [input(a!)] });
      expect((await s.runInputs('r2'))[0]).toMatchObject({ periodKey: '', dagId: 'mart' });
      expect(await s.runInputs('r3')).toEqual([]);
      await expect(s.addRunInputs('ghost', [input(a!)])).rejects.toMatchObject({
        code: 'RUN_NOT_FOUND',
      });
      await expect(s.addRunInputs('r1', [{ ...input(a!), eventId: 0 }])).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      });
      // A refused createRun writes neither the run nor its inputs.
      await expect(
        s.createRun(run('r4'), { inputs: [input(a!), { ...input(b!), asset: 'x' }] }),
      ).rejects.toMatchObject({ code: 'INVALID_ASSET' });
      expect(await s.getRun('r4')).toBeUndefined();
      expect(await s.runInputs('r4')).toEqual([]);
    });

    it('an event is consumed once a run of the DAG has it or a later one of its partition', async () => {
      const s = store();
      const [k1a, k2a, o1] = await s.addAssetEvents([
        ev('k1'),
        ev('k2'),
        ev('k1', { asset: ORDERS }),
      ]);
      const [k1b, k1c] = await s.addAssetEvents([ev('k1'), ev('k1')]);
      expect(ids(await s.unconsumedAssetEvents('mart', [SALES, ORDERS]))).toEqual(
        ids([k1a!, k2a!, o1!, k1b!, k1c!]),
      );
      expect(ids(await s.unconsumedAssetEvents('mart', [SALES]))).toEqual(
        ids([k1a!, k2a!, k1b!, k1c!]),
      );
      // Consuming k1b consumes k1a too (an older event of the same partition), not k1c.
      await s.createRun(run('r1', { dagId: 'mart' }), { inputs: [input(k1b!)] });
      expect(ids(await s.unconsumedAssetEvents('mart', [SALES, ORDERS]))).toEqual(
        ids([k2a!, o1!, k1c!]),
      );
      // Another DAG's runs do not count for this one.
      await s.createRun(run('r2', { dagId: 'other' }), { inputs: [input(k2a!), input(k1c!)] });
      expect(ids(await s.unconsumedAssetEvents('mart', [SALES]))).toEqual(ids([k2a!, k1c!]));
      expect(await s.unconsumedAssetEvents('other', [SALES])).toEqual([]);
      // Partition filters, and inputs added later by another run of the DAG.
      expect(ids(await s.unconsumedAssetEvents('mart', [SALES], ['k2']))).toEqual([k2a!.id]);
      expect(ids(await s.unconsumedAssetEvents('mart', [SALES, ORDERS], ['k1']))).toEqual(
        ids([o1!, k1c!]),
      );
      expect(await s.unconsumedAssetEvents('mart', [SALES], [])).toEqual([]);
      await s.createRun(run('r3', { dagId: 'mart' }));
      await s.addRunInputs('r3', [input(k1c!), input(o1!)]);
      expect(ids(await s.unconsumedAssetEvents('mart', [SALES, ORDERS]))).toEqual([k2a!.id]);
      const [k1d] = await s.addAssetEvents([ev('k1')]);
      expect(ids(await s.unconsumedAssetEvents('mart', [SALES, ORDERS]))).toEqual(
        ids([k2a!, k1d!]),
      );
      expect(await s.unconsumedAssetEvents('mart', [])).toEqual([]);
    });
  });

  describe('latest run per period and stale inputs', () => {
    it('latestRunPerPeriod: the latest run of each period by creation, ties to the greater id, in key order', async () => {
      const s = store();
      await s.createRun(run('a1', { partitionKey: 'p2', runKey: '', createdAt: 10 }));
      await s.createRun(run('a2', { partitionKey: 'p2', runKey: 'rerun', createdAt: 20 }));
      await s.createRun(run('b1', { partitionKey: 'p1', runKey: '', createdAt: 30 }));
      await s.createRun(run('b0', { partitionKey: 'p1', runKey: 'old', createdAt: 5 }));
      await s.createRun(run('c1', { partitionKey: 'p3', runKey: 'x', createdAt: 40 }));
      await s.createRun(run('c2', { partitionKey: 'p3', runKey: 'y', createdAt: 40 }));
      await s.createRun(run('m1', { createdAt: 50 }));
      await s.createRun(run('m0', { createdAt: 1 }));
      await s.createRun(run('z1', { dagId: 'other', partitionKey: 'p1', createdAt: 99 }));
      await s.commit('b1', { events: [], run: { status: 'failed', finishedAt: 60 } });
      expect(await s.latestRunPerPeriod('report')).toStrictEqual([
        { periodKey: '', runId: 'm1', status: 'running', createdAt: 50 },
        { periodKey: 'p1', runId: 'b1', status: 'failed', createdAt: 30 },
        { periodKey: 'p2', runId: 'a2', status: 'running', createdAt: 20 },
        { periodKey: 'p3', runId: 'c2', status: 'running', createdAt: 40 },
      ]);
      expect(await s.latestRunPerPeriod('nothing')).toEqual([]);
    });

    it("staleInputs: the latest run's newest input of a partition whose version changed", async () => {
      const s = store();
      const [p1v1, p2v1, o] = await s.addAssetEvents([
        ev('p1', { dataVersion: 'v1' }),
        ev('p2', { dataVersion: 'v1' }),
        ev('', { asset: ORDERS, dataVersion: 'o1' }),
      ]);
      await s.createRun(run('old', { partitionKey: 'p1', createdAt: 10 }), {
        inputs: [input(p1v1!)],
      });
      await s.createRun(run('r1', { partitionKey: 'p1', runKey: 'x', createdAt: 20 }), {
        inputs: [input(p1v1!), input(o!)],
      });
      await s.createRun(run('r2', { partitionKey: 'p2', createdAt: 30 }), {
        inputs: [input(p2v1!)],
      });
      await s.createRun(run('other', { dagId: 'x', partitionKey: 'p1' }), {
        inputs: [input(p1v1!)],
      });
      expect(await s.staleInputs('report')).toEqual([]);
      // Same version again: not stale. A new version of p1 and of orders: stale for r1 only.
      const [p1same] = await s.addAssetEvents([ev('p1', { dataVersion: 'v1' })]);
      expect(await s.staleInputs('report')).toEqual([]);
      const [p1v2, o2] = await s.addAssetEvents([
        ev('p1', { dataVersion: 'v2' }),
        ev('', { asset: ORDERS }),
      ]);
      expect(await s.staleInputs('report')).toStrictEqual([
        {
          periodKey: 'p1',
          runId: 'r1',
          asset: ORDERS,
          partitionKey: '',
          readVersion: 'o1',
          latestEventId: o2!.id,
          latestVersion: `event:${o2!.id}`,
        },
        {
          periodKey: 'p1',
          runId: 'r1',
          asset: SALES,
          partitionKey: 'p1',
          readVersion: 'v1',
          latestEventId: p1v2!.id,
          latestVersion: 'v2',
        },
      ]);
      expect(await s.staleInputs('x')).toHaveLength(1);
      // A run that read the newest version of a partition (besides older ones) is not stale on it.
      await s.addRunInputs('r1', [input(p1v2!), input(o2!)]);
      expect(p1same).toBeDefined();
      expect(await s.staleInputs('report')).toEqual([]);
      // A newer run of p2 with no inputs makes p2's older, stale inputs irrelevant.
      await s.addAssetEvents([ev('p2', { dataVersion: 'v2' })]);
      expect((await s.staleInputs('report')).map((i) => i.runId)).toEqual(['r2']);
      await s.createRun(run('r3', { partitionKey: 'p2', runKey: 'y', createdAt: 40 }));
      expect(await s.staleInputs('report')).toEqual([]);
    });
  });

  describe('stale inputs: ties', () => {
    it('of two runs of a period made in the same millisecond, the greater id is the latest', async () => {
      const s = store();
      const [v1] = await s.addAssetEvents([ev('p', { dataVersion: 'v1' })]);
      await s.createRun(run('rb', { partitionKey: 'p', runKey: 'x', createdAt: 7 }), {
        inputs: [input(v1!)],
      });
      await s.createRun(run('ra', { partitionKey: 'p', runKey: 'y', createdAt: 7 }));
      await s.addAssetEvents([ev('p', { dataVersion: 'v2' })]);
      expect((await s.latestRunPerPeriod('report')).map((p) => p.runId)).toEqual(['rb']);
      expect((await s.staleInputs('report')).map((i) => i.runId)).toEqual(['rb']);
    });
  });

  describe('dynamic partition keys', () => {
    it('adds new keys in order, once each, with one feed change when any was new', async () => {
      const s = store();
      const head = await s.feedHead();
      expect(
        await s.addPartitionKeys('customers', ['acme', 'zeta', 'acme', 'beta'], 'cli:ann', 10),
      ).toEqual(['acme', 'zeta', 'beta']);
      expect(await s.addPartitionKeys('customers', ['beta', 'alpha'], 'api:bob', 20)).toEqual([
        'alpha',
      ]);
      expect(await s.addPartitionKeys('customers', ['zeta'], 'api:bob', 30)).toEqual([]);
      expect(await s.addPartitionKeys('regions', ['eu'], 'lib', 40)).toEqual(['eu']);
      expect(await s.partitionKeys('customers')).toStrictEqual([
        { set: 'customers', key: 'acme', addedBy: 'cli:ann', addedAt: 10 },
        { set: 'customers', key: 'zeta', addedBy: 'cli:ann', addedAt: 10 },
        { set: 'customers', key: 'beta', addedBy: 'cli:ann', addedAt: 10 },
        { set: 'customers', key: 'alpha', addedBy: 'api:bob', addedAt: 20 },
      ]);
      expect(await s.partitionKeys('nothing')).toEqual([]);
      expect(
        (await s.changesSince(head)).map((c) => [c.kind, c.subject, c.at, c.dagId, c.periodKey]),
      ).toEqual([
        ['partitions.added', 'customers', 10, undefined, undefined],
        ['partitions.added', 'customers', 20, undefined, undefined],
        ['partitions.added', 'regions', 40, undefined, undefined],
      ]);
    });

    it('refuses an empty set name or key, writing nothing', async () => {
      const s = store();
      await expect(s.addPartitionKeys('', ['a'], 'lib', 1)).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      });
      await expect(s.addPartitionKeys('set', ['a', ''], 'lib', 1)).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: expect.stringContaining('""') as unknown,
      });
      await expect(s.addPartitionKeys('set', ['a'], '', 1)).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      });
      await expect(s.partitionKeys('')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect(await s.partitionKeys('set')).toEqual([]);
      expect(await s.feedHead()).toBe(0);
    });
  });
}
