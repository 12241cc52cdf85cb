/**
 * Executor benchmark (`npm run bench:exec`): scheduling overhead of no-op tasks on chain, wide
 * and lattice shapes against p-graph and two Kahn-loop baselines (bare, and with the per-run
 * setup a loop over a named DAG needs), each in fresh processes with
 * `maxWorkers` 8; then runtime modification costs and memory per node.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PGraph } from 'p-graph';
import { DAG } from '../src/graph/dag.js';
import { RunGraph } from '../src/graph/run-graph.js';
import { DAGExecutor, DynamicExecutor, runGraphFromDag } from '../src/executor/dag-executor.js';
import { ExecutionResult } from '../src/executor/execution-result.js';
import { RunEngine } from '../src/engine/run-engine.js';
import type { EdgeSpec, NodeSpec } from '../src/engine/node-spec.js';
import type { Expander, TaskFn } from '../src/executor/types.js';
import {
  collectGarbage,
  measureAsync,
  formatNs,
  formatRatio,
  machineInfo,
  machineLines,
  markdownTable,
  median,
  writeSection,
} from './harness.js';
import { applyFloor, floorRun, type FanOutSpec } from './modification-floor.js';
import { chain, dagOf, lattice, nodeName, noop, wide, WORKERS, type Shape } from './shapes.js';

/** The baseline: Kahn's algorithm over int adjacency with a concurrency limit; nothing else. */
function kahnBaseline(shape: Shape): () => Promise<void> {
  const out: number[][] = Array.from({ length: shape.n }, () => []);
  const indeg0 = new Int32Array(shape.n);
  for (const [u, v] of shape.edges) {
    out[u]!.push(v);
    indeg0[v]!++;
  }
  return () =>
    new Promise<void>((resolve) => {
      const indeg = indeg0.slice();
      const ready: number[] = [];
      for (let v = 0; v < shape.n; v++) if (indeg[v] === 0) ready.push(v);
      let head = 0;
      let running = 0;
      let done = 0;
      const finish = (v: number): void => {
        running--;
        done++;
        for (const w of out[v]!) if (--indeg[w]! === 0) ready.push(w);
        pump();
      };
      const pump = (): void => {
        while (running < WORKERS && head < ready.length) {
          const v = ready[head++]!;
          running++;
          void noop().then(() => finish(v));
        }
        if (done === shape.n) resolve();
      };
      pump();
    });
}

/**
 * The second baseline, "Kahn with per-run setup": what a user's own loop over the same named
 * DAG and tasks must do on every run. Its inputs are built once, outside the timing, as
 * Tributary's are: the node names, the edges as name pairs (as p-graph receives them) and the
 * tasks by name (the same Map Tributary gets). Each run then indexes the names in a Map, builds
 * int adjacency and in-degrees from the name pairs, and runs the bare loop, looking each node's
 * task up by name when it starts. Tributary reuses its DAG's structures instead (built once,
 * by its first run), which this baseline cannot.
 */
function kahnWithSetup(shape: Shape): () => Promise<void> {
  const names = Array.from({ length: shape.n }, (_, i) => nodeName(i));
  const edges: [string, string][] = shape.edges.map(([u, v]) => [nodeName(u), nodeName(v)]);
  const tasks = new Map<string, TaskFn>();
  for (const name of names) tasks.set(name, noop);
  return () =>
    new Promise<void>((resolve) => {
      const n = names.length;
      const index = new Map<string, number>();
      for (let i = 0; i < n; i++) index.set(names[i]!, i);
      const out: number[][] = Array.from({ length: n }, () => []);
      const indeg = new Int32Array(n);
      for (const [from, to] of edges) {
        const v = index.get(to)!;
        out[index.get(from)!]!.push(v);
        indeg[v]!++;
      }
      const ready: number[] = [];
      for (let v = 0; v < n; v++) if (indeg[v] === 0) ready.push(v);
      let head = 0;
      let running = 0;
      let done = 0;
      const finish = (v: number): void => {
        running--;
        done++;
        for (const w of out[v]!) if (--indeg[w]! === 0) ready.push(w);
        pump();
      };
      const pump = (): void => {
        while (running < WORKERS && head < ready.length) {
          const v = ready[head++]!;
          running++;
          const task = tasks.get(names[v]!)!;
          void (task as () => Promise<void>)().then(() => finish(v));
        }
        if (done === n) resolve();
      };
      pump();
    });
}

