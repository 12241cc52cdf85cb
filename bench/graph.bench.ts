import { topologicalSort } from 'graphology-dag';
import {
  formatNs,
  formatRatio,
  machineInfo,
  machineLines,
  markdownTable,
  measure,
  measureWithSetup,
  writeSection,
  type Measurement,
} from './harness.js';
import {
  buildGraphology,
  buildGraphologyChecked,
  buildTributary,
  chainShape,
  chainsShape,
  dfsVisitsPerEdge,
  graphologyGuarded,
  graphologyReach,
  inOrderChain,
  latticeShape,
  naiveDfs,
  randomForward,
  randomHidden,
  reversedChain,
  runGraphById,
  runGraphByName,
  type EdgeStream,
  type Inserter,
  type Shape,
} from './graph-workloads.js';

const COMMAND = 'npm run bench:graph';
const RESULTS = new URL('../docs/benchmarks.md', import.meta.url);
/**
 * A contender that has not finished a stream after this long is stopped and reported as such.
 * The DFS baseline gets longer: its slowest stream takes about a second.
 */
const BUDGET_MS = 1500;
const DFS_BUDGET_MS = 4000;

const log = (line: string): void => void process.stderr.write(`${line}\n`);

// ---- Static graphs: build, topological sort, ancestors, descendants ----------------------

interface StaticRow {
  readonly shape: string;
  readonly op: string;
  readonly ours: Measurement;
  readonly peer: Measurement;
}

function staticRows(shape: Shape): StaticRow[] {
  const rows: StaticRow[] = [];
  const add = (op: string, ours: () => unknown, peer: () => unknown): void => {
    const options = { budgetMs: 800 };
    const row = {
      shape: shape.name,
      op,
      ours: measure(ours, options),
      peer: measure(peer, options),
    };
    log(`${shape.name} | ${op}: ${formatRatio(row.peer.medianNs, row.ours.medianNs)}`);
    rows.push(row);
  };
  add(
    'build + validate',
    () => buildTributary(shape),
    () => buildGraphologyChecked(shape),
  );
  const dag = buildTributary(shape);
  const g = buildGraphology(shape);
  add(
    'topological sort',
    () => dag.topologicalSort(),
    () => topologicalSort(g),
  );
  for (const { label, node } of shape.probes) {
    for (const up of [true, false]) {
      const ours = (): string[] => (up ? dag.ancestors(node) : dag.descendants(node));
      const peer = (): string[] => graphologyReach(g, node, up);
      const size = ours().length;
      if (size !== peer().length) throw new Error(`${shape.name}: result sizes differ at ${node}`);
      add(
        `${up ? 'ancestors' : 'descendants'} of ${label} (${size.toLocaleString('en-US')})`,
        ours,
        peer,
      );
    }
  }
  return rows;
}

// ---- Incremental order: RunGraph vs a DFS per edge vs graphology-dag ---------------------

const FOREVER = 1n << 62n;

type Outcome =
  | { readonly done: true; readonly nsPerEdge: number }
  | { readonly done: false; readonly edges: number; readonly elapsedNs: number };

function runStream<S>(
  inserter: Inserter<S>,
  stream: EdgeStream,
  names: readonly string[],
  budgetMs = BUDGET_MS,
): Outcome {
  const m = stream.from.length;
  // A first, budgeted run: the warm-up, and the test of whether the peer finishes at all.
  const state = inserter.setup(stream, names);
  const start = process.hrtime.bigint();
  const edges = inserter.insert(state, stream, m, start + BigInt(budgetMs * 1e6));
  const elapsedNs = Number(process.hrtime.bigint() - start);
  if (edges < m) return { done: false, edges, elapsedNs };
  const slow = elapsedNs > 300e6;
  const result = measureWithSetup(
    () => inserter.setup(stream, names),
    (s) => inserter.insert(s, stream, m, FOREVER),
    { warmup: slow ? 0 : 1, minSamples: slow ? 1 : 3, maxSamples: slow ? 3 : 15, budgetMs },
  );
  return { done: true, nsPerEdge: result.medianNs / m };
}

/** RunGraph (by id) on the first `count` edges: the reference for a peer that did not finish. */
function oursOnPrefix(stream: EdgeStream, names: readonly string[], count: number): number {
  return measureWithSetup(
    () => runGraphById.setup(stream, names),
    (s) => runGraphById.insert(s, stream, count, FOREVER),
  ).medianNs;
}

/** A peer's result on one stream: its cell and its ratio to RunGraph (by id). */
interface PeerResult {
  readonly cell: string;
  readonly ratio: string;
  readonly ratioValue: number;
  /** Per-edge time, when the peer finished. */
  readonly nsPerEdge: number | undefined;
}

interface IncrementalRow {
  readonly stream: EdgeStream;
  readonly target: 'agree' | 'adversarial';
  readonly visits: number;
  /** Share of edges that disagreed with RunGraph's order when inserted (each one reorders). */
  readonly against: number;
  readonly byId: number;
  readonly byName: number;
  readonly naive: PeerResult;
  readonly graphology: PeerResult;
}

