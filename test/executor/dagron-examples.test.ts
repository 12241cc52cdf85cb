import { describe, expect, it } from 'vitest';
import { DAG } from '../../src/graph/dag.js';
import { DynamicExecutor } from '../../src/executor/dag-executor.js';
import type { DynamicNodeSpec } from '../../src/engine/modification.js';
import type { Expander, TaskFn } from '../../src/executor/types.js';

// Every example of seed 002 (dagron's "Dynamic DAGs" page), ported to the TypeScript API.
describe('seed 002 examples', () => {
  it('basic example: discover spawns one node per file, merge runs last', async () => {
    const dag = DAG.builder()
      .addNode('discover')
      .addNode('merge')
      .addEdge('discover', 'merge')
      .build();
    const discoverExpander: Expander = (_name, result) => ({
      addNodes: (result as string[]).map((filename) => ({
        name: `process_${filename.replace('.', '_')}`,
        task: () => `processed ${filename}`,
        dependencies: ['discover'],
        dependents: ['merge'],
      })),
      removeNodes: [],
    });
    const result = await new DynamicExecutor(dag, {
      expanders: { discover: discoverExpander },
      maxWorkers: 4,
    }).execute({
      discover: () => ['a.csv', 'b.csv', 'c.csv'],
      merge: () => 'all files merged',
    });
    expect(result.succeeded).toBe(5);
    expect([...result.nodeResults.keys()]).toEqual([
      'discover',
      'process_a_csv',
      'process_b_csv',
      'process_c_csv',
      'merge',
    ]);
    expect(result.nodeResults.get('process_b_csv')?.result).toBe('processed b.csv');
    expect(result.graph.predecessors('merge')).toEqual([
      'discover',
      'process_a_csv',
      'process_b_csv',
      'process_c_csv',
    ]);
  });

  it('combined add and remove: a placeholder is replaced by two implementations', async () => {
    const dag = DAG.builder()
      .addEdge('upstream', 'placeholder')
      .addEdge('placeholder', 'downstream')
      .build();
    const replacePlaceholder: Expander = () => ({
      addNodes: ['specific_impl_a', 'specific_impl_b'].map((name) => ({
        name,
        task: () => name.replace('specific_', ''),
        dependencies: ['upstream'],
        dependents: ['downstream'],
      })),
      removeNodes: ['placeholder'],
    });
    const ran: string[] = [];
    const track = (name: string) => () => ran.push(name);
    const result = await new DynamicExecutor(dag, {
      expanders: { upstream: replacePlaceholder },
    }).execute({
      upstream: track('upstream'),
      placeholder: track('placeholder'),
      downstream: track('downstream'),
    });
    expect(result.status).toBe('succeeded');
    expect(ran).toEqual(['upstream', 'downstream']);
    expect(result.nodeResults.has('placeholder')).toBe(false);
    expect(result.graph.hasNode('placeholder')).toBe(false);
    expect(result.nodeResults.get('specific_impl_a')?.result).toBe('impl_a');
    expect(result.modifications[0]).toMatchObject({
      actor: 'node:upstream',
      outcome: 'applied',
      diff: { removedNodes: ['placeholder'], addedNodes: ['specific_impl_a', 'specific_impl_b'] },
    });
  });

  it('real-world ETL: four tables processed in parallel, then aggregate and publish', async () => {
    const dag = DAG.builder()
      .addNode('discover_tables')
      .addNode('aggregate')
      .addNode('publish')
      .addEdge('discover_tables', 'aggregate')
      .addEdge('aggregate', 'publish')
      .build();
    let running = 0;
    let peak = 0;
    const makeTableProcessor =
      (table: string): TaskFn =>
      async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setImmediate(resolve));
        running--;
        return `processed ${table}: 1000 rows`;
      };
    const tableExpander: Expander = (_name, tables) => ({
      addNodes: (tables as string[]).map((table): DynamicNodeSpec<TaskFn, Expander> => ({
        name: `process_${table}`,
        task: makeTableProcessor(table),
        dependencies: ['discover_tables'],
        dependents: ['aggregate'],
      })),
      removeNodes: [],
    });
    const result = await new DynamicExecutor(dag, {
      expanders: { discover_tables: tableExpander },
      maxWorkers: 4,
    }).execute({
      discover_tables: async () => ['users', 'orders', 'products', 'reviews'],
      aggregate: () => 'aggregated all tables',
      publish: () => 'published to data warehouse',
    });
    expect(result.succeeded).toBe(7);
    expect(peak).toBe(4);
    for (const nr of result.nodeResults.values()) {
      expect(nr.status).toBe('succeeded');
      expect(nr.durationMs).toBeGreaterThanOrEqual(0);
    }
    expect([...result.nodeResults.keys()].slice(-2)).toEqual(['aggregate', 'publish']);
  });

  it('chained expansion: level_0 spawns level_1, which spawns level_2 nodes', async () => {
    const dag = DAG.builder()
      .addNode('level_0')
      .addNode('final')
      .addEdge('level_0', 'final')
      .build();
    const level0: Expander = () => ({
      addNodes: [
        {
          name: 'level_1',
          task: () => ['sub_a', 'sub_b'],
          dependencies: ['level_0'],
          dependents: ['final'],
        },
      ],
      removeNodes: [],
    });
    const level1: Expander = (_name, result) => ({
      addNodes: (result as string[]).map((sub) => ({
        name: `level_2_${sub}`,
        task: () => `processed ${sub}`,
        dependencies: ['level_1'],
        dependents: ['final'],
      })),
      removeNodes: [],
    });
    const result = await new DynamicExecutor(dag, {
      expanders: { level_0: level0, level_1: level1 },
    }).execute({
      level_0: () => 'started',
      final: () => 'done',
    });
    expect([...result.nodeResults.keys()]).toEqual([
      'level_0',
      'level_1',
      'level_2_sub_a',
      'level_2_sub_b',
      'final',
    ]);
  });

  it('model selection: the expander picks xgboost for 50,000 rows', async () => {
    const dag = DAG.builder()
      .addEdge('prepare_data', 'select_model')
      .addEdge('select_model', 'evaluate')
      .build();
    const selector: Expander = (_name, result) => {
      const rows = (result as { rows: number }).rows;
      const [name, model] =
        rows < 1000
          ? ['train_linear', { model: 'linear', accuracy: 0.85 }]
          : rows < 100000
            ? ['train_xgboost', { model: 'xgboost', accuracy: 0.92 }]
            : ['train_neural_net', { model: 'nn', accuracy: 0.96 }];
      return {
        addNodes: [
          { name, task: () => model, dependencies: ['select_model'], dependents: ['evaluate'] },
        ],
      };
    };
    const result = await new DynamicExecutor(dag, {
      expanders: { select_model: selector },
    }).execute({
      prepare_data: () => ({ rows: 50000, features: 20 }),
      select_model: () => ({ rows: 50000 }),
      evaluate: () => 'evaluated',
    });
    expect(result.nodeResults.has('train_xgboost')).toBe(true);
    expect(result.nodeResults.get('train_xgboost')?.result).toEqual({
      model: 'xgboost',
      accuracy: 0.92,
    });
  });

  it('error handling: a throwing expander fails its node, skips descendants, and execute() resolves', async () => {
    const dag = DAG.builder()
      .addNode('discover')
      .addNode('merge')
      .addNode('other')
      .addEdge('discover', 'merge')
      .build();
    const result = await new DynamicExecutor(dag, {
      expanders: {
        discover: () => {
          throw new Error('Expansion failed!');
        },
      },
    }).execute({ discover: () => ['a'], merge: () => 'm', other: () => 'o' });
    expect(result.nodeResults.get('discover')?.status).toBe('failed');
    expect(result.nodeResults.get('discover')?.error?.message).toContain('Expansion failed!');
    expect(result.nodeResults.get('merge')?.status).toBe('upstream_failed');
    expect(result.nodeResults.get('other')?.status).toBe('succeeded');
    expect(result.status).toBe('failed');
  });

  it('safe expander: an empty modification expands nothing and fails nothing', async () => {
    const dag = DAG.builder().addEdge('discover', 'merge').build();
    const result = await new DynamicExecutor(dag, {
      expanders: { discover: () => ({ addNodes: [], removeNodes: [] }) },
    }).execute({
      discover: () => [],
      merge: () => 'm',
    });
    expect(result.status).toBe('succeeded');
    expect(result.succeeded).toBe(2);
  });
});
