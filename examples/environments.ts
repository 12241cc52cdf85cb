/**
 * Environments, the graph of DAGs, lint and lineage: a prod pipeline that feeds, and waits for,
 * the staging copy of its next version during a migration. The crossings are declared
 * (`crossEnvironment: true`); the same edge without the opt-in is refused.
 *
 *   npx tsx examples/environments.ts
 *
 * The same from a shell, in examples/environments/:
 *   tributary validate                  # environments and the cycle check
 *   tributary lint                      # anti-patterns between DAGs
 *   tributary lineage orders_report     # upstream and downstream, crossings marked
 *   tributary trigger orders            # with `tributary scheduler` running
 *   tributary show <orders run id>      # what started it, which runs it started
 */
import {
  checkProjectGraph,
  DagRegistry,
  dagLineage,
  defineDag,
  describeRunOrigin,
  lintProject,
  loadProject,
  MemoryStore,
  ProjectGraph,
  runLineage,
  Scheduler,
  TributaryError,
} from '../src/index.js';

// loadProject checks references, cycles and environments: this project passes.
const project = await loadProject(
  new URL('environments/tributary.config.ts', import.meta.url).pathname,
);
const graph = ProjectGraph.from(project.dags);
for (const id of project.dags.ids()) console.log(`${id}: environment ${graph.environmentOf(id)}`);

// The lineage of the report: both upstreams, the staging one marked.
const lineage = dagLineage(graph, 'orders_report');
for (const e of lineage.upstream) {
  const crossing = e.crossing === undefined ? '' : ` [${e.crossing.from} -> ${e.crossing.to}]`;
  console.log(`upstream: ${e.from} -[${e.kind}]-> ${e.to}${crossing}`);
}
const warnings = lintProject(project.dags, project.lint);
console.log(`lint: ${warnings.length} warnings`);

// The same dependency without the opt-in: refused, naming both DAGs and environments.
const careless = new DagRegistry(project.root, { environment: 'prod' });
for (const { definition, module } of project.dags) {
  if (definition.id !== 'orders_report') careless.add(definition, module);
}
careless.add(
  defineDag({
    id: 'orders_report',
    dag: (b) => b.addNode('compare'),
    tasks: { compare: () => 'v1 and v2 agree' },
    dependsOn: [{ dag: 'orders' }, { dag: 'orders_next' }],
  }),
  `${project.root}/dags/orders-report.dag.ts`,
);
try {
  checkProjectGraph(careless);
  throw new Error('an undeclared crossing was accepted');
} catch (error) {
  if (!(error instanceof TributaryError) || error.code !== 'CROSS_ENVIRONMENT') throw error;
  console.log(`refused: ${error.message.split('. ')[0]}`);
}

// Run it: a trigger of orders starts the report and the staging pipeline; the report waits
// for both. Then the run lineage of orders: who started it, and what it started.
const store = new MemoryStore();
const scheduler = new Scheduler({ project, store });
if (!(await scheduler.acquire())) throw new Error('no scheduler role');
await store.addTriggers([
  { dagId: 'orders', periodKey: '', runKey: 'today', origin: 'cli:example', at: Date.now() },
]);
for (let pass = 0; pass < 20; pass++) {
  await scheduler.step();
  await scheduler.idle();
  const runs = await store.listRuns();
  if (runs.length === 3 && runs.every((r) => r.status === 'succeeded')) break;
}
const [orders] = await store.listRuns({ dagId: 'orders' });
if (orders === undefined) throw new Error('orders did not run');
const { run, origin, started } = await runLineage(store, orders.runId);
console.log(`orders run started by ${describeRunOrigin(origin, run.partitionKey)}`);
for (const r of started) console.log(`it started ${r.dagId}: ${r.status}`);
const report = (await store.listRuns({ dagId: 'orders_report' }))[0];
await store.close();
if (report?.status !== 'succeeded') throw new Error(`the report ended ${report?.status}`);
if (started.length !== 2) throw new Error(`orders started ${started.length} runs, not 2`);
