/**
 * The README's 30-second example, kept runnable (CI runs every example).
 *
 *   npx tsx examples/readme.ts
 */
import { DAG, DynamicExecutor } from '../src/index.js';

const dag = DAG.builder().addEdge('discover', 'merge').build();

const result = await new DynamicExecutor(dag, {
  maxWorkers: 4,
  expanders: {
    // After `discover` succeeds, add one node per file, all feeding `merge`.
    discover: (_name, files) => ({
      reason: 'one branch per discovered file',
      addNodes: (files as string[]).map((file) => ({
        name: `process_${file}`,
        task: () => `processed ${file}`,
        dependencies: ['discover'],
        dependents: ['merge'],
      })),
    }),
  },
}).execute({
  discover: () => ['a.csv', 'b.csv', 'c.csv'],
  merge: (ctx) => [...ctx.upstreamResults.keys()],
});

console.log(result.status); // 'succeeded'
console.log(result.succeeded); // 5
console.log(result.modifications); // the audit trail: actor 'node:discover', reason, diff
if (result.status !== 'succeeded' || result.succeeded !== 5) process.exit(1);