function tributaryRunner(shape: Shape): () => Promise<unknown> {
  const dag = dagOf(shape);
  const tasks = new Map<string, TaskFn>();
  for (let i = 0; i < shape.n; i++) tasks.set(nodeName(i), noop);
  const executor = new DAGExecutor(dag, { maxWorkers: WORKERS });
  // Returned as it is, like p-graph's run(): wrapping the call in another async function changed
  // the measured time by up to 2.5x (V8 promise scheduling), so every contender is called alike.
  // measureOne checks the outcome after timing.
  return () => executor.execute(tasks);
}

function pGraphRunner(shape: Shape): () => Promise<void> {
  const deps: [string, string][] = shape.edges.map(([u, v]) => [nodeName(u), nodeName(v)]);
  const nodes: Record<string, { run: () => Promise<void> }> = {};
  for (let i = 0; i < shape.n; i++) nodes[nodeName(i)] = { run: noop };
  return () => new PGraph(nodes, deps).run({ concurrency: WORKERS });
}

const SHAPES: Record<string, () => Shape> = {
  'chain 10k': () => chain(10_000),
  'wide 10k': () => wide(10_000),
  'lattice 10k': () => lattice(10_000),
  'chain 100k': () => chain(100_000),
  'wide 100k': () => wide(100_000),
  'lattice 100k': () => lattice(100_000),
};
const CONTENDERS = {
  kahn: kahnBaseline,
  'kahn-setup': kahnWithSetup,
  tributary: tributaryRunner,
  'p-graph': pGraphRunner,
} as const;
type Contender = keyof typeof CONTENDERS | 'first';
const PROCESSES = 3;

/** Child mode: time one contender on one shape in this fresh process and print nanoseconds. */
async function measureOne(contender: Contender, shapeName: string): Promise<void> {
  const shape = SHAPES[shapeName]!();
  if (contender === 'first') {
    process.stdout.write(`${await measureFirstRuns(shape)}\n`);
    return;
  }
  const run = CONTENDERS[contender](shape);
  const ns = await measureAsync(run, shape.n > 50_000 ? 3 : 9);
  const outcome = await run();
  if (outcome instanceof ExecutionResult && outcome.succeeded !== shape.n) {
    throw new Error(`tributary ran ${outcome.succeeded} of ${shape.n}`);
  }
  process.stdout.write(`${ns}\n`);
}

/**
 * The first run of a freshly built DAG, where nothing per DAG exists yet: each sample builds a
 * new DAG and executor (untimed), then times its first `execute`. Two such runs warm the JIT
 * first; the median of the next three is returned.
 */
async function measureFirstRuns(shape: Shape): Promise<number> {
  const tasks = new Map<string, TaskFn>();
  for (let i = 0; i < shape.n; i++) tasks.set(nodeName(i), noop);
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    const executor = new DAGExecutor(dagOf(shape), { maxWorkers: WORKERS });
    collectGarbage();
    const start = process.hrtime.bigint();
    const outcome = await executor.execute(tasks);
    const ns = Number(process.hrtime.bigint() - start);
    if (outcome.succeeded !== shape.n) throw new Error(`first run: ${outcome.succeeded}`);
    if (i >= 2) samples.push(ns);
  }
  return median(samples);
}

/**
 * Each contender runs in fresh processes (median of ${PROCESSES}), never after another in the
 * same process: measured in one process, the order of contenders changed our per-node time by
 * up to 3x (JIT feedback and heap state left by the previous contender), and p-graph's too.
 */
function timeInChild(contender: Contender, shapeName: string): number {
  const samples: number[] = [];
  for (let i = 0; i < PROCESSES; i++) {
    const r = spawnSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), '--one', contender, shapeName],
      {
        encoding: 'utf8',
      },
    );
    if (r.status !== 0) throw new Error(`${contender} on ${shapeName} failed: ${r.stderr}`);
    samples.push(Number(r.stdout.trim().split('\n').pop()));
  }
  return median(samples);
}

