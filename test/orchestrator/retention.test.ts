import { describe, expect, it } from 'vitest';
import { defineDag } from '../../src/durable/index.js';
import { TributaryError } from '../../src/errors/index.js';
import {
  DagRegistry,
  defineProject,
  Scheduler,
  type Project,
  type RetentionOptions,
  type SchedulerEvent,
} from '../../src/orchestrator/index.js';
import { MemoryStore, type PruneResult, type RunRecord } from '../../src/store/index.js';

// The scheduler's retention setting: it prunes during its passes, by its own clock, at most once
// per `everyMs`, and never a run that is not finished.

const DAY = 86_400_000;
const HOUR = 3_600_000;
const T = Date.UTC(2026, 5, 1);

function project(retention?: RetentionOptions): Project {
  const dags = new DagRegistry('/repo');
  const sales = defineDag({ id: 'sales', dag: (b) => b.addNode('work'), tasks: { work: () => 1 } });
  dags.add(sales, '/repo/dags/sales.dag.ts');
  return {
    name: 'test',
    config: '/repo/tributary.config.ts',
    root: '/repo',
    modules: [],
    dags,
    ...(retention === undefined ? {} : { retention }),
  };
}

/** A run of `sales` that finished at `finishedAt` (undefined: still running). */
function run(
  runId: string,
  finishedAt: number | undefined,
  fields: Partial<RunRecord> = {},
): RunRecord {
  return {
    runId,
    dagId: 'sales',
    status: finishedAt === undefined ? 'running' : 'succeeded',
    params: {},
    graph: '{"nodes":[{"name":"work"}],"edges":[]}',
    createdAt: (finishedAt ?? T) - HOUR,
    updatedAt: (finishedAt ?? T) - HOUR,
    ...(finishedAt === undefined ? {} : { finishedAt }),
    ...fields,
  };
}

async function withScheduler(options: { project: Project; retention?: RetentionOptions }) {
  const store = new MemoryStore();
  let now = T;
  const pruned: PruneResult[] = [];
  const s = new Scheduler({
    ...options,
    store,
    now: () => now,
    onEvent: (e: SchedulerEvent) => {
      if (e.kind === 'pruned') pruned.push(e.result);
    },
  });
  expect(await s.acquire()).toBe(true);
  return {
    store,
    pruned,
    async at(t: number) {
      now = t;
      await s.step();
      await s.idle();
    },
  };
}

describe('scheduler retention', () => {
  it('prunes on its first pass, then at most once per everyMs, by its own clock', async () => {
    const s = await withScheduler({ project: project(), retention: { olderThanMs: 30 * DAY } });
    await s.store.createRun(run('old', T - 40 * DAY));
    await s.store.createRun(run('recent', T - DAY));
    // Another project's queued run, older than the cutoff: never touched.
    await s.store.createRun({ ...run('queued', undefined, { dagId: 'other' }), status: 'queued' });
    await s.at(T);
    expect(s.pruned.map((r) => r.runIds)).toEqual([['old']]);
    expect((await s.store.getRun('old'))?.prunedAt).toBeDefined();
    expect((await s.store.getRun('old'))?.status).toBe('succeeded'); // the summary is kept
    // The scheduler read the feed first; what it read and is old has gone, and it reads on.
    const cursor = Number(await s.store.getMark('feed'));
    expect(cursor).toBe(await s.store.feedHead());
    const left = await s.store.changesSince(0);
    expect(left.every((c) => c.seq >= cursor || c.at >= T - 30 * DAY)).toBe(true);
    expect(left.map((c) => c.subject)).toEqual(['recent', 'queued']);

    await s.store.createRun(run('old2', T - 35 * DAY));
    await s.at(T + 30 * 60_000); // within the hour: not due
    expect(s.pruned).toHaveLength(1);
    expect((await s.store.getRun('old2'))?.prunedAt).toBeUndefined();
    await s.at(T + HOUR); // due again
    expect(s.pruned.map((r) => r.runIds)).toEqual([['old'], ['old2']]);
    // 31 days on, `recent` is old too.
    await s.at(T + 31 * DAY);
    expect(s.pruned.at(-1)?.runIds).toEqual(['recent']);
    expect((await s.store.getRun('queued'))?.prunedAt).toBeUndefined();
    expect(await s.store.loadEvents('queued')).toEqual([]);
  });

  it("takes the project's setting, and keepSummaries: false drops runs whole", async () => {
    const s = await withScheduler({
      project: project({ olderThanMs: DAY, keepSummaries: false, everyMs: DAY }),
    });
    await s.store.createRun(run('old', T - 2 * DAY));
    await s.at(T);
    expect(s.pruned.map((r) => [r.runIds, r.summariesDropped])).toEqual([[['old'], 1]]);
    expect(await s.store.getRun('old')).toBeUndefined();
    // Nothing to prune: no event.
    await s.at(T + 2 * DAY);
    expect(s.pruned).toHaveLength(1);
  });

  it('refuses a setting it cannot use, quoting it', () => {
    const codeAndMessage = (fn: () => unknown): [string, string] => {
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(TributaryError);
        return [(error as TributaryError).code, (error as Error).message];
      }
      throw new Error('expected a refusal');
    };
    const store = new MemoryStore();
    expect(
      codeAndMessage(
        () => new Scheduler({ project: project(), store, retention: { olderThanMs: 0 } }),
      ),
    ).toEqual([
      'INVALID_ARGUMENT',
      'Expected `retention.olderThanMs` of the scheduler to be a number of milliseconds > 0, got `0` (number)',
    ]);
    expect(
      codeAndMessage(() =>
        defineProject({
          dags: ['a.dag.ts'],
          retention: { olderThanMs: DAY, keepSummaries: 'yes' as unknown as boolean },
        }),
      )[1],
    ).toContain('`retention.keepSummaries` of the project to be a boolean, got');
    expect(
      codeAndMessage(() =>
        defineProject({ dags: ['a.dag.ts'], retention: '30d' as unknown as RetentionOptions }),
      )[1],
    ).toContain('`retention` of the project to be an object');
    expect(
      defineProject({ dags: ['a.dag.ts'], retention: { olderThanMs: DAY } }).retention,
    ).toEqual({ olderThanMs: DAY });
  });
});
