import { defineDag } from '../../../src/index.js';

/**
 * Extracts, loads into the warehouse, publishes. The load fails while the warehouse is down
 * (here: until the example sets WAREHOUSE_UP); when a run succeeds, the report runs after it.
 */
export default defineDag({
  id: 'warehouse',
  dag: (b) => b.addEdge('extract', 'load').addEdge('load', 'publish'),
  tasks: {
    extract: () => 1200,
    load: (ctx) => {
      if (process.env.WAREHOUSE_UP !== 'yes') throw new Error('connection refused: warehouse:5432');
      return `${String(ctx.upstream('extract'))} rows loaded`;
    },
    publish: (ctx) => `published: ${String(ctx.upstream('load'))}`,
  },
  triggers: [{ dag: 'report', on: 'success' }],
});