function scheduling(): string {
  const rows: string[][] = [];
  for (const name of Object.keys(SHAPES)) {
    const n = SHAPES[name]!().n;
    const kahn = timeInChild('kahn', name);
    const kahnSetup = timeInChild('kahn-setup', name);
    const ours = timeInChild('tributary', name);
    const first = timeInChild('first', name);
    const peer = timeInChild('p-graph', name);
    const row = [
      name,
      formatNs(kahn / n),
      formatNs(kahnSetup / n),
      formatNs(ours / n),
      formatNs(first / n),
      formatNs(peer / n),
      formatRatio(ours, kahn).replace(/x$/, ''),
      formatRatio(ours, kahnSetup).replace(/x$/, ''),
      formatRatio(first, kahnSetup).replace(/x$/, ''),
      formatRatio(peer, ours),
    ];
    rows.push(row);
    console.log(row.join('  '));
  }
  return markdownTable(
    [
      'shape',
      'bare Kahn / node',
      'Kahn with per-run setup / node',
      'Tributary / node',
      'Tributary first run / node',
      'p-graph / node',
      'Tributary / bare Kahn',
      'Tributary / Kahn with setup',
      'first run / Kahn with setup',
      'p-graph / Tributary',
    ],
    rows,
    [1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
}

function fanOutSpecs(size: number): FanOutSpec[] {
  return Array.from({ length: size }, (_, i) => ({
    name: `part_${i}`,
    task: 'part',
    dependencies: ['discover'],
    dependents: ['merge'],
  }));
}

/** The floor (bench/modification-floor.ts) on the same fan-out, timed the same way. */
function fanOutFloor(size: number): number {
  const run = floorRun();
  const addNodes = fanOutSpecs(size);
  collectGarbage();
  const start = process.hrtime.bigint();
  const ready = applyFloor(run, addNodes);
  const ns = Number(process.hrtime.bigint() - start);
  if (ready !== size) throw new Error('floor fan-out not applied');
  return ns;
}

function fanOutModification(size: number): number {
  const graph = new RunGraph<NodeSpec, EdgeSpec>();
  graph.addNode('discover', { name: 'discover' });
  graph.addNode('merge', { name: 'merge' });
  graph.addEdge('discover', 'merge');
  const engine = new RunEngine(graph, { limits: { maxNodesPerModification: size } });
  const started = engine.startNext(0)!;
  const addNodes = fanOutSpecs(size);
  collectGarbage();
  const start = process.hrtime.bigint();
  engine.apply({
    type: 'task_succeeded',
    node: started.name,
    attempt: 1,
    at: 0,
    result: null,
    modification: { addNodes },
  });
  const ns = Number(process.hrtime.bigint() - start);
  if (engine.graph.nodeCount !== size + 2 || engine.counts.ready !== size)
    throw new Error('fan-out not applied');
  return ns;
}

async function chainedRounds(rounds: number): Promise<number> {
  const dag = DAG.builder().addNode('step_0').build();
  const next: Expander = (node) => {
    const i = Number(node.slice(5));
    return i + 1 < rounds
      ? { addNodes: [{ name: `step_${i + 1}`, task: noop, dependencies: [node], expander: next }] }
      : undefined;
  };
  const executor = new DynamicExecutor(dag, {
    maxWorkers: WORKERS,
    expanders: { step_0: next },
    limits: { maxExpansionDepth: rounds },
  });
  collectGarbage();
  const start = process.hrtime.bigint();
  const result = await executor.execute({ step_0: noop });
  const ns = Number(process.hrtime.bigint() - start);
  if (result.succeeded !== rounds) throw new Error(`chained: ${result.succeeded} of ${rounds}`);
  return ns;
}

async function dynamic(): Promise<string> {
  // Interleaved with the floor, 5 rounds each, medians.
  const fans = (size: number): [number, number] => {
    const ours: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < 5; i++) {
      ours.push(fanOutModification(size));
      floor.push(fanOutFloor(size));
    }
    return [median(ours), median(floor)];
  };
  const [fan10k, floor10k] = fans(10_000);
  const [fan100k, floor100k] = fans(100_000);
  const chain5k = median([
    await chainedRounds(5_000),
    await chainedRounds(5_000),
    await chainedRounds(5_000),
  ]);
  const chain10k = median([
    await chainedRounds(10_000),
    await chainedRounds(10_000),
    await chainedRounds(10_000),
  ]);
  const rows = [
    [
      'apply one modification adding 10k nodes',
      formatNs(fan10k),
      formatNs(fan10k / 10_000),
      formatNs(floor10k),
      formatRatio(fan10k, floor10k).replace(/x$/, ''),
    ],
    [
      'apply one modification adding 100k nodes',
      formatNs(fan100k),
      formatNs(fan100k / 100_000),
      formatNs(floor100k),
      formatRatio(fan100k, floor100k).replace(/x$/, ''),
    ],
    ['run 5k rounds of chained expansion', formatNs(chain5k), formatNs(chain5k / 5_000), '', ''],
    [
      'run 10k rounds of chained expansion',
      formatNs(chain10k),
      formatNs(chain10k / 10_000),
      '',
      '',
    ],
  ];
  for (const r of rows) console.log(r.join('  '));
  return (
    markdownTable(
      ['operation', 'total', 'per node / round', 'floor', 'Tributary / floor'],
      rows,
      [1, 2, 3, 4],
    ) +
    `\n\nLinearity: 100k / 10k fan-out = ${(fan100k / fan10k).toFixed(1)}x for 10x the nodes; ` +
    `10k / 5k chained rounds = ${(chain10k / chain5k).toFixed(2)}x for 2x the rounds.`
  );
}

async function million(): Promise<string> {
  const n = 1_000_000;
  const shape = wide(n);
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  const graph = new RunGraph<NodeSpec, EdgeSpec>();
  for (let i = 0; i < n; i++) graph.addNode(nodeName(i), { name: nodeName(i) });
  for (const [u, v] of shape.edges) graph.addEdgeById(u, v);
  const engine = new RunEngine(graph);
  collectGarbage();
  const bytes = (process.memoryUsage().heapUsed - before) / n;
  if (engine.counts.ready !== 1) throw new Error('unexpected ready set');
  // The executor's path: the DAG's shared base (built by its first run), then one run's own state.
  const dag = dagOf(shape);
  collectGarbage();
  const beforeBase = process.memoryUsage().heapUsed;
  const first = new RunEngine(runGraphFromDag(dag));
  collectGarbage();
  const firstBytes = (process.memoryUsage().heapUsed - beforeBase) / n;
  const afterFirst = process.memoryUsage().heapUsed;
  const next = new RunEngine(runGraphFromDag(dag));
  collectGarbage();
  const nextBytes = (process.memoryUsage().heapUsed - afterFirst) / n;
  if (first.counts.ready !== 1 || next.counts.ready !== 1) throw new Error('unexpected ready set');
  const run = tributaryRunner(shape);
  collectGarbage();
  const start = process.hrtime.bigint();
  await run();
  const ns = Number(process.hrtime.bigint() - start);
  const line =
    `A 1,000,000-node wide run (2M edges) completes in memory in ${formatNs(ns)} (${formatNs(ns / n)} per node). ` +
    `Heap after GC, per node: a run graph built node by node plus its engine, ${Math.round(bytes)} bytes; ` +
    `the executor's first run of a DAG (the DAG's shared base plus the run's own state), ${Math.round(firstBytes)} bytes; ` +
    `each further run of it (its own state only), ${Math.round(nextBytes)} bytes.`;
  console.log(line);
  return line;
}

const one = process.argv.indexOf('--one');
if (one >= 0) {
  await measureOne(process.argv[one + 1] as Contender, process.argv[one + 2]!);
  process.exit(0);
}
// `--million`: the scale line alone (memory per node and the 1M-node run), nothing written.
if (process.argv.includes('--million')) {
  await million();
  process.exit(0);
}
const scheduleTable = scheduling();
const dynamicTable = await dynamic();
const millionLine = await million();
const info = machineInfo();
writeSection(
  'docs/benchmarks.md',
  'exec',
  'Executor',
  [
    machineLines(info, 'npm run bench:exec'),
    '',
    `No-op async tasks, \`maxWorkers\` ${WORKERS}, time per node including graph setup. Each contender runs alone in fresh processes ` +
      `(median of ${PROCESSES} processes, each the median of 3–9 runs after 5 warm-up runs): measured one after another in one process, ` +
      'the order of contenders moved the results by up to 3x. ' +
      'Two Kahn baselines, written in the benchmark. "Bare Kahn" is the bare minimum: int adjacency built once outside the timing, an array queue, a counter, ' +
      'one microtask per node. "Kahn with per-run setup" is what a user\'s own loop over the same named DAG and tasks must do each run: index the names in a Map, ' +
      "build int adjacency from the edges given as name pairs, and look each task up by name (its inputs, like Tributary's, are built outside the timing). " +
      'The issue\'s target (at most 1.5x) was set against the second; both ratios are reported. "Tributary" is a run of a DAG that already ran once (its per-DAG base exists); ' +
      '"first run" is the first `execute` of a freshly built DAG (base and initial state built in the timed run). "p-graph / Tributary" above 1 means we are faster. ' +
      'The modification floor (bench/modification-floor.ts) does only what applying the fan-out must do, interleaved with the measurement (5 rounds each, medians).',
    '',
    scheduleTable,
    '',
    '### Runtime modification',
    '',
    dynamicTable,
    '',
    '### Scale',
    '',
    millionLine,
  ].join('\n'),
);
