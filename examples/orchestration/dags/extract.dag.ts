import { defineDag } from '../../../src/index.js';

/** Pulls the day's orders; when a run succeeds, the report runs after it. */
export default defineDag({
  id: 'extract',
  dag: (b) => b.addEdge('pull_orders', 'stage'),
  tasks: {
    pull_orders: () => [
      { id: 1, total: 120 },
      { id: 2, total: 80 },
    ],
    stage: (ctx) => (ctx.upstream('pull_orders') as unknown[]).length,
  },
  triggers: [{ dag: 'report', on: 'success', params: { audience: 'managers' } }],
});
