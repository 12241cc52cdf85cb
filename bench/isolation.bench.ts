/**
 * Isolation benchmark (`npm run bench:isolation`): what `isolation: 'worker'` costs per task
 * against the same task on the run's thread, and what the first thread costs to start.
 */
import { DAG } from '../src/graph/dag.js';
import { DAGExecutor } from '../src/executor/dag-executor.js';
import { closeTaskThreads } from '../src/executor/index.js';
import {
  formatNs,
  machineInfo,
  machineLines,
  markdownTable,
  measureAsync,
  writeSection,
} from './harness.js';

import { noop } from './isolated-noop.js';

/** The task under test returns a small value, so a result crosses back on every attempt. */
const local = noop.fn;

const N = 2_000;
const dag = DAG.builder();
for (let i = 0; i < N; i++) dag.addNode(`n${i}`, { payload: { task: 'noop' } });
const wide = dag.build();

async function perTask(maxWorkers: number, isolated: boolean): Promise<number> {
  const executor = new DAGExecutor(wide, { maxWorkers });
  const tasks = { noop: isolated ? noop : local };
  const ns = await measureAsync(
    async () => {
      const result = await executor.execute(tasks);
      if (result.status !== 'succeeded') throw new Error(`run ${result.status}`);
    },
    5,
    2,
  );
  return ns / N;
}

async function coldStart(): Promise<number> {
  await closeTaskThreads();
  const one = DAG.builder()
    .addNode('n', { payload: { task: 'noop' } })
    .build();
  const start = process.hrtime.bigint();
  await new DAGExecutor(one).execute({ noop });
  return Number(process.hrtime.bigint() - start);
}

const rows: string[][] = [];
const cold = await coldStart();
for (const workers of [1, 4]) {
  const thread = await perTask(workers, false);
  const worker = await perTask(workers, true);
  rows.push([String(workers), formatNs(thread), formatNs(worker), formatNs(worker - thread)]);
}
await closeTaskThreads();
const table = markdownTable(
  ['maxWorkers', 'on the run thread', 'isolation: worker', 'cost of isolation per task'],
  rows,
  [1, 2, 3],
);
const text = [
  machineLines(machineInfo(), 'npm run bench:isolation'),
  '',
  `${N.toLocaleString('en-US')} independent no-op tasks returning a number, medians of 5 runs after 2 warm-up runs ` +
    '(threads already started). An isolated attempt sends the task name, input and params to a pooled worker ' +
    'thread and the result back, each through the JSON codec. ' +
    `Starting the first thread of a pool (from sources, through tsx) and running one task took ${formatNs(cold)}.`,
  '',
  table,
].join('\n');
console.log(text);
writeSection('docs/benchmarks.md', 'isolation', 'Worker-thread isolation', text);
