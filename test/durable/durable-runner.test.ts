import { describe, expect, it } from 'vitest';
import { jsonCodec } from '../../src/codec/codec.js';
import { defineDag, type DagOptions } from '../../src/durable/define.js';
import { resumeRun, startRun } from '../../src/durable/index.js';
import type { JournalEntry } from '../../src/durable/journal-entry.js';
import { loadJournal, replay } from '../../src/durable/replay.js';
import { viewRun } from '../../src/durable/run-view.js';
import { TributaryError } from '../../src/errors/index.js';
import type { RunEngine } from '../../src/engine/run-engine.js';
import type { ExecutionResult } from '../../src/executor/execution-result.js';
import type { TaskContext, TaskFn } from '../../src/executor/types.js';
import { crashed, DEAD_OWNER, failure, tempStores, until } from './helpers.js';

const { sqlite, memory } = tempStores();

/** Invocations per node, and what each attempt saw. */
function recorder() {
  const calls = new Map<string, number>();
  const attempts: { node: string; attempt: number; key: string }[] = [];
  return {
    calls,
    attempts,
    count(ctx: TaskContext): void {
      calls.set(ctx.node, (calls.get(ctx.node) ?? 0) + 1);
      attempts.push({ node: ctx.node, attempt: ctx.attempt, key: ctx.idempotencyKey });
    },
  };
}

/** Node states by name, from the live result. */
function liveStates(result: ExecutionResult): Record<string, string> {
  return Object.fromEntries([...result.nodeResults].map(([name, r]) => [name, r.status]));
}

/** Node states by name, from an engine (a replay). */
function engineStates(engine: RunEngine): Record<string, string> {
  const out: Record<string, string> = {};
  for (const id of engine.graph.ids()) out[engine.graph.nameOf(id)] = engine.stateOf(id);
  return out;
}

function resultOf(engine: RunEngine, name: string): unknown {
  return engine.resultOf(engine.graph.requireId(name));
}

