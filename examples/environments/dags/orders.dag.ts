import { defineDag } from '../../../src/index.js';

/**
 * Prod's extract (in prod, the project's environment). Each run starts the report, and feeds
 * the staging copy of the next pipeline: a trigger into another environment, declared as such.
 */
export default defineDag({
  id: 'orders',
  dag: (b) => b.addNode('pull'),
  tasks: {
    pull: () => [
      { id: 1, total: 120 },
      { id: 2, total: 80 },
    ],
  },
  triggers: [{ dag: 'orders_report' }, { dag: 'orders_next', crossEnvironment: true }],
});
