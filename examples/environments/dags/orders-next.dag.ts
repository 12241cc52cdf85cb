import { defineDag } from '../../../src/index.js';

/** The next version of the pipeline, in staging while it is being migrated. */
export default defineDag({
  id: 'orders_next',
  environment: 'staging',
  dag: (b) => b.addNode('pull_v2'),
  tasks: { pull_v2: () => 200 },
});