describe('startRun', () => {
  it('records the run and a gap-free journal whose view equals the result', async () => {
    const rec = recorder();
    const def = defineDag({
      id: 'report',
      dag: (b) =>
        b
          .addEdge('extract', 'transform')
          .addEdge('transform', 'load')
          .addEdge('extract', 'audit')
          .addNode('optional', { payload: { critical: false } })
          .addNode('after_optional', { payload: { critical: false } })
          .addEdge('optional', 'after_optional')
          .addNode('flaky', { payload: { retry: { maxAttempts: 3, initialDelayMs: 0 } } }),
      tasks: {
        extract: (ctx) => (rec.count(ctx), [1, 2, 3]),
        transform: async (ctx) => (rec.count(ctx), (ctx.upstream('extract') as number[]).length),
        load: (ctx) => (rec.count(ctx), `loaded ${String(ctx.upstream('transform'))}`),
        audit: (ctx) => (rec.count(ctx), { params: ctx.params }),
        optional: (ctx) => {
          rec.count(ctx);
          throw new Error('optional broke');
        },
        after_optional: (ctx) => rec.count(ctx),
        flaky: (ctx) => {
          rec.count(ctx);
          if (ctx.attempt < 2) throw new Error(`flaky attempt ${ctx.attempt}`);
          return 'steady';
        },
      },
      params: { day: '2026-11-21', n: 1 },
    });
    const store = sqlite();
    const result = await startRun(def, {
      store,
      runId: 'r1',
      params: { n: 2 },
      module: '/abs/defs.ts',
      partitionKey: '2026-11-21',
    });
    expect(result.status).toBe('partially_succeeded');
    expect(liveStates(result)).toEqual({
      extract: 'succeeded',
      transform: 'succeeded',
      load: 'succeeded',
      audit: 'succeeded',
      optional: 'failed',
      after_optional: 'upstream_failed',
      flaky: 'succeeded',
    });
    expect(result.nodeResults.get('audit')?.result).toEqual({
      params: { day: '2026-11-21', n: 2 },
    });

    const run = (await store.getRun('r1'))!;
    expect(run).toMatchObject({
      runId: 'r1',
      dagId: 'report',
      status: 'partially_succeeded',
      params: { day: '2026-11-21', n: 2 },
      module: '/abs/defs.ts',
      partitionKey: '2026-11-21',
      graph: JSON.stringify(def.dag.toJSON()),
    });
    expect(run.finishedAt).toBeTypeOf('number');
    expect(Object.keys(run)).not.toContain('owner');

    const rows = await store.loadEvents('r1');
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    const entries = await loadJournal(store, 'r1', jsonCodec);
    expect(entries.at(-1)).toMatchObject({ type: 'run_finished', status: 'partially_succeeded' });
    expect(entries.filter((e) => e.type === 'task_started' && e.node === 'flaky')).toHaveLength(2);

    const view = viewRun(run, entries);
    expect(Object.fromEntries([...view.nodes].map(([name, n]) => [name, n.state]))).toEqual(
      liveStates(result),
    );
    for (const [name, live] of result.nodeResults) {
      expect(view.nodes.get(name)?.attempts, name).toBe(live.attempts);
    }
    expect(view.nodes.get('optional')?.error).toContain('optional broke');

    const replayed = replay(def, entries);
    expect(engineStates(replayed)).toEqual(liveStates(result));
    expect(replayed.status).toBe(result.status);
    expect(resultOf(replayed, 'load')).toBe('loaded 3');
    expect(rec.calls.get('flaky')).toBe(2);
  });

  it('stores results over artifactThreshold by reference; loadJournal and replay return them whole', async () => {
    const big = {
      rows: Array.from({ length: 200 }, (_, i) => ({ i, label: `row ${i}`, at: new Date(i) })),
      total: 200n,
    };
    const def = defineDag({
      id: 'artifacts',
      dag: (b) => b.addEdge('big', 'small'),
      tasks: {
        big: async () => big,
        small: (ctx) => (ctx.upstream('big') as typeof big).rows.length,
      },
    });
    for (const store of [memory(), sqlite()]) {
      const result = await startRun(def, { store, runId: 'r1', artifactThreshold: 1_000 });
      expect(result.status).toBe('succeeded');
      const rows = await store.loadEvents('r1');
      const bigRow = rows.find((r) => r.type === 'task_succeeded' && r.node === 'big')!;
      expect(bigRow.body.length).toBeLessThan(1_000);
      expect(bigRow.body).not.toContain('row 199');
      expect(JSON.parse(bigRow.body)).toMatchObject({ resultRef: 'big#1' });

      const artifact = await store.getArtifact('r1', 'big#1');
      expect(artifact).toBeDefined();
      expect(jsonCodec.decode(artifact!)).toEqual(big);
      expect(await store.getArtifact('r1', 'small#1')).toBeUndefined();

      const entries = await loadJournal(store, 'r1', jsonCodec);
      const succeeded = entries.find((e) => e.type === 'task_succeeded' && e.node === 'big')!;
      expect(succeeded).toMatchObject({ result: big });
      expect(Object.keys(succeeded)).not.toContain('resultRef');
      const replayed = replay(def, entries);
      expect(resultOf(replayed, 'big')).toEqual(big);
      expect(resultOf(replayed, 'small')).toBe(200);
    }
  });

  it('rejects a dynamic node whose task is a function: NOT_SERIALIZABLE, the node fails, the audit record says rejected', async () => {
    const def = defineDag({
      id: 'dynamic',
      dag: (b) => b.addEdge('discover', 'merge'),
      tasks: { discover: () => 2, merge: () => 'merged', part: () => 'part' },
      expanders: {
        discover: () => ({
          reason: 'one per part',
          addNodes: [
            {
              name: 'inline',
              task: function inlineTask() {
                return 1;
              },
              dependencies: ['discover'],
              dependents: ['merge'],
            },
          ],
        }),
      },
    });
    const store = sqlite();
    const result = await startRun(def, { store, runId: 'r1' });
    expect(result.status).toBe('failed');
    const discover = result.nodeResults.get('discover')!;
    expect(discover.status).toBe('failed');
    expect(discover.error).toMatchObject({ code: 'MODIFICATION_REJECTED' });
    expect((discover.error?.cause as TributaryError).code).toBe('NOT_SERIALIZABLE');
    expect(discover.error?.message).toContain('addNodes[0].task');
    expect(result.nodeResults.get('merge')?.status).toBe('upstream_failed');
    expect(result.graph.hasNode('inline')).toBe(false);
    expect(result.modifications).toHaveLength(1);
    expect(result.modifications[0]).toMatchObject({
      outcome: 'rejected',
      actor: 'node:discover',
      reason: 'one per part',
      diff: {
        addedNodes: ['inline'],
        addedEdges: [
          ['discover', 'inline'],
          ['inline', 'merge'],
        ],
      },
      error: { code: 'NOT_SERIALIZABLE' },
    });

    const run = (await store.getRun('r1'))!;
    const entries = await loadJournal(store, 'r1', jsonCodec);
    const view = viewRun(run, entries);
    expect(view.modifications).toEqual(result.modifications);
    expect(view.nodes.has('inline')).toBe(false);
    expect(view.nodes.get('discover')?.state).toBe('failed');
    const replayed = replay(def, entries);
    expect(replayed.modifications.map((m) => [m.outcome, m.actor, m.diff, m.error?.code])).toEqual(
      result.modifications.map((m) => [m.outcome, m.actor, m.diff, m.error?.code]),
    );
    expect(engineStates(replayed)).toEqual(liveStates(result));
  });

  it.each<[string, unknown, string]>([
    ['a function', { callback: () => 1, symbol: Symbol('s') }, 'addNodes[0].input.callback'],
    ['a symbol', [Symbol('s')], 'addNodes[0].input[0]'],
    [
      'a class instance',
      {
        when: new (class Window {
          readonly from = 1;
        })(),
      },
      'addNodes[0].input.when',
    ],
  ])(
    'rejects %s inside a dynamic node input, live and on replay alike',
    async (_, input, field) => {
      const def = defineDag({
        id: 'dynamic_input',
        dag: (b) => b.addEdge('discover', 'merge'),
        tasks: { discover: () => 1, merge: () => 'merged', part: (ctx) => ctx.input },
        expanders: {
          discover: () => ({
            addNodes: [
              {
                name: 'part_0',
                task: 'part',
                input,
                dependencies: ['discover'],
              },
            ],
          }),
        },
      });
      const store = memory();
      const result = await startRun(def, { store, runId: 'r1' });
      expect(result.modifications[0]).toMatchObject({
        outcome: 'rejected',
        error: { code: 'NOT_SERIALIZABLE' },
      });
      expect(result.modifications[0]?.error?.message).toContain(field);
      const replayed = replay(def, await loadJournal(store, 'r1', jsonCodec));
      expect(replayed.graph.hasNode('part_0')).toBe(false);
      expect(replayed.modifications[0]).toMatchObject({
        outcome: 'rejected',
        diff: result.modifications[0]!.diff,
        error: { code: 'NOT_SERIALIZABLE' },
      });
      expect(replayed.modifications[0]?.error?.message).toContain(field);
      expect(engineStates(replayed)).toEqual(liveStates(result));
    },
  );

  it('fails a node whose result cannot be encoded with NOT_SERIALIZABLE; the run goes on and is journaled', async () => {
    const circular = (): unknown => {
      const value: Record<string, unknown> = { name: 'loop' };
      value.self = value;
      return value;
    };
    const def = defineDag({
      id: 'circular',
      dag: (b) => b.addEdge('sync_loop', 'after').addNode('async_loop').addNode('fine'),
      tasks: {
        sync_loop: circular,
        async_loop: async () => circular(),
        after: () => 'never',
        fine: () => 'ok',
      },
    });
    const store = sqlite();
    const result = await startRun(def, { store, runId: 'r1' });
    expect(liveStates(result)).toEqual({
      sync_loop: 'failed',
      async_loop: 'failed',
      after: 'upstream_failed',
      fine: 'succeeded',
    });
    for (const node of ['sync_loop', 'async_loop']) {
      const error = result.nodeResults.get(node)?.error as TributaryError;
      expect(error.code).toBe('NOT_SERIALIZABLE');
      expect(error.message).toContain(`"${node}"`);
    }
    expect((await store.getRun('r1'))?.status).toBe('failed');
    const replayed = replay(def, await loadJournal(store, 'r1', jsonCodec));
    expect(engineStates(replayed)).toEqual(liveStates(result));
  });

  it('fails an expander whose modification cannot be encoded, instead of breaking the journal', async () => {
    const input: Record<string, unknown> = {};
    input.again = input;
    const def = defineDag({
      id: 'circular_mod',
      dag: (b) => b.addNode('discover'),
      tasks: { discover: () => 1, part: () => 2 },
      expanders: {
        discover: async () => ({ addNodes: [{ name: 'p', task: 'part', input }] }),
      },
    });
    const store = memory();
    const result = await startRun(def, { store, runId: 'r1' });
    const error = result.nodeResults.get('discover')?.error as TributaryError;
    expect(error.code).toBe('EXPANDER_FAILED');
    expect((error.cause as TributaryError).code).toBe('NOT_SERIALIZABLE');
    expect((await store.getRun('r1'))?.status).toBe('failed');
    const replayed = replay(def, await loadJournal(store, 'r1', jsonCodec));
    expect(engineStates(replayed)).toEqual({ discover: 'failed' });
  });

  it('journals a task error that cannot be encoded by its name, message and code', async () => {
    const def = defineDag({
      id: 'bad_error',
      dag: (b) => b.addNode('boom'),
      tasks: {
        boom: () => {
          const error = Object.assign(new RangeError('out of range'), { code: 'E_RANGE' });
          Object.assign(error, { context: { error } });
          throw error;
        },
      },
    });
    const store = memory();
    const result = await startRun(def, { store, runId: 'r1' });
    expect(result.status).toBe('failed');
    const entries = await loadJournal(store, 'r1', jsonCodec);
    const failed = entries.find((e) => e.type === 'task_failed')!;
    expect(failed).toMatchObject({
      error: { name: 'RangeError', message: 'out of range', code: 'E_RANGE' },
    });
    expect((await store.getRun('r1'))?.status).toBe('failed');
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a function', { fn: () => 1 }, 'params.fn'],
    ['a BigInt', { big: 1n }, 'params.big'],
    ['a Date', { at: new Date(0) }, 'params.at'],
    ['NaN', { n: NaN }, 'params.n'],
    ['a nested function', { list: [1, { deep: () => 1 }] }, 'params.list[1].deep'],
  ])(
    'params holding %s fail with NOT_SERIALIZABLE at start and record nothing',
    async (_, params, field) => {
      const ran: string[] = [];
      const def = defineDag({
        id: 'p',
        dag: (b) => b.addNode('a'),
        tasks: { a: () => ran.push('a') },
      });
      const store = memory();
      const error = await failure(startRun(def, { store, params }));
      expect(error.code).toBe('NOT_SERIALIZABLE');
      expect(error.context.field).toBe(field);
      expect(error.message).toContain(field);
      expect(await store.listRuns()).toEqual([]);
      expect(ran).toEqual([]);
    },
  );

  it('checks default params of the definition too', async () => {
    const def = defineDag({
      id: 'p',
      dag: (b) => b.addNode('a'),
      tasks: { a: () => 1 },
      params: { when: new Map() },
    });
    const store = memory();
    expect((await failure(startRun(def, { store }))).code).toBe('NOT_SERIALIZABLE');
    // Overriding the bad default makes the run valid.
    expect((await startRun(def, { store, params: { when: 'today' } })).status).toBe('succeeded');
  });
  it('a missing artifact is STORE_CORRUPT naming it, never a silent undefined result', async () => {
    const def = defineDag({
      id: 'lost_artifact',
      dag: (b) => b.addNode('big'),
      tasks: { big: async () => 'x'.repeat(5_000) },
    });
    const store = memory();
    await startRun(def, { store, runId: 'r1', artifactThreshold: 1_000 });
    const damaged = memory();
    await damaged.createRun((await store.getRun('r1'))!);
    await damaged.commit('r1', { events: await store.loadEvents('r1') });
    const error = await failure(loadJournal(damaged, 'r1', jsonCodec));
    expect(error.code).toBe('STORE_CORRUPT');
    expect(error.message).toContain('big#1');
  });

  it('a hook that cancels the run mid-event leaves a journal that replays to the live state', async () => {
    const stop = new AbortController();
    const def = defineDag({
      id: 'reentrant',
      dag: (b) => b.addEdge('a', 'b').addNode('slow'),
      tasks: {
        a: () => {
          throw new Error('a fails');
        },
        b: () => 'b',
        slow: (ctx) =>
          new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve('stopped'))),
      },
    });
    const store = sqlite();
    const result = await startRun(def, {
      store,
      runId: 'r1',
      signal: stop.signal,
      hooks: { onTransition: (_node, _from, to) => to === 'failed' && stop.abort() },
    });
    expect(result.status).toBe('cancelled');
    const entries = await loadJournal(store, 'r1', jsonCodec);
    const types = entries.map((e) => e.type);
    expect(types.indexOf('task_failed')).toBeLessThan(types.indexOf('run_cancelled'));
    expect(engineStates(replay(def, entries))).toEqual(liveStates(result));
  });

  it('rejects executor options of a definition at definition time, quoting them', () => {
    const base = { id: 'bad_options', dag: (b: never) => b, tasks: {} } as unknown as DagOptions;
    for (const [options, message] of [
      [{ maxWorkers: 0 }, 'got `0` (number)'],
      [{ timeoutMs: 2 ** 31 }, 'got `2147483648` (number)'],
      [{ nodeTimeoutMs: Infinity }, '<= 2147483647'],
    ] as const) {
      expect(() =>
        defineDag({ ...base, dag: (b) => b.addNode('a'), tasks: { a: () => 1 }, ...options }),
      ).toThrow(message);
    }
  });
});

