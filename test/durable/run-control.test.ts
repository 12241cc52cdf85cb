import { describe, expect, it } from 'vitest';
import { jsonCodec } from '../../src/codec/codec.js';
import { defineDag } from '../../src/durable/define.js';
import { clearRun, markNode, resumeRun, startRun } from '../../src/durable/index.js';
import { loadJournal, replay } from '../../src/durable/replay.js';
import { viewRun } from '../../src/durable/run-view.js';
import type { TaskContext } from '../../src/executor/types.js';
import { crashed, failure, tempStores, until } from './helpers.js';

const { sqlite } = tempStores();

/**
 * extract -> transform -> load, and extract -> audit. `transform` fails while `broken` is set;
 * every call is counted per node.
 */
function pipeline(id = 'pipeline') {
  const calls: string[] = [];
  const world = { broken: true };
  const count = (ctx: TaskContext): void => void calls.push(`${ctx.node}#${ctx.attempt}`);
  const def = defineDag({
    id,
    dag: (b) =>
      b.addEdge('extract', 'transform').addEdge('transform', 'load').addEdge('extract', 'audit'),
    tasks: {
      extract: (ctx) => (count(ctx), 3),
      transform: (ctx) => {
        count(ctx);
        if (world.broken) throw new Error('the warehouse is down');
        return (ctx.upstream('extract') as number) * 2;
      },
      load: (ctx) => (count(ctx), `loaded ${String(ctx.upstream('transform'))}`),
      audit: (ctx) => (count(ctx), 'ok'),
    },
  });
  return { def, calls, world };
}

async function states(store: ReturnType<typeof sqlite>, runId: string) {
  const view = viewRun((await store.getRun(runId))!, await loadJournal(store, runId, jsonCodec));
  return Object.fromEntries([...view.nodes].map(([name, n]) => [name, n.state]));
}

