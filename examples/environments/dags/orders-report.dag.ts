import { defineDag } from '../../../src/index.js';

/**
 * Prod's report. It waits for prod's extract, and, during the migration, for the staging
 * pipeline's run too, to compare both: a dependency across environments, on purpose.
 */
export default defineDag({
  id: 'orders_report',
  dag: (b) => b.addNode('compare'),
  tasks: { compare: () => 'v1 and v2 agree' },
  dependsOn: [{ dag: 'orders' }, { dag: 'orders_next', crossEnvironment: true }],
});