describe('resumeRun', () => {
  const simple = (tasks: Record<string, TaskFn>, extra: Partial<DagOptions> = {}) =>
    defineDag({ id: 'simple', dag: (b) => b.addEdge('a', 'b'), tasks, ...extra });

  it('leaves a finished run alone: resumed false, nothing written, no task run', async () => {
    const rec = recorder();
    const def = simple({ a: (ctx) => rec.count(ctx), b: (ctx) => rec.count(ctx) });
    const store = sqlite();
    await startRun(def, { store, runId: 'r1' });
    const before = await store.getRun('r1');
    const events = await store.loadEvents('r1');
    const outcome = await resumeRun(def, 'r1', { store });
    expect(outcome).toEqual({ resumed: false, run: before });
    expect(await store.getRun('r1')).toEqual(before);
    expect(await store.loadEvents('r1')).toEqual(events);
    expect(rec.calls).toEqual(
      new Map([
        ['a', 1],
        ['b', 1],
      ]),
    );
  });

  it('refuses a different definition with DEFINITION_CHANGED and writes nothing', async () => {
    const original = simple({ a: () => 1, b: () => 2 });
    const store = memory();
    await store.createRun({
      runId: 'r1',
      dagId: 'simple',
      status: 'running',
      params: {},
      graph: JSON.stringify(original.dag.toJSON()),
      createdAt: 1,
      updatedAt: 1,
    });
    await crashed(store, 'r1');
    const changedGraph = defineDag({
      id: 'simple',
      dag: (b) => b.addEdge('a', 'b').addEdge('b', 'c'),
      tasks: { a: () => 1, b: () => 2, c: () => 3 },
    });
    const changedPayload = defineDag({
      id: 'simple',
      dag: (b) => b.addNode('a', { payload: { priority: 5 } }).addEdge('a', 'b'),
      tasks: { a: () => 1, b: () => 2 },
    });
    const otherId = defineDag({
      id: 'other',
      dag: original.dag,
      tasks: { a: () => 1, b: () => 2 },
    });
    for (const def of [changedGraph, changedPayload, otherId]) {
      const error = await failure(resumeRun(def, 'r1', { store }));
      expect(error.code).toBe('DEFINITION_CHANGED');
      expect(error.context).toMatchObject({ runId: 'r1', dagId: 'simple' });
    }
    expect(await store.loadEvents('r1')).toEqual([]);
    expect((await store.getRun('r1'))?.owner).toBe(DEAD_OWNER);
  });

  it('fails with RUN_NOT_FOUND for an unknown id', async () => {
    const error = await failure(
      resumeRun(simple({ a: () => 1, b: () => 2 }), 'nope', { store: memory() }),
    );
    expect(error.code).toBe('RUN_NOT_FOUND');
    expect(error.context.runId).toBe('nope');
  });

  it('re-runs the interrupted attempt as attempt 2 with the same idempotency key; succeeded nodes do not run again', async () => {
    const rec = recorder();
    const tasks = (hang: boolean): Record<string, TaskFn> => ({
      a: (ctx) => (rec.count(ctx), 'A'),
      c: async (ctx) => (rec.count(ctx), 'C'),
      part: (ctx) => (rec.count(ctx), ctx.input),
      b: (ctx) => {
        rec.count(ctx);
        return hang ? new Promise<never>(() => undefined) : `B after ${String(ctx.upstream('a'))}`;
      },
      d: (ctx) => (rec.count(ctx), [...ctx.upstreamResults.keys()].sort()),
    });
    const options = (hang: boolean): DagOptions => ({
      id: 'crashy',
      dag: (b) => b.addEdge('a', 'b').addEdge('b', 'd').addEdge('c', 'd'),
      tasks: tasks(hang),
      expanders: {
        a: () => ({
          addNodes: [
            { name: 'a_part', task: 'part', input: 7, dependencies: ['a'], dependents: ['d'] },
          ],
        }),
      },
    });

    // The "crashed" process: b never settles. Its run is abandoned once b's start is committed.
    const first = sqlite();
    const abandon = new AbortController();
    const abandoned = startRun(defineDag(options(true)), {
      store: first,
      runId: 'r1',
      signal: abandon.signal,
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    await until(async () => {
      const seen = (await first.loadEvents('r1')).map((e) => `${e.type}:${e.node ?? ''}`);
      return ['task_started:b', 'task_succeeded:c', 'task_succeeded:a_part'].every((x) =>
        seen.includes(x),
      );
    });
    expect(rec.calls).toEqual(
      new Map([
        ['a', 1],
        ['c', 1],
        ['a_part', 1],
        ['b', 1],
      ]),
    );

    // A new process: a fresh handle on the same file, the definition whose b now finishes.
    const second = sqlite();
    // Its process still lives (it is this one): only a forced takeover resumes it.
    const active = await failure(resumeRun(defineDag(options(false)), 'r1', { store: second }));
    expect(active.code).toBe('RUN_ACTIVE');
    const outcome = await resumeRun(defineDag(options(false)), 'r1', {
      store: second,
      force: true,
    });
    expect(outcome.resumed).toBe(true);
    if (!outcome.resumed) return;
    expect(outcome.interrupted).toEqual(['b']);
    const result = outcome.result;
    expect(result.status).toBe('succeeded');
    expect(result.nodeResults.get('b')).toMatchObject({ attempts: 2, result: 'B after A' });
    expect(result.nodeResults.get('d')?.result).toEqual(['a_part', 'b', 'c']);
    expect(result.nodeResults.get('a')?.attempts).toBe(1);
    expect(rec.calls).toEqual(
      new Map([
        ['a', 1],
        ['c', 1],
        ['a_part', 1],
        ['b', 2],
        ['d', 1],
      ]),
    );
    const bAttempts = rec.attempts.filter((x) => x.node === 'b');
    expect(bAttempts.map((x) => x.attempt)).toEqual([1, 2]);
    expect(bAttempts[0]!.key).toBe('r1:b');
    expect(bAttempts[1]!.key).toBe(bAttempts[0]!.key);

    const rows = await second.loadEvents('r1');
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    const entries = await loadJournal(second, 'r1', jsonCodec);
    expect(entries).toContainEqual(
      expect.objectContaining({ type: 'task_interrupted', node: 'b', attempt: 1 }),
    );
    const run = (await second.getRun('r1'))!;
    expect(run.status).toBe('succeeded');
    expect(Object.keys(run)).not.toContain('owner');
    expect(engineStates(replay(defineDag(options(false)), entries))).toEqual(liveStates(result));

    // The abandoned session, stopped now, cannot write behind the resumed run: its lease was
    // taken over, and its commits are fenced off.
    abandon.abort();
    const error = await abandoned;
    expect(error).toBeInstanceOf(TributaryError);
    expect((error as TributaryError).code).toBe('LEASE_LOST');
    expect((await second.getRun('r1'))?.status).toBe('succeeded');
    expect(await second.loadEvents('r1')).toEqual(rows);
  });

  it('resumed from any prefix of a journal, a run ends as the uninterrupted one did, and no success runs twice', async () => {
    // Deterministic tasks: `flaky` fails its first attempt only; `discover` expands.
    const rec = recorder();
    const def = defineDag({
      id: 'prefixes',
      dag: (b) =>
        b
          .addEdge('discover', 'merge')
          .addNode('flaky', { payload: { retry: { maxAttempts: 2, initialDelayMs: 0 } } })
          .addEdge('flaky', 'merge')
          .addNode('broken', { payload: { critical: false } })
          .addNode('skipped_child', { payload: { critical: false } })
          .addEdge('broken', 'skipped_child'),
      tasks: {
        discover: (ctx) => (rec.count(ctx), [0, 1]),
        part: (ctx) => (rec.count(ctx), `part ${String(ctx.input)}`),
        flaky: (ctx) => {
          rec.count(ctx);
          if (ctx.attempt === 1) throw new Error('first attempt fails');
          return 'flaky ok';
        },
        broken: (ctx) => {
          rec.count(ctx);
          throw new Error('always');
        },
        skipped_child: (ctx) => rec.count(ctx),
        merge: (ctx) => (rec.count(ctx), [...ctx.upstreamResults.keys()].sort()),
      },
      expanders: {
        discover: (_name, parts) => ({
          addNodes: (parts as number[]).map((i) => ({
            name: `part_${i}`,
            task: 'part',
            input: i,
            dependencies: ['discover'],
            dependents: ['merge'],
          })),
        }),
      },
      maxWorkers: 2,
    });
    const source = memory();
    const full = await startRun(def, { store: source, runId: 'r1' });
    expect(full.status).toBe('partially_succeeded');
    const rows = await source.loadEvents('r1');
    const record = (await source.getRun('r1'))!;
    const fullEntries = await loadJournal(source, 'r1', jsonCodec);

    for (let cut = 0; cut < rows.length; cut++) {
      const prefix = fullEntries.slice(0, cut);
      if (prefix.some((e) => e.type === 'run_finished')) continue;
      const store = memory();
      const { finishedAt: _f, ...rest } = record;
      await store.createRun({ ...rest, status: 'running' });
      await crashed(store, 'r1');
      if (cut > 0) await store.commit('r1', { events: rows.slice(0, cut) });
      rec.calls.clear();
      const outcome = await resumeRun(def, 'r1', { store });
      expect(outcome.resumed, `cut ${cut}`).toBe(true);
      if (!outcome.resumed) continue;
      expect(liveStates(outcome.result), `cut ${cut}`).toEqual(liveStates(full));
      expect(outcome.result.nodeResults.get('merge')?.result).toEqual(
        full.nodeResults.get('merge')?.result,
      );
      // A node whose success is in the prefix never runs again; any other runs at most twice
      // (flaky: its failed first attempt, then the retry).
      const succeededBefore = new Set(
        prefix.filter(isSuccess).map((e) => (e as { node: string }).node),
      );
      for (const node of succeededBefore)
        expect(rec.calls.get(node), `cut ${cut}: ${node}`).toBeUndefined();
      for (const [node, n] of rec.calls) expect(n, `cut ${cut}: ${node}`).toBeLessThanOrEqual(2);
      expect((await store.getRun('r1'))?.status).toBe('partially_succeeded');
    }
  });
});

function isSuccess(entry: JournalEntry): boolean {
  return entry.type === 'task_succeeded';
}
