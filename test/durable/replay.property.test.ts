import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonCodec } from '../../src/codec/codec.js';
import { defineDag, type DagDefinition } from '../../src/durable/define.js';
import { startRun } from '../../src/durable/index.js';
import { loadJournal, replay, restoreEngine } from '../../src/durable/replay.js';
import { viewRun } from '../../src/durable/run-view.js';
import type { DynamicModification } from '../../src/engine/modification.js';
import type { RunEngine } from '../../src/engine/run-engine.js';
import { TriggerRule } from '../../src/engine/trigger-rules.js';
import type { ExecutionResult } from '../../src/executor/execution-result.js';
import type { Expander, TaskContext, TaskFn } from '../../src/executor/types.js';
import { DAG } from '../../src/graph/dag.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import type { RunStore } from '../../src/store/run-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

/*
 * The key property of durable runs: replaying the journal reproduces the live state exactly.
 * Random DAG definitions with deterministic random outcomes (successes, failures, retries with
 * no delay), trigger rules, conditional edges, expanders that add (sometimes invalid) nodes or
 * remove nodes, chained expansions, and cancellation from inside a task, are run with
 * `startRun`; then `loadJournal` + `replay` must give the same nodes, states, attempts, results,
 * errors, times, terminal order, final graph, run status and audit trail as the live run.
 */

const RULES = Object.values(TriggerRule);
/** Registered tasks that dynamic nodes name. */
const DYNAMIC_TASKS = ['dyn_ok', 'dyn_flaky', 'dyn_fail'] as const;

interface NodePlan {
  readonly rule: TriggerRule;
  readonly critical: boolean;
  /** Attempts up to this one throw: 0 succeeds at once, 9 always fails. */
  readonly failUntil: number;
  readonly maxAttempts: number;
  readonly async: boolean;
  readonly result: unknown;
}

interface AddPlan {
  /** The new node is `<expanding node>_x<suffix>`; -1 means its index (no clash). */
  readonly suffix: number;
  readonly task: string;
  readonly input: unknown;
  /** Indices into the pool of names: the definition's nodes, the expanding node, a ghost. */
  // Ghosts, dependents that already started, clashing names and cycles get the
  // modification rejected; the rest is applied.
  readonly dependencies: readonly number[];
  readonly dependents: readonly number[];
  readonly rule: TriggerRule;
  readonly retry: boolean;
  readonly chain: boolean;
}

type ExpanderPlan =
  | {
      readonly kind: 'add';
      readonly async: boolean;
      readonly adds: readonly AddPlan[];
      readonly remove: readonly number[];
    }
  | { readonly kind: 'throw' | 'invalid' | 'nothing'; readonly async: boolean };

interface Plan {
  readonly n: number;
  readonly edges: readonly (readonly [number, number, boolean])[];
  readonly nodes: readonly NodePlan[];
  readonly expanders: readonly (ExpanderPlan | null)[];
  readonly maxWorkers: number;
  readonly failFast: boolean;
  /** The node whose task cancels the run, if any. */
  readonly cancelAt: number | null;
}

const json = fc.jsonValue({ maxDepth: 2 });

const nodePlan: fc.Arbitrary<NodePlan> = fc.record({
  rule: fc.oneof(
    { weight: 3, arbitrary: fc.constant<TriggerRule>('all_success') },
    { weight: 2, arbitrary: fc.constantFrom(...RULES) },
  ),
  critical: fc.nat(3).map((x) => x > 0),
  failUntil: fc.oneof(
    { weight: 5, arbitrary: fc.constant(0) },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 2 }) },
    { weight: 1, arbitrary: fc.constant(9) },
  ),
  maxAttempts: fc.integer({ min: 1, max: 3 }),
  async: fc.boolean(),
  result: json,
});

