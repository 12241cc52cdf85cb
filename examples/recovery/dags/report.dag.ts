import { defineDag } from '../../../src/index.js';

/** The report, after the warehouse run that triggered it. */
export default defineDag({
  id: 'report',
  dag: (b) => b.addNode('build_report'),
  tasks: { build_report: () => 'the report' },
  dependsOn: [{ dag: 'warehouse' }],
});
