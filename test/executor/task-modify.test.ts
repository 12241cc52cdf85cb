import { describe, expect, it } from 'vitest';
import { DAG } from '../../src/graph/dag.js';
import { DAGExecutor } from '../../src/executor/dag-executor.js';
import type { Interceptor, TaskContext } from '../../src/executor/types.js';
import { TributaryError } from '../../src/errors/index.js';

// Modifying a live in-memory run from a task (ctx.modify) or an interceptor, and the
// interceptor chain's guard against running a task twice.

describe('a task modifies its own run', () => {
  it('adds the nodes it discovered; they run before its dependents, audited as task:<node>', async () => {
    const dag = DAG.builder().addEdge('scan', 'report').build();
    const ran: string[] = [];
    const result = await new DAGExecutor(dag).execute({
      scan: (ctx) => {
        const record = ctx.modify({
          reason: 'found two files',
          addNodes: ['a.csv', 'b.csv'].map((file) => ({
            name: `load ${file}`,
            task: () => void ran.push(file),
            dependencies: ['scan'],
            dependents: ['report'],
          })),
        });
        expect(record).toMatchObject({ outcome: 'applied', actor: 'task:scan' });
        return 'scanned';
      },
      report: (ctx) => [...ctx.upstreamResults.keys()].sort(),
    });
    expect(result.status).toBe('succeeded');
    expect(ran.sort()).toEqual(['a.csv', 'b.csv']);
    expect(result.nodeResults.get('report')?.result).toEqual(['load a.csv', 'load b.csv', 'scan']);
    expect(result.modifications).toHaveLength(1);
    expect(result.modifications[0]).toMatchObject({
      actor: 'task:scan',
      reason: 'found two files',
      outcome: 'applied',
    });
  });

  it('a rejected modification throws its typed error, changes nothing, and is audited', async () => {
    const dag = DAG.builder().addEdge('a', 'b').build();
    let caught: unknown;
    const result = await new DAGExecutor(dag).execute({
      a: (ctx) => {
        try {
          // b -> x -> b would close a cycle.
          ctx.modify({
            addNodes: [{ name: 'x', task: () => 0, dependencies: ['b'], dependents: ['b'] }],
          });
        } catch (error) {
          caught = error;
        }
        return 1;
      },
      b: () => 2,
    });
    expect(caught).toBeInstanceOf(TributaryError);
    expect((caught as TributaryError).code).toBe('CYCLE_DETECTED');
    expect(result.status).toBe('succeeded');
    expect(result.graph.nodeNames()).toEqual(['a', 'b']);
    expect(result.graph.edges().map((e) => `${e.from}>${e.to}`)).toEqual(['a>b']);
    expect(result.modifications).toEqual([
      expect.objectContaining({ outcome: 'rejected', actor: 'task:a' }),
    ]);
  });

  it('after its attempt ended, a context can no longer modify the run', async () => {
    const dag = DAG.builder().addEdge('a', 'b').build();
    let kept: TaskContext | undefined;
    let late: unknown;
    await new DAGExecutor(dag).execute({
      a: (ctx) => void (kept = ctx),
      b: () => {
        try {
          kept!.modify({ addNodes: [{ name: 'x', task: () => 0 }] });
        } catch (error) {
          late = error;
        }
      },
    });
    expect(late).toMatchObject({ code: 'RUN_FINISHED' });
  });

  it('an interceptor injects a node before every task named load_*', async () => {
    const dag = DAG.builder().addEdge('load_a', 'done').build();
    const order: string[] = [];
    const audit: Interceptor = async (ctx, next) => {
      if (ctx.node.startsWith('load_')) {
        ctx.modify({
          reason: 'audit every load',
          addNodes: [
            {
              name: `audit_${ctx.node}`,
              task: () => void order.push('audit'),
              dependencies: [ctx.node],
              dependents: ['done'],
            },
          ],
        });
      }
      return next();
    };
    const result = await new DAGExecutor(dag, { interceptors: [audit] }).execute({
      load_a: () => void order.push('load'),
      done: () => void order.push('done'),
    });
    expect(result.status).toBe('succeeded');
    expect(order).toEqual(['load', 'audit', 'done']);
    expect(result.modifications[0]?.actor).toBe('task:load_a');
  });
});

describe('interceptors', () => {
  it('calling next() twice never runs the task twice: the second call rejects with INTERCEPTOR_MISUSE', async () => {
    const dag = DAG.builder().addNode('a').build();
    let runs = 0;
    const twice: Interceptor = async (_ctx, next) => {
      await next();
      return next();
    };
    const result = await new DAGExecutor(dag, { interceptors: [twice] }).execute({
      a: () => ++runs,
    });
    expect(runs).toBe(1);
    const node = result.nodeResults.get('a')!;
    expect(node.status).toBe('failed');
    expect(node.error).toMatchObject({ code: 'INTERCEPTOR_MISUSE' });
    expect(node.error?.message).toContain('"a"');
  });

  it('each interceptor of a chain gets its own once-only next()', async () => {
    const dag = DAG.builder().addNode('a').build();
    const seen: string[] = [];
    const wrap =
      (name: string): Interceptor =>
      async (_ctx, next) => {
        seen.push(`${name}>`);
        const value = await next();
        seen.push(`<${name}`);
        return value;
      };
    const result = await new DAGExecutor(dag, {
      interceptors: [wrap('outer'), wrap('inner')],
    }).execute({
      a: () => 'x',
    });
    expect(result.nodeResults.get('a')?.result).toBe('x');
    expect(seen).toEqual(['outer>', 'inner>', '<inner', '<outer']);
  });
});

describe('unknown expanders', () => {
  it('a node naming an unregistered expander fails with EXPANDER_NOT_FOUND; its dependents do not run', async () => {
    const dag = DAG.builder()
      .addNode('a', { payload: { expander: 'nope' } })
      .addEdge('a', 'b')
      .build();
    const result = await new DAGExecutor(dag).execute({ a: () => 1, b: () => 2 });
    expect(result.nodeResults.get('a')?.error).toMatchObject({ code: 'EXPANDER_NOT_FOUND' });
    expect(result.nodeResults.get('b')?.status).toBe('upstream_failed');
  });
});

describe('expansion depth of task modifications', () => {
  it('a task that keeps adding a copy of itself is stopped by maxExpansionDepth', async () => {
    const dag = DAG.builder().addNode('n0').build();
    let made = 0;
    const grow = (ctx: TaskContext): void => {
      made++;
      ctx.modify({ addNodes: [{ name: `n${made}`, task: grow, dependencies: [ctx.node] }] });
    };
    const result = await new DAGExecutor(dag, { limits: { maxExpansionDepth: 5 } }).execute({
      n0: grow,
    });
    // n0 (depth 0) adds n1 (depth 1) ... n5 adds n6 at depth 6: refused, so n5 fails.
    expect(result.nodeResults.get('n5')?.error).toMatchObject({ code: 'LIMIT_EXCEEDED' });
    expect(result.nodeResults.has('n6')).toBe(false);
    expect(result.modifications.at(-1)).toMatchObject({ outcome: 'rejected', actor: 'task:n5' });
  });
});