const addPlan = (n: number): fc.Arbitrary<AddPlan> =>
  fc.record({
    suffix: fc.oneof(
      { weight: 8, arbitrary: fc.constant(-1) },
      { weight: 1, arbitrary: fc.nat(2) },
    ),
    task: fc.constantFrom(...DYNAMIC_TASKS, 'n0', 'not_registered'),
    input: json,
    dependencies: fc.array(
      fc.oneof({ weight: 12, arbitrary: fc.nat(n) }, { weight: 1, arbitrary: fc.constant(n + 1) }),
      { maxLength: 2 },
    ),
    dependents: fc.oneof(
      { weight: 3, arbitrary: fc.constant([]) },
      { weight: 2, arbitrary: fc.array(fc.nat(n - 1), { maxLength: 2 }) },
      { weight: 1, arbitrary: fc.array(fc.nat(n + 1), { maxLength: 2 }) },
    ),
    rule: fc.constantFrom(...RULES),
    retry: fc.boolean(),
    chain: fc.nat(4).map((x) => x === 0),
  });

const expanderPlan = (n: number): fc.Arbitrary<ExpanderPlan> =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('add' as const),
        async: fc.boolean(),
        adds: fc.array(addPlan(n), { minLength: 1, maxLength: 3 }),
        remove: fc.oneof(
          { weight: 4, arbitrary: fc.constant([]) },
          { weight: 1, arbitrary: fc.array(fc.nat(n - 1), { minLength: 1, maxLength: 1 }) },
        ),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constantFrom('throw' as const, 'invalid' as const, 'nothing' as const),
        async: fc.boolean(),
      }),
    },
  );

const planArb: fc.Arbitrary<Plan> = fc.integer({ min: 1, max: 7 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    edges: fc
      .array(
        fc.tuple(
          fc.nat(n - 1),
          fc.nat(n - 1),
          fc.nat(4).map((x) => x === 0),
        ),
        {
          maxLength: n * 2,
        },
      )
      .map((pairs) => {
        const seen = new Set<string>();
        const out: [number, number, boolean][] = [];
        for (const [a, b, conditional] of pairs) {
          const [u, v] = a < b ? [a, b] : [b, a];
          if (u === v || seen.has(`${u}>${v}`)) continue;
          seen.add(`${u}>${v}`);
          out.push([u, v, conditional]);
        }
        return out;
      }),
    nodes: fc.array(nodePlan, { minLength: n, maxLength: n }),
    expanders: fc.array(fc.option(expanderPlan(n), { freq: 2 }), { minLength: n, maxLength: n }),
    maxWorkers: fc.integer({ min: 1, max: 4 }),
    failFast: fc.nat(4).map((x) => x === 0),
    cancelAt: fc.oneof(
      { weight: 8, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.nat(n - 1) },
    ),
  }),
);

/** A conditional edge passes results that are not numbers, and even numbers. */
const passes = (result: unknown): boolean => typeof result !== 'number' || result % 2 === 0;

const later = <T>(value: () => T): Promise<T> => Promise.resolve().then(value);

