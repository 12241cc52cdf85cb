import { threadId } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { DAG } from '../../src/graph/dag.js';
import { DAGExecutor } from '../../src/executor/dag-executor.js';
import { closeTaskThreads } from '../../src/executor/index.js';
import { defineDag, defineTask, startRun } from '../../src/durable/index.js';
import { NonRetryableError, TributaryError } from '../../src/errors/index.js';
import { MemoryStore } from '../../src/store/index.js';
import * as fixture from '../fixtures/isolated-tasks.js';

// Tasks with `isolation: 'worker'` run in worker threads of a shared pool: really terminated on
// timeout and cancellation, memory-limited, crash-contained; values cross by the JSON codec.

afterEach(() => closeTaskThreads());

const one = (name: string) => DAG.builder().addNode(name).build();

describe('isolation: worker', () => {
  it('runs the task in a worker thread, reused by the next attempt', async () => {
    const dag = DAG.builder().addEdge('a', 'b').build();
    const result = await new DAGExecutor(dag).execute({
      a: fixture.where,
      b: { ...fixture.where, name: 'where' },
    });
    expect(result.status).toBe('succeeded');
    const a = result.nodeResults.get('a')!.result as number;
    expect(a).not.toBe(threadId);
    expect(result.nodeResults.get('b')!.result).toBe(a);
  });

  it('carries input, params and the result through the JSON codec', async () => {
    const dag = DAG.builder()
      .addNode('shapes', { payload: { input: { at: new Date(0), ids: new Set([1n]) } } })
      .build();
    const result = await new DAGExecutor(dag).execute(
      { shapes: fixture.shapes },
      { params: { n: 5 } },
    );
    expect(result.nodeResults.get('shapes')!.result).toEqual({
      at: new Date(0),
      ids: new Set([1n]),
      more: new Map([['n', 5]]),
      none: undefined,
    });
  });

  it('ends a task that never yields at its timeout', async () => {
    // `for (;;);` never returns: on the run's thread no timer could ever fire again. That the
    // attempt ends timed_out shows it ran elsewhere and was stopped there.
    const result = await new DAGExecutor(one('spin')).execute({ spin: fixture.spin });
    const spin = result.nodeResults.get('spin')!;
    expect(spin.status).toBe('timed_out');
    expect((spin.error as TributaryError).code).toBe('TASK_TIMEOUT');
  });

  it('cancellation ends the thread of a running task', async () => {
    const controller = new AbortController();
    // The node's own timeout (a minute) replaces the task's 200 ms: cancellation ends it.
    const dag = DAG.builder()
      .addNode('spin', { payload: { timeoutMs: 60_000 } })
      .build();
    const running = new DAGExecutor(dag).execute(
      { spin: fixture.spin },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 100);
    const result = await running;
    expect(result.nodeResults.get('spin')!.status).toBe('cancelled');
  });

  it('an out-of-memory crash fails the attempt, not the process', async () => {
    const dag = DAG.builder().addNode('hog').addNode('fine').build();
    const result = await new DAGExecutor(dag).execute({ hog: fixture.hog, fine: () => 'ok' });
    const hog = result.nodeResults.get('hog')!;
    expect(hog.status).toBe('failed');
    expect(hog.error).toBeInstanceOf(TributaryError);
    expect((hog.error as TributaryError).code).toBe('WORKER_OUT_OF_MEMORY');
    expect(hog.error!.message).toContain('maxOldGenerationSizeMb');
    expect(result.nodeResults.get('fine')!.result).toBe('ok');
  });

  it('keeps the class, code, context and stack of a thrown error', async () => {
    const dag = DAG.builder().addNode('refuse').addNode('typed').build();
    const result = await new DAGExecutor(dag).execute({
      refuse: fixture.refuse,
      typed: fixture.typed,
    });
    const refuse = result.nodeResults.get('refuse')!;
    expect(refuse.error).toBeInstanceOf(NonRetryableError);
    expect(refuse.attempts).toBe(1); // not retried, despite maxAttempts 3
    const typed = result.nodeResults.get('typed')!.error as TributaryError;
    expect(typed).toBeInstanceOf(TributaryError);
    expect(typed.code).toBe('INVALID_ARGUMENT');
    expect(typed.context).toEqual({ row: 7 });
    expect(typed.stack).toContain('isolated-tasks.ts');
  });

  it('a thread that exits fails its attempt with WORKER_EXITED; the retry gets a new thread', async () => {
    const result = await new DAGExecutor(one('exit_once')).execute({ exit_once: fixture.exitOnce });
    const node = result.nodeResults.get('exit_once')!;
    expect(node.result).toBe('second time');
    expect(node.attemptErrors).toHaveLength(1);
    expect((node.attemptErrors[0]!.error as TributaryError).code).toBe('WORKER_EXITED');
    expect(node.attemptErrors[0]!.error.message).toContain('code 3');
  });

  it('finds a task registered only in an exported DAG definition', async () => {
    const result = await new DAGExecutor(one('inner')).execute({
      inner: fixture.etl.tasks.get('inner')!,
    });
    expect(result.nodeResults.get('inner')!.result).toBe('found through the DAG');
  });

  it('names the module when it does not export the task', async () => {
    const lost = defineTask('lost', () => 0, {
      isolation: 'worker',
      module: new URL('../fixtures/isolated-tasks.ts', import.meta.url).href,
    });
    const result = await new DAGExecutor(one('lost')).execute({ lost });
    const error = result.nodeResults.get('lost')!.error as TributaryError;
    expect(error.code).toBe('TASK_NOT_FOUND');
    expect(error.message).toContain('isolated-tasks.ts');
  });

  it('in a durable run: console and logs are kept, upstream and modify reach the run', async () => {
    const store = new MemoryStore();
    const result = await startRun(fixture.etl, { store, runId: 'r1', captureConsole: true });
    expect(result.status).toBe('succeeded');
    expect(result.nodeResults.get('talk')!.result).toEqual({
      first: 'one',
      all: ['first'],
      key: 'r1:talk',
      modified: ['added'],
    });
    // The node the isolated task added ran too (in a worker thread of its own).
    expect(result.nodeResults.get('added')!.result).not.toBe(threadId);
    const logs = await store.loadLogs('r1', { node: 'talk' });
    expect(logs.map((l) => [l.source, l.level, l.message])).toEqual(
      expect.arrayContaining([
        ['stdout', 'info', 'hello from talk'],
        ['log', 'info', 'structured'],
      ]),
    );
  });
});

