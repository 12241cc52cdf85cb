/**
 * Executor profile helper (not part of `npm run bench:exec`): runs one shape many times in one
 * process after warm-up and prints the median CPU and wall time per run (ms).
 * `node --expose-gc --cpu-prof --import tsx bench/exec-profile.ts '<shape>' [runs]`.
 *
 * Each run follows a full collection, as in the benchmark (`NO_GC=1`: none). `MARK_RUNS=1`
 * prints `RUN <i>` before each run, to tell which run a `--trace-deopt` line belongs to: a
 * method deoptimized at every run is the symptom `src/graph/hidden-classes.ts` describes.
 */
import { DAGExecutor } from '../src/executor/dag-executor.js';
import type { TaskFn } from '../src/executor/types.js';
import { collectGarbage, median } from './harness.js';
import { chain, dagOf, lattice, nodeName, noop, wide, WORKERS } from './shapes.js';

const [kind, size] = (process.argv[2] ?? 'chain 100k').split(' ');
const n = Number.parseInt(size ?? '100k', 10) * 1000;
const shape = kind === 'wide' ? wide(n) : kind === 'lattice' ? lattice(n) : chain(n);
const runs = Number(process.argv[3] ?? 30);
const dag = dagOf(shape);
const tasks = new Map<string, TaskFn>();
for (let i = 0; i < shape.n; i++) tasks.set(nodeName(i), noop);
const executor = new DAGExecutor(dag, { maxWorkers: WORKERS });
for (let i = 0; i < 5; i++) await executor.execute(tasks);
const cpu: number[] = [];
const wall: number[] = [];
for (let i = 0; i < runs; i++) {
  if (process.env.MARK_RUNS) console.log(`RUN ${i}`);
  if (!process.env.NO_GC) collectGarbage();
  const c = process.cpuUsage();
  const w = process.hrtime.bigint();
  await executor.execute(tasks);
  wall.push(Number(process.hrtime.bigint() - w) / 1e6);
  const d = process.cpuUsage(c);
  cpu.push((d.user + d.system) / 1000);
}
console.log(
  `${shape.name} ${process.version}: cpu ${median(cpu).toFixed(1)} ms, wall ${median(wall).toFixed(1)} ms per run`,
);