function incrementalRow(
  stream: EdgeStream,
  names: readonly string[],
  target: IncrementalRow['target'],
): IncrementalRow {
  const ours = runStream(runGraphById, stream, names);
  const byName = runStream(runGraphByName, stream, names);
  if (!ours.done || !byName.done) throw new Error(`RunGraph did not finish ${stream.name}`);
  const peer = (outcome: Outcome): PeerResult => {
    if (outcome.done) {
      const ns = outcome.nsPerEdge;
      const ratio = formatRatio(ns, ours.nsPerEdge);
      return { cell: formatNs(ns), ratio, ratioValue: ns / ours.nsPerEdge, nsPerEdge: ns };
    }
    const value = outcome.elapsedNs / oursOnPrefix(stream, names, outcome.edges);
    const cell = `stopped: ${outcome.edges.toLocaleString('en-US')} edges in ${formatNs(outcome.elapsedNs)}`;
    const ratio = `> ${formatRatio(value, 1)} (same edges)`;
    return { cell, ratio, ratioValue: value, nsPerEdge: undefined };
  };
  const naive = peer(runStream(naiveDfs, stream, names, DFS_BUDGET_MS));
  const graphology = peer(runStream(graphologyGuarded, stream, names));
  log(
    `${stream.name}: RunGraph ${formatNs(ours.nsPerEdge)}/edge, DFS ${naive.ratio}, graphology ${graphology.ratio}`,
  );
  const visits = dfsVisitsPerEdge(stream);
  const g = runGraphById.setup(stream, names);
  let against = 0;
  for (let k = 0; k < stream.from.length; k++) {
    const [u, v] = [stream.from[k]!, stream.to[k]!];
    if (g.orderOf(u) > g.orderOf(v)) against++;
    g.addEdgeById(u, v);
  }
  against /= stream.from.length;
  return {
    stream,
    target,
    visits,
    against,
    byId: ours.nsPerEdge,
    byName: byName.nsPerEdge,
    naive,
    graphology,
  };
}

// ---- Run and report ------------------------------------------------------------------------

const t0 = Date.now();
const info = machineInfo();
log(`${info.cpu}, ${info.cores} cores, Node ${info.node}`);

const shapes = [chainShape(10_000), chainsShape(1000, 10), latticeShape(100)];
const statics = shapes.flatMap(staticRows);

const names = Array.from({ length: 100_000 }, (_, i) => `n${i}`);
const incremental = [
  incrementalRow(inOrderChain(10_000), names, 'agree'),
  incrementalRow(inOrderChain(100_000), names, 'agree'),
  incrementalRow(randomForward(10_000, 10_000, 1), names, 'agree'),
  incrementalRow(randomForward(100_000, 100_000, 2), names, 'agree'),
  incrementalRow(reversedChain(10_000), names, 'adversarial'),
  incrementalRow(randomHidden(10_000, 20_000, 3), names, 'adversarial'),
  incrementalRow(randomHidden(10_000, 100_000, 4), names, 'adversarial'),
];

const staticTable = markdownTable(
  ['Shape', 'Operation', 'Tributary', 'graphology', 'graphology / Tributary', 'Target >= 2x'],
  statics.map((r) => {
    const ratio = r.peer.medianNs / r.ours.medianNs;
    return [
      r.shape,
      r.op,
      formatNs(r.ours.medianNs),
      formatNs(r.peer.medianNs),
      formatRatio(r.peer.medianNs, r.ours.medianNs),
      ratio >= 2 ? 'met' : 'NOT MET',
    ];
  }),
  [2, 3, 4],
);

const incrementalTable = markdownTable(
  [
    'Edge stream',
    'Against order',
    'DFS visits / edge',
    'RunGraph by id',
    'RunGraph by name',
    'DFS per edge',
    'DFS / RunGraph',
    'graphology-dag',
    'graphology / RunGraph',
  ],
  incremental.map((r) => [
    r.stream.name,
    `${(r.against * 100).toFixed(0)}%`,
    r.visits.toLocaleString('en-US', { maximumFractionDigits: 1 }),
    formatNs(r.byId),
    formatNs(r.byName),
    r.naive.cell,
    r.naive.ratio,
    r.graphology.cell,
    r.graphology.ratio,
  ]),
  [1, 2, 3, 4, 5, 6, 8],
);

const row = (prefix: string): IncrementalRow =>
  incremental.find((r) => r.stream.name.startsWith(prefix))!;
