import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonCodec, type Codec } from '../../src/codec/index.js';
import {
  cancelRun,
  defineDag,
  loadJournal,
  resumeRun,
  startRun,
  viewRun,
  type DagDefinition,
  type DurableRunOptions,
} from '../../src/durable/index.js';
import type { TaskContext } from '../../src/executor/index.js';
import { MemoryStore, runLeaseKey, type Commit, type RunStore } from '../../src/store/index.js';
import { crashed, failure, tempStores, until } from './helpers.js';

// Run ownership (the lease and its fence), requests from other processes (cancel, modify),
// task logs, and what a run records about itself (durability, codec).

const { sqlite } = tempStores();

afterEach(() => {
  vi.useRealTimers();
});

/** A run left behind by a crash: recorded, its lease held by a dead process, a journal prefix. */
async function crashedRun(
  def: DagDefinition,
  store: RunStore,
  runId: string,
  prefix: (entries: Commit['events']) => Commit['events'] = () => [],
  options: Partial<DurableRunOptions> = {},
): Promise<void> {
  const source = new MemoryStore();
  await startRun(def, { ...options, store: source, runId });
  const { finishedAt: _f, owner: _o, ...run } = (await source.getRun(runId))!;
  await store.createRun({ ...run, status: 'running' });
  await crashed(store, runId);
  const events = prefix(await source.loadEvents(runId));
  if (events.length > 0) await store.commit(runId, { events });
}

describe('concurrent resumers', () => {
  it('twenty resumers of one crashed run on separate handles: one runs it, each node once', async () => {
    const runs = new Map<string, number>();
    const count = (ctx: TaskContext) => runs.set(ctx.node, (runs.get(ctx.node) ?? 0) + 1);
    const def = defineDag({
      id: 'contended',
      dag: (b) => b.addEdge('a', 'b').addEdge('b', 'c').addEdge('a', 'd'),
      tasks: {
        a: (ctx) => void count(ctx),
        b: async (ctx) => void count(ctx),
        c: async (ctx) => void count(ctx),
        d: (ctx) => void count(ctx),
      },
    });
    await crashedRun(def, sqlite(), 'r1', (events) => events.slice(0, 2)); // a started + succeeded
    runs.clear();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, () => resumeRun(def, 'r1', { store: sqlite() })),
    );
    const resumed = outcomes.filter((o) => o.status === 'fulfilled' && o.value.resumed);
    expect(resumed).toHaveLength(1);
    for (const o of outcomes) {
      if (o.status === 'rejected') expect(o.reason).toMatchObject({ code: 'RUN_ACTIVE' });
      else if (!o.value.resumed) expect(o.value.run.status).toBe('succeeded');
    }
    expect(runs).toEqual(
      new Map([
        ['b', 1],
        ['c', 1],
        ['d', 1],
      ]),
    );
    const store = sqlite();
    expect((await store.getRun('r1'))?.status).toBe('succeeded');
    const rows = await store.loadEvents('r1');
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    expect(await store.getLease(runLeaseKey('r1'))).toBeUndefined();
  });

  it('a live owner keeps its run: a resume is RUN_ACTIVE naming it; force takes over and fences it off', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const def = defineDag({
      id: 'held',
      dag: (b) => b.addEdge('a', 'b'),
      tasks: { a: () => gate, b: () => 'b' },
    });
    const store = sqlite();
    const first = startRun(def, { store, runId: 'r1' }).catch((e: unknown) => e);
    await until(async () => (await store.getLease(runLeaseKey('r1'))) !== undefined);
    const owner = (await store.getLease(runLeaseKey('r1')))!.owner;
    const active = await failure(resumeRun(def, 'r1', { store: sqlite() }));
    expect(active.code).toBe('RUN_ACTIVE');
    expect(active.context.owner).toBe(owner);
    expect(active.message).toContain('--force');
    const taken = resumeRun(def, 'r1', { store: sqlite(), force: true });
    await until(async () => (await store.getLease(runLeaseKey('r1')))?.owner !== owner);
    release();
    const outcome = await taken;
    expect(outcome.resumed && outcome.result.status).toBe('succeeded');
    // The old owner finishes its task, but its commits are fenced off: it stops, writing nothing.
    expect(await first).toMatchObject({ code: 'LEASE_LOST' });
    expect((await store.getRun('r1'))?.status).toBe('succeeded');
  });
});

