/**
 * Modification profile helper (not part of `npm run bench:exec`): applies the 100k-node fan-out
 * several times, interleaved with its floor, and prints both (ms) and the ratio of medians.
 * `node --expose-gc --cpu-prof --import tsx bench/modification-profile.ts [size] [rounds]`.
 */
import { RunGraph } from '../src/graph/run-graph.js';
import { RunEngine } from '../src/engine/run-engine.js';
import type { EdgeSpec, NodeSpec } from '../src/engine/node-spec.js';
import { collectGarbage, median } from './harness.js';
import { applyFloor, floorRun, type FanOutSpec } from './modification-floor.js';

const size = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 7);

const specs = (): FanOutSpec[] =>
  Array.from({ length: size }, (_, i) => ({
    name: `part_${i}`,
    task: 'part',
    dependencies: ['discover'],
    dependents: ['merge'],
  }));

function ours(): number {
  const graph = new RunGraph<NodeSpec, EdgeSpec>();
  graph.addNode('discover', { name: 'discover' });
  graph.addNode('merge', { name: 'merge' });
  graph.addEdge('discover', 'merge');
  const engine = new RunEngine(graph, { limits: { maxNodesPerModification: size } });
  const started = engine.startNext(0)!;
  const addNodes = specs();
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
  if (engine.graph.nodeCount !== size + 2 || engine.counts.ready !== size) throw new Error('bad');
  return ns;
}

function floor(): number {
  const run = floorRun();
  const addNodes = specs();
  collectGarbage();
  const start = process.hrtime.bigint();
  applyFloor(run, addNodes);
  return Number(process.hrtime.bigint() - start);
}

const a: number[] = [];
const b: number[] = [];
for (let i = 0; i < rounds; i++) {
  a.push(ours());
  b.push(floor());
}
const ms = (x: number): string => (x / 1e6).toFixed(0);
console.log(
  `ours ${a.map(ms).join(' ')} | floor ${b.map(ms).join(' ')} | ratio ${(median(a) / median(b)).toFixed(2)}`,
);
