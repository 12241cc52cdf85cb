import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineDag, type DagDefinition } from '../../src/durable/index.js';
import { Scheduler } from '../../src/orchestrator/index.js';
import { MemoryStore, type StoredRunStatus } from '../../src/store/index.js';
import { projectOf } from './helpers.js';

// For random DAG-of-DAGs (daily DAGs with declared dependencies on the same day, each accepting
// partial success or not) and random outcomes and completion orders, every run starts at most
// once per period, never before its dependencies are accepted, and exactly the runs whose
// upstreams were all accepted run at all.

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 11, 1, 12);
const PERIODS = 3;
type Outcome = 'ok' | 'partial' | 'fail';

interface World {
  readonly n: number;
  /** [upstream, downstream, accepts partial success], upstream < downstream. */
  readonly deps: readonly (readonly [number, number, boolean])[];
  /** outcomes[dag][period] */
  readonly outcomes: readonly (readonly Outcome[])[];
  /** Which waiting task finishes next, read off this tape. */
  readonly order: readonly number[];
}

const worldArb: fc.Arbitrary<World> = fc.integer({ min: 2, max: 5 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    deps: fc
      .uniqueArray(fc.tuple(fc.nat(n - 1), fc.nat(n - 1), fc.boolean()), {
        maxLength: n * 2,
        selector: ([a, b]) => `${Math.min(a, b)}>${Math.max(a, b)}`,
      })
      .map((edges) =>
        edges
          .filter(([a, b]) => a !== b)
          .map(([a, b, partial]) => [Math.min(a, b), Math.max(a, b), partial] as const),
      ),
    outcomes: fc.array(
      fc.array(fc.constantFrom<Outcome>('ok', 'ok', 'ok', 'partial', 'fail'), {
        minLength: PERIODS,
        maxLength: PERIODS,
      }),
      { minLength: n, maxLength: n },
    ),
    order: fc.array(fc.nat(99), { minLength: 1, maxLength: 60 }),
  }),
);

const ENDED: ReadonlySet<StoredRunStatus> = new Set([
  'succeeded',
  'partially_succeeded',
  'failed',
  'cancelled',
]);

async function simulate(world: World) {
  const store = new MemoryStore();
  const violations: string[] = [];
  const starts = new Map<string, number>();
  const gates = new Map<string, () => void>();
  /** Period keys ('2026-12-01T00:00Z') by index: the days that close after T0. */
  const periodIndex = new Map<string, number>();
  for (let p = 0; p < PERIODS; p++)
    periodIndex.set(`${new Date(Date.UTC(2026, 11, 1 + p)).toISOString().slice(0, 16)}Z`, p);
  const defs: DagDefinition[] = [];
  const accepted = (partial: boolean): StoredRunStatus[] =>
    partial ? ['succeeded', 'partially_succeeded'] : ['succeeded'];
  for (let i = 0; i < world.n; i++) {
    const deps = world.deps.filter(([, to]) => to === i);
    const def = defineDag({
      id: `d${i}`,
      dag: (b) => b.addNode('work').addNode('extra', { payload: { critical: false } }),
      schedule: { cron: '0 0 * * *', timezone: 'UTC' },
      dependsOn: deps.map(([from, , partial]) => ({
        dag: `d${from}`,
        accept: accepted(partial) as ('succeeded' | 'partially_succeeded')[],
      })),
      tasks: {
        work: async (ctx) => {
          const key = ctx.period!.key;
          const id = `d${i}@${key}`;
          starts.set(id, (starts.get(id) ?? 0) + 1);
          // Never before every dependency is accepted (an ended run's status no longer changes).
          for (const [from, , partial] of deps) {
            const runs = await store.listRuns({ dagId: `d${from}`, periodKey: key });
            if (runs.length !== 1 || !accepted(partial).includes(runs[0]!.status))
              violations.push(`${id} started with d${from} ${runs.map((r) => r.status).join()}`);
          }
          await new Promise<void>((resolve) => gates.set(ctx.runId, resolve));
          if (world.outcomes[i]![periodIndex.get(key)!] === 'fail') throw new Error('failed');
        },
        extra: (ctx) => {
          if (world.outcomes[i]![periodIndex.get(ctx.period!.key)!] === 'partial')
            throw new Error('partly');
        },
      },
    });
    defs.push(def);
  }
  const project = projectOf(...defs);
  let now = T0;
  const started: string[] = [];
  const scheduler = new Scheduler({
    project,
    store,
    now: () => now,
    onEvent: (e) => void (e.kind === 'started' && started.push(e.runId)),
  });
  expect(await scheduler.acquire()).toBe(true);
  await scheduler.step(); // first sight: nothing from the past
  now = T0 + PERIODS * DAY;
  /** Until every started run waits at its gate or has ended. */
  const settle = async (): Promise<void> => {
    for (const runId of started) {
      for (;;) {
        const status = (await store.getRun(runId))!.status;
        if (gates.has(runId) || ENDED.has(status)) break;
        await new Promise((r) => setTimeout(r, 0));
      }
    }
  };
  let cursor = 0;
  let idle = 0;
  for (let pass = 0; pass < 200 && idle < 2; pass++) {
    await scheduler.step();
    await settle();
    if (gates.size === 0) {
      idle++;
      continue;
    }
    idle = 0;
    const waiting = [...gates.keys()];
    const runId = waiting[world.order[cursor++ % world.order.length]! % waiting.length]!;
    const release = gates.get(runId)!;
    gates.delete(runId);
    release();
    while (!ENDED.has((await store.getRun(runId))!.status))
      await new Promise((r) => setTimeout(r, 0));
  }
  await scheduler.idle();
  return { store, starts, violations, periodIndex };
}

describe('the scheduler (property)', () => {
  it('starts every run at most once per period, only once its dependencies are accepted, and every run whose upstreams were accepted', async () => {
    let blocked = 0;
    let ran = 0;
    await fc.assert(
      fc.asyncProperty(worldArb, async (world) => {
        const { store, starts, violations, periodIndex } = await simulate(world);
        expect(violations).toEqual([]);
        expect(periodIndex.size).toBe(PERIODS);
        // The expected fate of each (DAG, period), in dependency order (upstream index first).
        for (const [key, p] of periodIndex) {
          const status: StoredRunStatus[] = [];
          for (let i = 0; i < world.n; i++) {
            const runs = await store.listRuns({ dagId: `d${i}`, periodKey: key });
            expect(runs).toHaveLength(1);
            const deps = world.deps.filter(([, to]) => to === i);
            const free = deps.every(([from, , partial]) =>
              partial
                ? status[from] === 'succeeded' || status[from] === 'partially_succeeded'
                : status[from] === 'succeeded',
            );
            const outcome = world.outcomes[i]![p]!;
            const expected: StoredRunStatus = !free
              ? 'queued'
              : outcome === 'ok'
                ? 'succeeded'
                : outcome === 'partial'
                  ? 'partially_succeeded'
                  : 'failed';
            status[i] = runs[0]!.status;
            expect(runs[0]!.status, `d${i}@${key}`).toBe(expected);
            expect(starts.get(`d${i}@${key}`) ?? 0).toBe(free ? 1 : 0);
            if (free) ran++;
            else blocked++;
          }
        }
      }),
      { numRuns: 40 },
    );
    // The generator must exercise both fates.
    expect(ran).toBeGreaterThan(100);
    expect(blocked).toBeGreaterThan(20);
  });
});
