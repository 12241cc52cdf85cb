import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyOf, defineDag } from '../../src/durable/index.js';
import { emitAssetEvent, Scheduler, type Project } from '../../src/orchestrator/index.js';
import { MemoryStore, type RunStore } from '../../src/store/index.js';
import { dailyPartitions } from '../../src/time/index.js';
import { projectWith } from './helpers.js';

// Coalescing, as a property: whatever the interleaving of asset events, scheduler passes and
// scheduler restarts, every event a DAG runs on is consumed by exactly one of its runs, a run
// consumes only events of its own period, and no run consumes nothing.

const days = dailyPartitions({ start: '2026-01-01' });
const KEYS = ['2026-01-01', '2026-01-02', '2026-01-03'];
const ASSETS = ['s3://in/a', 's3://in/b'];

type Step =
  | { readonly kind: 'emit'; readonly asset: number; readonly key: number }
  | { readonly kind: 'pass' }
  | { readonly kind: 'restart' };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('emit' as const),
      asset: fc.nat(ASSETS.length - 1),
      key: fc.nat(KEYS.length - 1),
    }),
  },
  { weight: 3, arbitrary: fc.constant({ kind: 'pass' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'restart' as const }) },
);

function project(partitioned: boolean): Project {
  const consumer = defineDag({
    id: 'consumer',
    dag: (b) => b.addNode('work'),
    tasks: { work: () => 1 },
    ...(partitioned ? { partitions: days } : {}),
    onAssets: anyOf(...ASSETS),
  });
  return projectWith(
    { assets: ASSETS.map((asset) => (partitioned ? { asset, partitions: days } : asset)) },
    consumer,
  );
}

async function play(partitioned: boolean, steps: readonly Step[]): Promise<void> {
  const store: RunStore = new MemoryStore();
  const p = project(partitioned);
  let scheduler = new Scheduler({ project: p, store, now: () => Date.UTC(2026, 1, 1) });
  expect(await scheduler.acquire()).toBe(true);
  const pass = async () => {
    await scheduler.step();
    await scheduler.idle();
  };
  for (const s of steps) {
    if (s.kind === 'emit')
      await emitAssetEvent(p.dags, store, {
        asset: ASSETS[s.asset]!,
        partition: partitioned ? KEYS[s.key]! : '',
      });
    else if (s.kind === 'pass') await pass();
    else {
      await scheduler.release();
      scheduler = new Scheduler({ project: p, store, now: () => Date.UTC(2026, 1, 1) });
      expect(await scheduler.acquire()).toBe(true);
    }
  }
  await pass();
  await pass();
  await scheduler.release();

  const events = await store.assetEvents({ limit: 10_000 });
  const seen = new Map<number, string>();
  for (const run of await store.listRuns({ dagId: 'consumer', limit: 10_000 })) {
    const inputs = await store.runInputs(run.runId);
    expect(inputs.length, `run ${run.runId} consumed nothing`).toBeGreaterThan(0);
    for (const input of inputs) {
      expect(seen.get(input.eventId), `event ${input.eventId} consumed twice`).toBeUndefined();
      seen.set(input.eventId, run.runId);
      if (partitioned) expect(input.partitionKey).toBe(run.partitionKey);
    }
  }
  expect([...seen.keys()].sort((a, b) => a - b)).toEqual(
    events.map((e) => e.id).sort((a, b) => a - b),
  );
}

describe('asset coalescing', () => {
  it('consumes every event exactly once, partition-aware', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 25 }), (steps) => play(true, steps)),
      { numRuns: 40 },
    );
  });

  it('consumes every event exactly once, by recency', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 25 }), (steps) => play(false, steps)),
      { numRuns: 40 },
    );
  });
});
