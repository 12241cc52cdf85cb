import { describe, expect, it } from 'vitest';
import { DAG } from '../../src/graph/dag.js';
import { DAGExecutor } from '../../src/executor/dag-executor.js';
import type { TaskFn } from '../../src/executor/types.js';

// The executor resolves each node's task once per tasks object and reuses it while the object's
// entries are unchanged: every change to a Map or a record must show in the next run.
describe('tasks resolved once per tasks object', () => {
  const dag = DAG.builder()
    .addEdge('a', 'b')
    .addNode('c', { payload: { task: 'shared' } })
    .build();

  it('a Map changed between runs runs the new functions', async () => {
    const calls: string[] = [];
    const fn =
      (tag: string): TaskFn =>
      () => {
        calls.push(tag);
      };
    const tasks = new Map<string, TaskFn>([
      ['a', fn('a1')],
      ['b', fn('b1')],
      ['shared', fn('s1')],
    ]);
    const executor = new DAGExecutor(dag, { maxWorkers: 1 });
    await executor.execute(tasks);
    await executor.execute(tasks);
    expect(calls.sort()).toEqual(['a1', 'a1', 'b1', 'b1', 's1', 's1']);
    calls.length = 0;
    tasks.set('b', fn('b2'));
    tasks.set('shared', fn('s2'));
    expect((await executor.execute(tasks)).status).toBe('succeeded');
    expect(calls.sort()).toEqual(['a1', 'b2', 's2']);
    calls.length = 0;
    tasks.delete('a');
    const result = await executor.execute(tasks);
    expect(result.status).toBe('failed');
    expect((result.nodeResults.get('a')?.error as { code?: string } | undefined)?.code).toBe(
      'TASK_NOT_FOUND',
    );
  });

  it('a record changed between runs runs the new functions, and a bad new value is refused', async () => {
    const calls: string[] = [];
    const tasks: Record<string, TaskFn> = {
      a: () => void calls.push('a1'),
      b: () => void calls.push('b1'),
      shared: () => void calls.push('s1'),
    };
    const executor = new DAGExecutor(dag, { maxWorkers: 1 });
    await executor.execute(tasks);
    tasks.a = () => void calls.push('a2');
    calls.length = 0;
    await executor.execute(tasks);
    expect(calls.sort()).toEqual(['a2', 'b1', 's1']);
    (tasks as Record<string, unknown>).b = 5;
    await expect(executor.execute(tasks)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('two tasks objects with the same entries share nothing wrong', async () => {
    const calls: string[] = [];
    const executor = new DAGExecutor(dag, { maxWorkers: 1 });
    const one = {
      a: () => void calls.push('x'),
      b: () => void calls.push('x'),
      shared: () => void calls.push('x'),
    };
    const two = {
      a: () => void calls.push('y'),
      b: () => void calls.push('y'),
      shared: () => void calls.push('y'),
    };
    await executor.execute(one);
    await executor.execute(two);
    await executor.execute(one);
    expect(calls).toEqual(['x', 'x', 'x', 'y', 'y', 'y', 'x', 'x', 'x']);
  });
});