describe('isolation options', () => {
  it.each([
    [{ isolation: 'process' }, "'thread' or 'worker'"],
    [{ resourceLimits: { maxOldGenerationSizeMb: 64 } }, "'worker'"],
    [{ isolation: 'worker', resourceLimits: { heapMb: 64 } }, 'maxOldGenerationSizeMb'],
    [{ isolation: 'worker', resourceLimits: { stackSizeMb: -1 } }, 'a positive number'],
    [{ isolation: 'worker', module: 'relative/path.js' }, 'a file URL or an absolute path'],
  ])('rejects %j', (options, expected) => {
    let caught: unknown;
    try {
      defineTask('t', () => 0, options as never);
    } catch (error) {
      caught = error;
    }
    expect((caught as TributaryError).code).toBe('INVALID_ARGUMENT');
    expect((caught as Error).message).toContain(expected);
    expect((caught as Error).message).toContain('task "t"');
  });

  it('defaults the module to the caller of defineTask', () => {
    expect(fixture.where.module).toBe(
      new URL('../fixtures/isolated-tasks.ts', import.meta.url).href,
    );
    expect(
      defineDag({ id: 'x', dag: (b) => b.addNode('where'), tasks: [fixture.where] }).tasks.get(
        'where',
      ),
    ).toBe(fixture.where);
  });
});
