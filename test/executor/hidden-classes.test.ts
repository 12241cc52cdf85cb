import { setFlagsFromString } from 'node:v8';
import { runInThisContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { DAG } from '../../src/graph/dag.js';
import { RunGraph } from '../../src/graph/run-graph.js';
import { keptInstances } from '../../src/graph/hidden-classes.js';
import { DAGExecutor } from '../../src/executor/dag-executor.js';
import { AttemptContext } from '../../src/executor/task-context.js';
import { RunEngine } from '../../src/engine/run-engine.js';
import type { EdgeSpec, NodeSpec } from '../../src/engine/node-spec.js';
import type { TaskContext } from '../../src/executor/types.js';

// V8's own "same hidden class" test, compiled once the flag that allows it is set.
setFlagsFromString('--allow-natives-syntax');
const sameHiddenClass = runInThisContext('(a, b) => %HaveSameMap(a, b)') as (
  a: object,
  b: object,
) => boolean;

function kept<T>(cls: abstract new (...args: never[]) => T): T {
  const found = keptInstances().find((o) => o instanceof cls);
  if (found === undefined) throw new Error(`no kept ${cls.name}`);
  return found as T;
}

/** A run's objects: the kept one of each class keeps their hidden class only if they share it. */
describe('hidden classes kept for the process', () => {
  it('an executor run makes its attempt contexts with the kept context’s hidden class', async () => {
    const contexts: TaskContext[] = [];
    const dag = DAG.builder()
      .addEdge('a', 'b')
      .addNode('slow', { payload: { timeoutMs: 5_000 } })
      .build();
    const result = await new DAGExecutor(dag).execute({
      a: (ctx) => void contexts.push(ctx),
      b: async (ctx) => void contexts.push(ctx),
      slow: (ctx) => {
        ctx.log('info', 'logged');
        contexts.push(ctx);
      },
    });
    expect(result.succeeded).toBe(3);
    expect(contexts).toHaveLength(3);
    for (const ctx of contexts) {
      expect(ctx).toBeInstanceOf(AttemptContext);
      expect(sameHiddenClass(ctx, kept(AttemptContext))).toBe(true);
    }
  });

  it('a graph and an engine changed by a run and a fan-out keep the kept ones’ hidden classes', () => {
    const graph = new RunGraph<NodeSpec, EdgeSpec>();
    graph.addNode('discover', { name: 'discover' });
    graph.addNode('merge', { name: 'merge' });
    graph.addEdge('discover', 'merge');
    const engine = new RunEngine(graph);
    const id = engine.startNextId(12.5);
    engine.apply({
      type: 'task_succeeded',
      node: graph.nameOf(id),
      attempt: 1,
      at: 13.25,
      result: null,
      modification: {
        addNodes: [{ name: 'part', dependencies: ['discover'], dependents: ['merge'] }],
      },
    });
    expect(engine.graph.nodeCount).toBe(3);
    expect(sameHiddenClass(graph, kept(RunGraph))).toBe(true);
    expect(sameHiddenClass(engine, kept(RunEngine))).toBe(true);
  });
});