describe('requests from other processes', () => {
  /** A DAG whose `wait` node runs until `open()`; `after` depends on it. */
  function gated() {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const ran: string[] = [];
    const def = defineDag({
      id: 'gated',
      dag: (b) => b.addEdge('wait', 'after'),
      tasks: {
        wait: () => gate,
        after: (ctx) => void ran.push(ctx.node),
        extra: (ctx) => void ran.push(`${ctx.node}:${String(ctx.input)}`),
      },
    });
    return { def, open: () => open(), ran };
  }

  it('an operator modification is applied by the owner through the engine, audited with its actor', async () => {
    const { def, open, ran } = gated();
    const store = sqlite();
    const running = startRun(def, { store, runId: 'r1', pollMs: 10 });
    await until(async () => (await store.getLease(runLeaseKey('r1'))) !== undefined);
    const modification = {
      reason: 'backfill one more table',
      addNodes: [
        { name: 'extra', task: 'extra', input: 7, dependencies: ['wait'], dependents: ['after'] },
      ],
    };
    const id = await store.addRequest('r1', {
      kind: 'modify',
      actor: 'cli:ann',
      at: Date.now(),
      body: JSON.stringify(modification),
    });
    await until(async () => (await store.getRequest('r1', id))?.state !== 'pending');
    const request = (await store.getRequest('r1', id))!;
    expect(request.state).toBe('applied');
    expect(JSON.parse(request.outcome!)).toMatchObject({ actor: 'cli:ann', outcome: 'applied' });
    open();
    const result = await running;
    expect(result.status).toBe('succeeded');
    expect(ran).toEqual(['extra:7', 'after']);
    expect(result.modifications).toEqual([
      expect.objectContaining({ actor: 'cli:ann', reason: 'backfill one more table' }),
    ]);
    const entries = await loadJournal(store, 'r1', jsonCodec);
    expect(entries).toContainEqual(
      expect.objectContaining({ type: 'graph_modified', actor: 'cli:ann' }),
    );
  });

  it('a rejected operator modification changes nothing; the request says why', async () => {
    const { def, open } = gated();
    const store = sqlite();
    const running = startRun(def, { store, runId: 'r1', pollMs: 10 });
    await until(async () => (await store.getLease(runLeaseKey('r1'))) !== undefined);
    const bad = [
      // an unknown task name: caught when the change is made
      { addNodes: [{ name: 'x', task: 'no_such_task', dependencies: ['wait'] }] },
      // a new input for a node that already started
      { addNodes: [{ name: 'y', task: 'extra', dependents: ['wait'] }] },
      'not a modification',
    ];
    const ids: number[] = [];
    for (const body of bad) {
      ids.push(
        await store.addRequest('r1', {
          kind: 'modify',
          actor: 'cli:bob',
          at: 1,
          body: JSON.stringify(body),
        }),
      );
    }
    await until(async () => (await store.pendingRequests('r1')).length === 0);
    const codes = [];
    for (const id of ids) {
      const request = (await store.getRequest('r1', id))!;
      expect(request.state).toBe('rejected');
      codes.push((JSON.parse(request.outcome!) as { code: string }).code);
    }
    expect(codes).toEqual(['TASK_NOT_FOUND', 'DEPENDENCY_RACE', 'INVALID_ARGUMENT']);
    open();
    const result = await running;
    expect([...result.nodeResults.keys()].sort()).toEqual(['after', 'wait']);
    expect(result.modifications.map((m) => m.outcome)).toEqual([
      'rejected',
      'rejected',
      'rejected',
    ]);
  });

  it('a cancel request stops the run through the engine', async () => {
    const { def } = gated();
    const store = sqlite();
    const running = startRun(def, { store, runId: 'r1', pollMs: 10 });
    await until(async () => (await store.getLease(runLeaseKey('r1'))) !== undefined);
    await store.addRequest('r1', { kind: 'cancel', actor: 'cli:ann', at: 1 });
    const result = await running;
    expect(result.status).toBe('cancelled');
    expect(await store.pendingRequests('r1')).toEqual([]);
  });

  it('a request made while nobody owned the run is applied by the resume before anything starts', async () => {
    const ran: string[] = [];
    const def = defineDag({
      id: 'offline',
      dag: (b) => b.addEdge('a', 'b'),
      tasks: {
        a: (ctx) => void ran.push(ctx.node),
        b: (ctx) => void ran.push(ctx.node),
        extra: (ctx) => void ran.push(ctx.node),
      },
    });
    const store = sqlite();
    await crashedRun(def, store, 'r1', (events) => events.slice(0, 2));
    ran.length = 0;
    await store.addRequest('r1', {
      kind: 'modify',
      actor: 'cli:cy',
      at: 1,
      body: JSON.stringify({
        addNodes: [{ name: 'extra', task: 'extra', dependencies: ['a'], dependents: ['b'] }],
      }),
    });
    const outcome = await resumeRun(def, 'r1', { store });
    expect(outcome.resumed && outcome.result.status).toBe('succeeded');
    expect(ran).toEqual(['extra', 'b']);
  });
});