/** The definition a plan describes; `abort` is what a cancelling task calls. */
function definitionOf(plan: Plan, abort: () => void): DagDefinition {
  const name = (i: number): string => `n${i}`;
  const builder = DAG.builder();
  plan.nodes.forEach((node, i) => {
    builder.addNode(name(i), {
      payload: {
        triggerRule: node.rule,
        critical: node.critical,
        ...(node.maxAttempts > 1
          ? { retry: { maxAttempts: node.maxAttempts, initialDelayMs: 0 } }
          : {}),
      },
    });
  });
  for (const [u, v, conditional] of plan.edges) {
    builder.addEdge(name(u), name(v), conditional ? { condition: passes } : {});
  }

  const tasks: Record<string, TaskFn> = {};
  plan.nodes.forEach((node, i) => {
    const run = (ctx: TaskContext): unknown => {
      if (plan.cancelAt === i) abort();
      if (ctx.attempt <= node.failUntil)
        throw new Error(`${ctx.node} failed attempt ${ctx.attempt}`);
      return node.result;
    };
    tasks[name(i)] = node.async ? (ctx) => later(() => run(ctx)) : run;
  });
  tasks.dyn_ok = (ctx) => ({ echo: ctx.input, node: ctx.node });
  tasks.dyn_flaky = (ctx) =>
    later(() => {
      if (ctx.attempt === 1) throw new Error(`${ctx.node} is flaky`);
      return ctx.attempt;
    });
  tasks.dyn_fail = (ctx) => {
    throw Object.assign(new Error(`${ctx.node} always fails`), { code: 'E_DYN' });
  };

  const expanders: Record<string, Expander> = {
    // Chained expansion: a child, which expands again, two levels deep.
    grow: (node) =>
      node.split('_g').length > 2
        ? undefined
        : {
            reason: 'grow',
            addNodes: [
              {
                name: `${node}_g`,
                task: 'dyn_ok',
                input: node,
                dependencies: [node],
                expander: 'grow',
              },
            ],
          },
  };
  plan.expanders.forEach((expander, i) => {
    if (expander === null) return;
    const compute = (node: string): DynamicModification<string, string> | undefined => {
      switch (expander.kind) {
        case 'throw':
          throw new Error(`expander of ${node} threw`);
        case 'invalid':
          return { addNodes: 'not a list' } as unknown as DynamicModification<string, string>;
        case 'nothing':
          return undefined;
        case 'add': {
          const pool = [...plan.nodes.map((_, k) => name(k)), node, 'ghost'];
          return {
            reason: `expansion of ${node}`,
            addNodes: expander.adds.map((add, k) => ({
              name: `${node}_x${add.suffix < 0 ? k : add.suffix}`,
              task: add.task,
              input: add.input,
              dependencies: add.dependencies.map((k) => pool[k]!),
              dependents: add.dependents.map((k) => pool[k]!),
              triggerRule: add.rule,
              ...(add.retry ? { retry: { maxAttempts: 2, initialDelayMs: 0 } } : {}),
              ...(add.chain ? { expander: 'grow' } : {}),
            })),
            ...(expander.remove.length > 0 ? { removeNodes: expander.remove.map(name) } : {}),
          };
        }
      }
    };
    expanders[name(i)] = expander.async ? (node) => later(() => compute(node)) : compute;
  });

  return defineDag({
    id: 'random',
    dag: builder.build(),
    tasks,
    expanders,
    maxWorkers: plan.maxWorkers,
    failFast: plan.failFast,
  });
}

/** Everything observable about one node. */
function nodeOf(
  state: string,
  attempts: number,
  result: unknown,
  error: Error | undefined,
  startedAt: number | undefined,
  finishedAt: number | undefined,
) {
  return {
    state,
    attempts,
    result,
    error:
      error === undefined
        ? undefined
        : { name: error.name, message: error.message, code: (error as { code?: unknown }).code },
    startedAt,
    finishedAt,
  };
}

function edgesOf(engine: RunEngine): string[] {
  const out: string[] = [];
  for (const id of engine.graph.ids()) {
    for (const child of engine.graph.successorIds(id))
      out.push(`${engine.graph.nameOf(id)}>${engine.graph.nameOf(child)}`);
  }
  return out.sort();
}

/** Run a plan durably on `store`, replay its journal, and compare with the live run. */
/** Runs whose snapshot path was compared with the full replay (the generator must reach it). */
let snapshotsChecked = 0;

