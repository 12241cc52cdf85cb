import { describe, expect, it } from 'vitest';
import type { TributaryError } from '../../src/errors/index.js';
import { DAG } from '../../src/graph/dag.js';
import { DynamicExecutor } from '../../src/executor/dag-executor.js';
import { mapExpander } from '../../src/executor/map-expander.js';

describe('expanders by pattern', () => {
  it('patternExpanders apply to dynamic nodes whose name matches; the first match wins, a /g pattern matches every time', async () => {
    const dag = DAG.builder().addEdge('discover', 'merge').build();
    const seen: string[] = [];
    const result = await new DynamicExecutor(dag, {
      expanders: {
        discover: () => ({
          addNodes: ['a', 'b'].map((f) => ({
            name: `process_${f}`,
            task: () => f,
            dependencies: ['discover'],
            dependents: ['merge'],
          })),
        }),
      },
      patternExpanders: [
        {
          pattern: /^process_[a-z]$/g,
          expander: (name) => {
            seen.push(name);
            return {
              addNodes: [
                {
                  name: `${name}_check`,
                  task: () => 'ok',
                  dependencies: [name],
                  dependents: ['merge'],
                },
              ],
            };
          },
        },
        {
          pattern: /^process_a$/,
          expander: () => ({ addNodes: [{ name: 'never', task: () => 1 }] }),
        },
      ],
    }).execute({ discover: () => 0, merge: () => 'm' });
    expect(result.status).toBe('succeeded');
    expect(seen).toEqual(['process_a', 'process_b']);
    expect(result.graph.predecessors('merge')).toHaveLength(5);
    expect(result.graph.hasNode('never')).toBe(false);
    expect(result.modifications.map((m) => m.actor)).toEqual([
      'node:discover',
      'node:process_a',
      'node:process_b',
    ]);
  });
});

describe('mapExpander', () => {
  const dag = () => DAG.builder().addEdge('list', 'merge').build();

  it('fans out one node per item, named by its stable key, each getting its item as input', async () => {
    const inputs: unknown[] = [];
    let merged: Record<string, unknown> = {};
    const result = await new DynamicExecutor(dag(), {
      expanders: {
        list: mapExpander({
          task: (ctx) => (inputs.push(ctx.input), (ctx.input as { id: string }).id.toUpperCase()),
          key: (f: { id: string }) => f.id,
          dependents: ['merge'],
        }),
      },
    }).execute({
      list: () => [{ id: 'b' }, { id: 'a' }],
      merge: (ctx) => {
        merged = Object.fromEntries(ctx.upstreamResults);
      },
    });
    expect(result.status).toBe('succeeded');
    expect(inputs).toEqual([{ id: 'b' }, { id: 'a' }]);
    expect(merged).toEqual({ list: [{ id: 'b' }, { id: 'a' }], 'list[b]': 'B', 'list[a]': 'A' });
    expect(result.modifications[0]).toMatchObject({
      reason: 'map over 2 items of "list"',
      diff: { addedNodes: ['list[b]', 'list[a]'] },
    });
  });

  it('uses `items` and `name`, and passes the other options to every node', async () => {
    const result = await new DynamicExecutor(dag(), {
      expanders: {
        list: mapExpander({
          task: 'work',
          items: (r) => (r as { files: string[] }).files,
          key: (f: string) => f.replace('.', '_'),
          name: (key, parent) => `${parent}_${key}`,
          critical: false,
        }),
      },
    }).execute({
      list: () => ({ files: ['x.csv'] }),
      work: () => {
        throw new Error('bad file');
      },
      merge: () => 'm',
    });
    expect(result.nodeResults.get('list_x_csv')?.status).toBe('failed');
    expect(result.status).toBe('partially_succeeded');
  });

  it('an empty list adds nothing and the run goes on', async () => {
    const result = await new DynamicExecutor(dag(), {
      expanders: { list: mapExpander({ task: () => 1, key: String, dependents: ['merge'] }) },
    }).execute({
      list: () => [],
      merge: () => 'm',
    });
    expect(result.succeeded).toBe(2);
  });

  it('duplicate keys are rejected as DUPLICATE_NODE and fail the mapped node', async () => {
    const result = await new DynamicExecutor(dag(), {
      expanders: {
        list: mapExpander({
          task: () => 1,
          key: (s: string) => s.toLowerCase(),
          dependents: ['merge'],
        }),
      },
    }).execute({
      list: () => ['A', 'a'],
      merge: () => 'm',
    });
    expect(result.modifications[0]).toMatchObject({
      outcome: 'rejected',
      error: { code: 'DUPLICATE_NODE' },
    });
    expect(result.nodeResults.get('list')?.status).toBe('failed');
    expect(result.nodeResults.get('merge')?.status).toBe('upstream_failed');
    expect(result.graph.hasNode('list[a]')).toBe(false);
  });

  it('a result that is not an array fails the node', async () => {
    const result = await new DynamicExecutor(dag(), {
      expanders: { list: mapExpander({ task: () => 1, key: String }) },
    }).execute({
      list: () => ({ not: 'a list' }),
      merge: () => 'm',
    });
    const error = result.nodeResults.get('list')?.error as TributaryError;
    expect(error.code).toBe('EXPANDER_FAILED');
    expect((error.cause as TributaryError).code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('{"not":"a list"}');
    expect(result.nodeResults.get('merge')?.status).toBe('upstream_failed');
  });
});
