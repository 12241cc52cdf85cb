import { defineDag } from '../../../src/index.js';

/**
 * Builds the report from the extract, but only once finance has approved the numbers: a signal
 * a legacy system sets with one command (`tributary signal set finance.approved`).
 */
export default defineDag({
  id: 'report',
  dag: (b) => b.addNode('build_report'),
  tasks: { build_report: (ctx) => `report for ${String(ctx.params.audience)}` },
  dependsOn: [{ dag: 'extract' }, { signal: 'finance.approved', period: 'none' }],
});
