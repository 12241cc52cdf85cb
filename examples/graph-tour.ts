/**
 * The graph library on its own: build, query, plan, render.
 *
 *   npx tsx examples/graph-tour.ts
 */
import { DAG, TributaryError } from '../src/index.js';

const dag = DAG.builder()
  .addEdge('extract_users', 'join')
  .addEdge('extract_orders', 'join')
  .addEdge('join', 'aggregate')
  .addEdge('aggregate', 'publish')
  .addEdge('join', 'quality_check')
  .build();

const costs = {
  extract_users: 3,
  extract_orders: 5,
  join: 2,
  aggregate: 4,
  publish: 1,
  quality_check: 1,
};
console.log('topological order:', dag.topologicalSort().join(' → '));
console.log('levels:', JSON.stringify(dag.topologicalLevels()));
console.log('critical path:', dag.criticalPath(costs));
const plan = dag.executionPlan(costs, 2);
console.log(
  `plan on 2 workers: makespan ${plan.makespan}, peak parallelism ${plan.maxParallelism}`,
);
console.log('re-run after a change to join:', dag.dirtySet(['join']).join(', '));
console.log(dag.toText());
console.log(dag.toMermaid());

try {
  DAG.builder().addEdge('a', 'b').addEdge('b', 'c').addEdge('c', 'a').build();
} catch (error) {
  if (!(error instanceof TributaryError) || error.code !== 'CYCLE_DETECTED') throw error;
  console.log(`rejected: ${error.message}`);
}