describe('clearRun', () => {
  it('reopens a failed node and its downstream in the same run; a resume runs only them, as next attempts', async () => {
    const store = sqlite();
    const { def, calls, world } = pipeline();
    const first = await startRun(def, { store, runId: 'r1' });
    expect(first.status).toBe('failed');
    world.broken = false;

    const outcome = await clearRun(
      def,
      'r1',
      { nodes: ['transform'], downstream: true },
      { store, actor: 'cli:ana', reason: 'warehouse is back' },
    );
    expect(outcome).toEqual({
      state: 'applied',
      runId: 'r1',
      nodes: ['transform', 'load'],
      status: 'queued',
      appliedBy: 'caller',
    });
    const reopened = (await store.getRun('r1'))!;
    expect(reopened.status).toBe('queued');
    expect(reopened.finishedAt).toBeUndefined();
    // The journal alone tells it: the reopened nodes wait again.
    expect(await states(store, 'r1')).toEqual({
      extract: 'succeeded',
      transform: 'pending',
      load: 'pending',
      audit: 'succeeded',
    });

    calls.length = 0;
    const resumed = await resumeRun(def, 'r1', { store });
    expect(resumed.resumed).toBe(true);
    expect(calls).toEqual(['transform#2', 'load#1']);
    const done = (await store.getRun('r1'))!;
    expect(done.status).toBe('succeeded');
    expect(done.finishedAt).toBeTypeOf('number');

    const entries = await loadJournal(store, 'r1', jsonCodec);
    const cleared = entries.find((e) => e.type === 'nodes_cleared');
    expect(cleared).toMatchObject({
      actor: 'cli:ana',
      reason: 'warehouse is back',
      nodes: ['transform', 'load'],
    });
    expect(entries.filter((e) => e.type === 'run_finished').map((e) => e.status)).toEqual([
      'failed',
      'succeeded',
    ]);
    const engine = replay(def, entries);
    expect(engine.status).toBe('succeeded');
    expect(engine.resultOf(engine.graph.requireId('load'))).toBe('loaded 6');
    expect(engine.failedAttemptsOf(engine.graph.requireId('transform'))).toHaveLength(1);
  });

  it('refuses, recording nothing, what cannot be cleared', async () => {
    const store = sqlite();
    const { def } = pipeline();
    await startRun(def, { store, runId: 'r1' });
    const before = (await store.loadEvents('r1')).length;
    expect((await failure(clearRun(def, 'r1', { nodes: ['nope'] }, { store }))).code).toBe(
      'UNKNOWN_NODE',
    );
    const nothing = await failure(
      clearRun(def, 'r1', { nodes: ['extract'], failedOnly: true }, { store }),
    );
    expect(nothing.code).toBe('NOT_CLEARABLE');
    expect(nothing.message).toBe(
      'Nothing to clear: no finished node matches the selection ("extract" that did not succeed)',
    );
    const other = pipeline('other').def;
    expect((await failure(clearRun(other, 'r1', {}, { store }))).code).toBe('DEFINITION_CHANGED');
    expect((await failure(clearRun(def, 'missing', {}, { store }))).code).toBe('RUN_NOT_FOUND');
    expect((await store.loadEvents('r1')).length).toBe(before);
    expect((await store.getRun('r1'))!.status).toBe('failed');
    // The run's lease was given back: a resume can take it.
    expect(await store.getLease('run:r1')).toBeUndefined();
  });

  it('asks a live owner, which applies it while the run goes on', async () => {
    const store = sqlite();
    const gate = { open: false };
    const calls: string[] = [];
    const def = defineDag({
      id: 'live',
      dag: (b) => b.addNode('quick').addNode('slow'),
      tasks: {
        quick: (ctx) => void calls.push(`quick#${ctx.attempt}`),
        slow: async (ctx) => {
          calls.push(`slow#${ctx.attempt}`);
          await until(() => gate.open);
        },
      },
    });
    const running = startRun(def, { store, runId: 'r1', pollMs: 10 });
    await until(() => calls.includes('quick#1') && calls.includes('slow#1'));
    await until(async () => (await states(store, 'r1')).quick === 'succeeded');
    const outcome = await clearRun(def, 'r1', { nodes: ['quick'] }, { store, pollMs: 5 });
    expect(outcome).toMatchObject({ state: 'applied', appliedBy: 'owner', nodes: ['quick'] });
    const busy = await failure(clearRun(def, 'r1', { nodes: ['slow'] }, { store, pollMs: 5 }));
    expect(busy.code).toBe('NODE_ACTIVE');
    await until(() => calls.includes('quick#2'));
    gate.open = true;
    expect((await running).status).toBe('succeeded');
    const requests = await store.loadEvents('r1');
    expect(requests.filter((e) => e.type === 'nodes_cleared')).toHaveLength(1);
  });

  it('leaves a run whose owner died running, for whoever resumes it', async () => {
    const store = sqlite();
    const { def, world } = pipeline();
    await startRun(def, { store, runId: 'r1' });
    world.broken = false;
    // Reopen it and leave it as a crash would, then clear again: it stays `running`.
    await clearRun(def, 'r1', { failedOnly: true }, { store });
    await store.commit('r1', { events: [], run: { status: 'running' } });
    await crashed(store, 'r1');
    const outcome = await clearRun(def, 'r1', { nodes: ['audit'] }, { store });
    expect(outcome).toMatchObject({ state: 'applied', status: 'running', appliedBy: 'caller' });
    const resumed = await resumeRun(def, 'r1', { store });
    expect(resumed.resumed && resumed.result.status).toBe('succeeded');
  });
});

describe('markNode', () => {
  it('marks a failed node succeeded with a result: its downstream is decided again and reads it', async () => {
    const store = sqlite();
    const { def, calls } = pipeline();
    await startRun(def, { store, runId: 'r1' });
    const outcome = await markNode(def, 'r1', 'transform', 'succeeded', {
      store,
      actor: 'cli:ana',
      reason: 'computed by hand',
      result: 40,
    });
    expect(outcome).toMatchObject({ state: 'applied', nodes: ['transform'], status: 'queued' });
    calls.length = 0;
    await resumeRun(def, 'r1', { store });
    expect(calls).toEqual(['load#1']);
    const engine = replay(def, await loadJournal(store, 'r1', jsonCodec));
    expect(engine.resultOf(engine.graph.requireId('load'))).toBe('loaded 40');
    expect((await store.getRun('r1'))!.status).toBe('succeeded');
  });

  it('settles a run at once when nothing is left to run', async () => {
    const store = sqlite();
    const def = defineDag({
      id: 'leaf',
      dag: (b) => b.addNode('a').addNode('b'),
      tasks: {
        a: () => 1,
        b: () => {
          throw new Error('no');
        },
      },
    });
    await startRun(def, { store, runId: 'r1' });
    const outcome = await markNode(def, 'r1', 'b', 'skipped', { store });
    expect(outcome).toMatchObject({ status: 'succeeded', appliedBy: 'caller' });
    const run = (await store.getRun('r1'))!;
    expect(run.status).toBe('succeeded');
    expect(await states(store, 'r1')).toEqual({ a: 'succeeded', b: 'skipped' });
    const entries = await loadJournal(store, 'r1', jsonCodec);
    expect(entries.at(-1)).toMatchObject({ type: 'run_finished', status: 'succeeded' });
  });
});
