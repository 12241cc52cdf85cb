import { describe, expect, it } from 'vitest';
import { DAG } from '../../src/graph/dag.js';
import { DAGExecutor } from '../../src/executor/dag-executor.js';

describe('cleanup nodes in the executor', () => {
  it('fail-fast spares them: a running cleanup keeps an intact signal, a pending one still runs', async () => {
    // `boom` fails while `teardown_running` runs; `teardown_after` waits for `work`.
    const dag = DAG.builder()
      .addNode('boom')
      .addNode('teardown_running', { payload: { cleanup: true } })
      .addNode('work')
      .addNode('teardown_after', { payload: { cleanup: true } })
      .addEdge('work', 'teardown_after')
      .build();
    const seen: Record<string, boolean> = {};
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const result = await new DAGExecutor(dag, { failFast: true, maxWorkers: 4 }).execute({
      teardown_running: async (ctx) => {
        await gate;
        seen.teardown_running = ctx.signal.aborted;
        return 'released';
      },
      work: (ctx) =>
        new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve('stopped'))),
      boom: async () => {
        await Promise.resolve();
        setImmediate(release);
        throw new Error('boom');
      },
      teardown_after: (ctx) => {
        seen.teardown_after = ctx.signal.aborted;
        return 'cleaned';
      },
    });
    expect(seen).toEqual({ teardown_running: false, teardown_after: false });
    expect(result.status).toBe('failed');
    expect(result.nodeResults.get('work')?.status).toBe('cancelled');
    expect(result.nodeResults.get('teardown_running')).toMatchObject({
      status: 'succeeded',
      result: 'released',
    });
    expect(result.nodeResults.get('teardown_after')).toMatchObject({
      status: 'succeeded',
      result: 'cleaned',
    });
  });
});
