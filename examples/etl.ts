/**
 * Seed 002's dynamic ETL pipeline as a durable DAG module: `discover_tables` finds the tables at
 * runtime, its expander adds one `process_<table>` node per table (a registered task with JSON
 * input, so the run can be resumed after a crash), and `aggregate` waits for all of them.
 *
 *   npx tributary run examples/etl.ts
 *   npx tributary run examples/etl.ts --param tables='["users","orders"]'
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { defineDag, defineTask } from '../src/index.js';
import type { Expander } from '../src/index.js';

const discoverTables = defineTask('discover_tables', async (ctx) => {
  await sleep(20, undefined, { signal: ctx.signal }); // simulate querying a catalog
  const tables = ctx.params.tables;
  return Array.isArray(tables) ? (tables as string[]) : ['users', 'orders', 'products', 'reviews'];
});

const processTable = defineTask(
  'process_table',
  async (ctx) => {
    await sleep(Number(ctx.params.delayMs ?? 50), undefined, { signal: ctx.signal }); // simulate processing
    ctx.log('info', `processed ${String(ctx.input)}`, { rows: 1000 }); // kept with the run: tributary logs <runId>
    return { table: ctx.input as string, rows: 1000 };
  },
  { retry: { maxAttempts: 3, initialDelayMs: 100 } },
);

const aggregate = defineTask('aggregate', (ctx) => {
  const processed = [...ctx.upstreamResults.values()].filter(
    (r): r is { rows: number } => typeof r === 'object' && r !== null,
  );
  return { tables: processed.length, rows: processed.reduce((sum, r) => sum + r.rows, 0) };
});

const publish = defineTask(
  'publish',
  (ctx) => `published ${JSON.stringify(ctx.upstream('aggregate'))}`,
);

/** One processing node per discovered table, each feeding `aggregate`. */
const tableExpander: Expander = (_name, tables) => ({
  reason: `discovered ${(tables as string[]).length} tables`,
  addNodes: (tables as string[]).map((table) => ({
    name: `process_${table}`,
    task: 'process_table',
    input: table,
    dependencies: ['discover_tables'],
    dependents: ['aggregate'],
  })),
});

export default defineDag({
  id: 'dynamic_etl',
  description: 'Discover tables at runtime and process each in parallel',
  dag: (b) => b.addEdge('discover_tables', 'aggregate').addEdge('aggregate', 'publish'),
  tasks: [discoverTables, processTable, aggregate, publish],
  expanders: { discover_tables: tableExpander },
  maxWorkers: 4,
});