describe('requests that come too late', () => {
  it('are answered RUN_FINISHED when the run ends, never left pending', async () => {
    const store = sqlite();
    let id = 0;
    const def = defineDag({
      id: 'late',
      dag: (b) => b.addNode('a'),
      tasks: {
        // Stored while the run goes, but the owner does not poll again before it ends.
        a: async () => {
          id = await store.addRequest('r1', {
            kind: 'modify',
            actor: 'cli:late',
            at: 1,
            body: '{}',
          });
        },
      },
    });
    await startRun(def, { store, runId: 'r1', pollMs: 60_000 });
    expect(await store.pendingRequests('r1')).toEqual([]);
    const request = (await store.getRequest('r1', id))!;
    expect(request.state).toBe('rejected');
    expect(JSON.parse(request.outcome!)).toMatchObject({ code: 'RUN_FINISHED' });
  });
});

describe('cancelling a crashed run', () => {
  it('goes through the engine: every unfinished node ends cancelled, the journal stays gap-free', async () => {
    const def = defineDag({
      id: 'crashed',
      dag: (b) => b.addEdge('a', 'b').addEdge('b', 'c').addNode('d'),
      tasks: { a: () => 1, b: () => 2, c: () => 3, d: () => 4 },
    });
    const store = sqlite();
    // a succeeded, b was running when the process died.
    await crashedRun(def, store, 'r1', (events) =>
      events.slice(0, events.findIndex((e) => e.type === 'task_started' && e.node === 'b') + 1),
    );
    const outcome = await cancelRun(def, 'r1', { store });
    expect(outcome.resumed && outcome.result.status).toBe('cancelled');
    const run = (await store.getRun('r1'))!;
    expect(run.status).toBe('cancelled');
    const entries = await loadJournal(store, 'r1', jsonCodec);
    const view = viewRun(run, entries);
    expect(Object.fromEntries([...view.nodes].map(([n, v]) => [n, v.state]))).toMatchObject({
      b: 'cancelled',
      c: 'cancelled',
    });
    expect([...view.nodes.values()].filter((n) => n.state === 'running')).toEqual([]);
    const rows = await store.loadEvents('r1');
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    expect(entries.at(-1)).toMatchObject({ type: 'run_finished', status: 'cancelled' });
  });
});

describe('task logs', () => {
  it('what a task logs through its context is kept per attempt with the run, bounded', async () => {
    const def = defineDag({
      id: 'logs',
      dag: (b) =>
        b
          .addNode('chatty')
          .addNode('flaky', { payload: { retry: { maxAttempts: 2, initialDelayMs: 0 } } }),
      tasks: {
        chatty: (ctx) => {
          ctx.log('info', 'starting', { rows: 3 });
          for (let i = 0; i < 100; i++) ctx.log('debug', `line ${i} ${'x'.repeat(100)}`);
        },
        flaky: (ctx) => {
          ctx.log('warn', `attempt ${ctx.attempt}`);
          if (ctx.attempt === 1) throw new Error('first fails');
        },
      },
    });
    const store = sqlite();
    await startRun(def, { store, runId: 'r1', maxLogBytes: 2_000 });
    const chatty = await store.loadLogs('r1', { node: 'chatty' });
    expect(chatty[0]).toMatchObject({
      attempt: 1,
      level: 'info',
      message: 'starting',
      fields: '{"rows":3}',
    });
    // Cut after about 2,000 characters, with one marker line saying so.
    expect(chatty.length).toBeLessThan(25);
    expect(chatty.at(-1)?.message).toContain('log cut');
    const flaky = await store.loadLogs('r1', { node: 'flaky' });
    expect(flaky.map((l) => [l.attempt, l.message])).toEqual([
      [1, 'attempt 1'],
      [2, 'attempt 2'],
    ]);
  });
});