const growth = (prefix: string): string => {
  const [small, large] = [row(`${prefix}, 10,000 nodes`), row(`${prefix}, 100,000 nodes`)];
  return `${formatNs(small.byId)} -> ${formatNs(large.byId)} (${formatRatio(large.byId, small.byId)})`;
};
const agree = incremental.filter((r) => r.target === 'agree');
const adversarial = incremental.filter((r) => r.target === 'adversarial');
const verdicts = [
  `- Build, topological sort, ancestors and descendants >= 2x graphology: ${
    statics.every((r) => r.peer.medianNs >= 2 * r.ours.medianNs)
      ? 'met on every row'
      : `NOT MET on ${statics.filter((r) => r.peer.medianNs < 2 * r.ours.medianNs).length} of ${statics.length} rows`
  }.`,
  `- Agreeing edges O(1) each: ${
    agree.every((r) => r.against === 0)
      ? 'every edge agreed with the maintained order when inserted, so no reorder ran and each insertion is a constant number of steps'
      : 'NOT MET: some edge of an agreeing stream started a reorder'
  }. Time per edge (RunGraph by id) from 10,000 to 100,000 nodes: chain in order ${growth('chain in order')}, random forward ${growth('random forward')}; the growth is garbage collection of adjacency arrays, not search (see above).`,
  `- Adversarial 10,000-node streams >= 10x a DFS per edge: ${adversarial
    .map(
      (r) => `${r.stream.name}: ${r.naive.ratio} (${r.naive.ratioValue >= 10 ? 'met' : 'NOT MET'})`,
    )
    .join('; ')}.`,
];

const seconds = ((Date.now() - t0) / 1000).toFixed(1);
const body = `${machineLines(info, COMMAND)}
- Wall time: ${seconds} s

Medians of several samples after warm-up, all in one process. Versions: graphology 0.26,
graphology-dag 0.4. A ratio above 1x means Tributary is faster.

### Static graphs

What each side does:

- Build + validate. Tributary: \`DAG.builder()\`, \`addNode\` for every node, \`addEdge\` for every
  edge, \`build()\` (name index, CSR adjacency both ways, duplicate-edge check, Kahn's algorithm,
  which proves acyclicity and stores the topological order). graphology: \`new DirectedGraph()\`,
  \`addNode\` and \`addEdge\` for each (rejects duplicate edges), then graphology-dag
  \`hasCycle(graph)\`, which proves acyclicity but keeps no order.
- Topological sort. Tributary: \`dag.topologicalSort()\`, which maps the order computed by
  \`build()\` to a new array of names. graphology: graphology-dag \`topologicalSort(graph)\` (Kahn).
- Ancestors and descendants (result size in brackets). Tributary: \`dag.ancestors(name)\` /
  \`dag.descendants(name)\`, returned in topological order. graphology: an iterative DFS with a
  \`Set\` over \`forEachInNeighbor\` / \`forEachOutNeighbor\`, unordered (graphology-traversal
  is not used).

${staticTable}

### Incremental topological order

Time per inserted edge. The nodes are added untimed before the edges; a full collection runs
before each timed sample and a young-generation collection ends it, so each contender pays
for collecting what it allocated.

What each side does:

- RunGraph (Pearce–Kelly): \`addEdgeById\`, or \`addEdge(name, name)\`. Ratios use by id.
- DFS per edge: a baseline written in the benchmark. Integer adjacency lists and, before each
  insertion, a full DFS from \`to\` that fails if it reaches \`from\`.
- graphology-dag: \`willCreateCycle(graph, from, to)\`, then \`graph.addEdge(from, to)\`.
- A peer still running after ${BUDGET_MS / 1000} s (the DFS: ${DFS_BUDGET_MS / 1000} s) is stopped; its ratio is then against
  RunGraph on the same first edges, and is a lower bound.

Edge streams, on nodes added in id order:

- Chain in order: edges i -> i+1 in that order; every edge agrees with the order.
- Random forward: distinct random edges u -> v with u < v; every edge agrees with the order.
- Chain against the order: n-1 -> 0, then j -> j+1 for j = n-2 down to 1. Every edge
  disagrees with the current order but each reorder moves only its two endpoints.
- Random DAG: distinct random edges consistent with a hidden random permutation, at 2 and 10
  edges per node.

"Against order" is the share of edges that disagreed with RunGraph's order when inserted
(each one runs a Pearce–Kelly reorder). "DFS visits / edge" is how many nodes the DFS
baseline visits per insertion: what RunGraph's incremental order saves. Where it is a
handful, a DFS per edge is nearly free and RunGraph (which also keeps reverse lists, rejects
duplicate edges and re-ranks) cannot be 10x faster.

On agreeing edges RunGraph and the DFS baseline both do constant work per edge; what grows
from 10,000 to 100,000 nodes is collecting the small adjacency arrays each allocates on
first use (RunGraph two per node, out and in; the baseline one). These rows vary between
runs more than the others.

${incrementalTable}

### Targets

${verdicts.join('\n')}
`;

console.log(
  `\n${staticTable}\n\n${incrementalTable}\n\n${verdicts.join('\n')}\n\nWall time ${seconds} s`,
);
writeSection(RESULTS.pathname, 'graph', 'Graph', body);