async function checkReplay(plan: Plan, store: RunStore): Promise<ExecutionResult> {
  const controller = new AbortController();
  const def = definitionOf(plan, () => controller.abort());
  // Snapshot as often as allowed, so the snapshot path is checked against the full replay too.
  const result = await startRun(def, {
    store,
    runId: 'run',
    signal: controller.signal,
    snapshotEvery: 1,
  });
  const entries = await loadJournal(store, 'run', jsonCodec);
  const engine = replay(def, entries);

  // The latest snapshot plus the journal after it is the same state as the whole journal.
  const snapshot = await store.getSnapshot('run');
  if (snapshot !== undefined) {
    snapshotsChecked++;
    const tail = await loadJournal(store, 'run', jsonCodec, snapshot.seq);
    const resumed = replay(def, tail, restoreEngine(def, snapshot.body, jsonCodec));
    expect(jsonCodec.encode(resumed.snapshot())).toBe(jsonCodec.encode(engine.snapshot()));
  }

  // Same run status, everywhere it is recorded.
  expect(engine.status).toBe(result.status);
  expect(engine.isFinished).toBe(true);
  const run = (await store.getRun('run'))!;
  expect(run.status).toBe(result.status);
  expect(entries.at(-1)).toMatchObject({ type: 'run_finished', status: result.status });

  // Same nodes, in the same terminal order, with the same states, attempts, results, errors, times.
  const live = [...result.nodeResults].map(([name, r]) => [
    name,
    nodeOf(r.status, r.attempts, r.result, r.error, r.startedAt, r.finishedAt),
  ]);
  const replayed = engine.terminalOrder
    .filter((id) => engine.graph.isLive(id))
    .map((id) => [
      engine.graph.nameOf(id),
      nodeOf(
        engine.stateOf(id),
        engine.attemptOf(id),
        engine.resultOf(id),
        engine.errorOf(id),
        engine.startedAt(id),
        engine.finishedAt(id),
      ),
    ]);
  expect(replayed).toStrictEqual(live);
  expect(engine.graph.nodeCount).toBe(result.nodeResults.size);

  // Same final graph, dynamic nodes and edges included.
  expect(edgesOf(engine)).toEqual(
    result.graph
      .edges()
      .map((e) => `${e.from}>${e.to}`)
      .sort(),
  );

  // Same audit trail: outcome, actor, diff, reason, error.
  expect(engine.modifications).toStrictEqual(result.modifications);
  const journaled = entries.flatMap((e) => (e.type === 'modification' ? [e.record] : []));
  expect(journaled).toStrictEqual(result.modifications);

  // The journal view (what `tributary show` prints) agrees on every node's state and attempts.
  const view = viewRun(run, entries);
  expect(
    Object.fromEntries([...view.nodes].map(([name, n]) => [name, [n.state, n.attempts]])),
  ).toEqual(
    Object.fromEntries([...result.nodeResults].map(([name, r]) => [name, [r.status, r.attempts]])),
  );
  return result;
}

describe('journal replay reproduces the live run', () => {
  it('on a MemoryStore, for random definitions, outcomes and modifications', async () => {
    const seen = { modifications: 0, applied: 0, rejected: 0, cancelled: 0, retried: 0 };
    await fc.assert(
      fc.asyncProperty(planArb, async (plan) => {
        const store = new MemoryStore();
        const result = await checkReplay(plan, store);
        seen.modifications += result.modifications.length;
        seen.applied += result.modifications.filter((m) => m.outcome === 'applied').length;
        seen.rejected += result.modifications.filter((m) => m.outcome === 'rejected').length;
        if (result.status === 'cancelled') seen.cancelled++;
        if ([...result.nodeResults.values()].some((r) => r.attempts > 1)) seen.retried++;
        await store.close();
      }),
      { numRuns: 200 },
    );
    // The generator reaches the interesting cases (counts, not timings).
    expect(seen.applied).toBeGreaterThan(0);
    expect(seen.rejected).toBeGreaterThan(0);
    expect(seen.cancelled).toBeGreaterThan(0);
    expect(seen.retried).toBeGreaterThan(0);
    expect(snapshotsChecked).toBeGreaterThan(0);
    // test/leak-guard.ts checks that every run cleaned up its timers (cancel poll, retries).
  });

  it('on a SqliteStore', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-replay-'));
    let i = 0;
    try {
      await fc.assert(
        fc.asyncProperty(planArb, async (plan) => {
          const store = SqliteStore.open(join(dir, `db-${i++}.sqlite`));
          try {
            await checkReplay(plan, store);
          } finally {
            await store.close();
          }
        }),
        { numRuns: 25 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