describe('what a run records about itself', () => {
  it("durability 'full' is kept with the run and used by every commit of a resume", async () => {
    const commits: Commit[] = [];
    class Recording extends MemoryStore {
      override async commit(runId: string, commit: Commit): Promise<void> {
        commits.push(commit);
        return super.commit(runId, commit);
      }
    }
    const def = defineDag({
      id: 'full',
      dag: (b) => b.addEdge('a', 'b'),
      tasks: { a: () => 1, b: () => 2 },
    });
    const store = new Recording();
    await startRun(def, { store, runId: 'r0', durability: 'full' });
    expect((await store.getRun('r0'))?.durability).toBe('full');
    expect(commits.length).toBeGreaterThan(0);
    expect(commits.every((c) => c.durability === 'full')).toBe(true);

    // A crashed run recorded with 'full', resumed without saying so: still 'full'.
    await crashedRun(def, store, 'r1', () => [], { durability: 'full' });
    commits.length = 0;
    await resumeRun(def, 'r1', { store });
    expect(commits.length).toBeGreaterThan(0);
    expect(commits.every((c) => c.durability === 'full')).toBe(true);
  });

  it('a run written with a named codec is read back only with that codec', async () => {
    const tagged: Codec = {
      name: 'tagged-json',
      encode: (v) => jsonCodec.encode(v),
      decode: (t) => jsonCodec.decode(t),
    };
    const def = defineDag({
      id: 'codec',
      dag: (b) => b.addEdge('a', 'b'),
      tasks: { a: () => 1, b: () => 2 },
    });
    const store = sqlite();
    await crashedRun(def, store, 'r1', () => [], { codec: tagged });
    expect((await store.getRun('r1'))?.codec).toBe('tagged-json');
    expect((await failure(resumeRun(def, 'r1', { store }))).code).toBe('UNKNOWN_CODEC');
    expect((await failure(resumeRun(def, 'r1', { store, codec: jsonCodec }))).code).toBe(
      'UNKNOWN_CODEC',
    );
    const outcome = await resumeRun(def, 'r1', { store, codec: tagged });
    expect(outcome.resumed && outcome.result.status).toBe('succeeded');
  });
});

describe('pending retries survive a snapshot', () => {
  it('a retry due in 60 s is still due in 60 s after resuming from a snapshot taken after the failure', async () => {
    const attempts: number[] = [];
    const def = defineDag({
      id: 'retry',
      dag: (b) =>
        b.addNode('a', {
          payload: { retry: { maxAttempts: 2, initialDelayMs: 60_000, jitter: 0 } },
        }),
      tasks: {
        a: (ctx) => {
          attempts.push(ctx.attempt);
          if (ctx.attempt === 1) throw new Error('first fails');
          return 'ok';
        },
      },
      snapshotEvery: 1,
    });
    const store = sqlite();
    // The first process: the failure is journaled with a snapshot after it, then it dies.
    const abandon = new AbortController();
    const first = startRun(def, { store, runId: 'r1', signal: abandon.signal }).catch(
      (e: unknown) => e,
    );
    await until(async () => (await store.getSnapshot('r1')) !== undefined);
    const failedAt = (await loadJournal(store, 'r1', jsonCodec)).find(
      (e) => e.type === 'task_failed',
    )!.at;
    // Hand the run to a new owner as a crash would (the first session is fenced off).
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const resumed = resumeRun(def, 'r1', { store: sqlite(), force: true });
    // The retry is due 60 s after the failure, whatever the real time the resume took.
    const elapsed = Date.now() - failedAt;
    await vi.advanceTimersByTimeAsync(59_000 - elapsed);
    expect(attempts).toEqual([1]);
    await vi.advanceTimersByTimeAsync(2_000);
    const outcome = await resumed;
    expect(attempts).toEqual([1, 2]);
    expect(outcome.resumed && outcome.result.status).toBe('succeeded');
    abandon.abort();
    vi.useRealTimers();
    await first;
  });
});

describe('console output', () => {
  it('is kept with the attempt that wrote it when captureConsole is on, and still printed', async () => {
    const printed: string[] = [];
    const saved = { log: console.log, warn: console.warn, error: console.error };
    const def = defineDag({
      id: 'console',
      dag: (b) => b.addNode('a').addNode('b'),
      tasks: {
        a: async () => {
          console.log('from a', { n: 1 });
          await new Promise((r) => setTimeout(r, 1));
          console.error('a after await');
        },
        b: () => console.warn('from b'),
      },
    });
    const store = sqlite();
    // What "the terminal" receives: the console as it was before the run.
    for (const method of ['log', 'warn', 'error'] as const)
      console[method] = (...args: unknown[]) => void printed.push(args.map(String).join(' '));
    try {
      await startRun(def, { store, runId: 'r1', captureConsole: true });
      console.log('outside any task');
    } finally {
      Object.assign(console, saved);
    }
    const logs = await store.loadLogs('r1');
    expect(logs.map((l) => [l.node, l.source, l.level, l.message])).toEqual(
      expect.arrayContaining([
        ['a', 'stdout', 'info', 'from a { n: 1 }'],
        ['a', 'stderr', 'error', 'a after await'],
        ['b', 'stderr', 'warn', 'from b'],
      ]),
    );
    expect(logs).toHaveLength(3);
    expect(printed).toEqual(
      expect.arrayContaining([
        'from a [object Object]',
        'a after await',
        'from b',
        'outside any task',
      ]),
    );
  });
});
