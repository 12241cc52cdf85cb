import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TributaryError } from '../../src/errors/index.js';
import { eventNodeState, type RunEvent } from '../../src/engine/events.js';
import type { DynamicModification, DynamicNodeSpec } from '../../src/engine/modification.js';
import { isOpen, isTerminal, type NodeState } from '../../src/engine/node-state.js';
import { triggerRuleOf, type EdgeSpec, type NodeSpec } from '../../src/engine/node-spec.js';
import { RunEngine } from '../../src/engine/run-engine.js';
import { clearSelection } from '../../src/engine/clear-selection.js';
import { decide, TriggerRule, type Decision } from '../../src/engine/trigger-rules.js';
import { RunGraph } from '../../src/graph/run-graph.js';
import { orderRespectsEdges, snapshot } from './harness.js';

const RULES = Object.values(TriggerRule);

/** A random run: a DAG (edges only from lower to higher index), rules, a tape of choices. */
interface Plan {
  readonly n: number;
  readonly edges: readonly (readonly [number, number, boolean])[];
  /** undefined: the node's default rule (all_success, or all_done for a cleanup node). */
  readonly rules: readonly (TriggerRule | undefined)[];
  readonly critical: readonly boolean[];
  readonly cleanup: readonly boolean[];
  readonly failFast: boolean;
  /** Every other choice (outcomes, modifications, order of completion) is read off this tape. */
  readonly tape: readonly number[];
}

const planArb: fc.Arbitrary<Plan> = fc.integer({ min: 1, max: 9 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    edges: fc
      .array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1), fc.boolean()), { maxLength: n * 2 })
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
    rules: fc.array(fc.option(fc.constantFrom(...RULES), { freq: 4, nil: undefined }), {
      minLength: n,
      maxLength: n,
    }),
    cleanup: fc.array(
      fc.nat(4).map((x) => x === 0),
      { minLength: n, maxLength: n },
    ),
    critical: fc.array(
      fc.nat(3).map((x) => x > 0),
      { minLength: n, maxLength: n },
    ),
    failFast: fc.nat(3).map((x) => x === 0),
    tape: fc.array(fc.nat(999), { minLength: 1, maxLength: 400 }),
  }),
);

/** Results are numbers; a conditional edge passes only results that are not multiples of 3. */
const passes = (result: unknown): boolean => typeof result === 'number' && result % 3 !== 0;

function buildGraph(plan: Plan): RunGraph<NodeSpec, EdgeSpec> {
  const graph = new RunGraph<NodeSpec, EdgeSpec>();
  for (let i = 0; i < plan.n; i++) {
    const rule = plan.rules[i];
    graph.addNode(`n${i}`, {
      name: `n${i}`,
      ...(rule === undefined ? {} : { triggerRule: rule }),
      ...(plan.cleanup[i]! ? { cleanup: true } : { critical: plan.critical[i]! }),
    });
  }
  for (const [u, v, conditional] of plan.edges)
    graph.addEdge(`n${u}`, `n${v}`, conditional ? { condition: passes } : undefined);
  return graph;
}

/** What the trigger rule of `id` says now, recomputed from its parents' states. */
function decisionOf(engine: RunEngine, id: number): Decision {
  const g = engine.graph;
  let succeeded = 0;
  let failed = 0;
  let skipped = 0;
  let upstreamFailed = 0;
  const parents = g.predecessorIds(id);
  for (const p of parents) {
    const state = engine.stateOf(p);
    if (state === 'succeeded') {
      const condition = g.edgeData(p, id)?.condition;
      if (condition === undefined || condition(engine.resultOf(p))) succeeded++;
      else skipped++;
    } else if (state === 'skipped') skipped++;
    else if (isTerminal(state)) {
      failed++;
      if (state === 'upstream_failed' || state === 'cancelled') upstreamFailed++;
    }
  }
  return decide(triggerRuleOf(g.data(id)), {
    total: parents.length,
    succeeded,
    failed,
    skipped,
    upstreamFailed,
  });
}

/** Only the graph: nodes, edges and the maintained order. */
function graphShape(engine: RunEngine): unknown {
  const g = engine.graph;
  return {
    nodes: [...g.ids()].map((id) => [g.nameOf(id), g.successorIds(id).map((w) => g.nameOf(w))]),
    topo: g.topologicalOrder(),
    edgeCount: g.edgeCount,
    idLimit: g.idLimit,
  };
}

/**
 * A modification drawn without regard to validity, as indices resolved against the live nodes
 * when it is applied: added nodes come from a pool `x0..x11` (so later modifications can
 * duplicate or link to them), references pick live nodes, `ghost` swaps one for an unknown name.
 */
interface ModificationDraw {
  readonly addNodes: readonly {
    readonly name: number;
    readonly dependencies: readonly number[];
    readonly dependents: readonly number[];
  }[];
  readonly removeNodes: readonly number[];
  readonly addEdges: readonly (readonly [number, number])[];
  readonly removeEdges: readonly number[];
  readonly ghost: boolean;
}

const ref = fc.nat(99);
const drawArb: fc.Arbitrary<ModificationDraw> = fc.record({
  addNodes: fc.array(
    fc.record({
      name: fc.nat(11),
      dependencies: fc.uniqueArray(ref, { maxLength: 2 }),
      dependents: fc.uniqueArray(ref, { maxLength: 2 }),
    }),
    { maxLength: 3 },
  ),
  removeNodes: fc.oneof(
    { arbitrary: fc.constant([]), weight: 3 },
    { arbitrary: fc.array(ref, { minLength: 1, maxLength: 2 }), weight: 1 },
  ),
  addEdges: fc.array(fc.tuple(ref, ref), { maxLength: 2 }),
  removeEdges: fc.oneof(
    { arbitrary: fc.constant([]), weight: 3 },
    { arbitrary: fc.array(ref, { minLength: 1, maxLength: 1 }), weight: 1 },
  ),
  ghost: fc.nat(9).map((x) => x === 0),
});

function resolve(engine: RunEngine, draw: ModificationDraw): DynamicModification {
  const { nodes, edges } = engineGraph(engine);
  const live = [...nodes].sort();
  const edgeList = [...edges].sort();
  let ghost = draw.ghost;
  const name = (i: number): string => {
    if (ghost && i % 3 === 0) return ((ghost = false), 'ghost');
    return live.length === 0 ? 'ghost' : live[i % live.length]!;
  };
  return {
    addNodes: draw.addNodes.map((spec) => ({
      name: `x${spec.name}`,
      dependencies: [...new Set(spec.dependencies.map(name))],
      dependents: [...new Set(spec.dependents.map(name))],
    })),
    removeNodes: draw.removeNodes.map(name),
    addEdges: draw.addEdges.map(([from, to]) => ({ from: name(from), to: name(to) })),
    removeEdges:
      edgeList.length === 0
        ? []
        : draw.removeEdges.map((i) => {
            const [from, to] = edgeList[i % edgeList.length]!.split('>');
            return { from: from!, to: to! };
          }),
  };
}

/** The reference model: plain sets, the naive way. Returns the next graph, or undefined if invalid. */
function modelApply(
  nodes: ReadonlySet<string>,
  edges: ReadonlySet<string>,
  mod: DynamicModification,
) {
  const n = new Set(nodes);
  const e = new Set(edges);
  for (const { from, to } of mod.removeEdges ?? []) {
    if (!e.delete(`${from}>${to}`)) return undefined;
  }
  for (const name of mod.removeNodes ?? []) {
    if (!n.delete(name)) return undefined;
    for (const key of [...e]) if (key.split('>').includes(name)) e.delete(key);
  }
  const add: [string, string][] = [];
  for (const spec of mod.addNodes ?? []) {
    if (n.has(spec.name)) return undefined;
    n.add(spec.name);
    for (const d of spec.dependencies ?? []) add.push([d, spec.name]);
    for (const d of spec.dependents ?? []) add.push([spec.name, d]);
  }
  for (const { from, to } of mod.addEdges ?? []) add.push([from, to]);
  for (const [from, to] of add) {
    if (!n.has(from) || !n.has(to) || e.has(`${from}>${to}`)) return undefined;
    e.add(`${from}>${to}`);
  }
  // Acyclic: Kahn's algorithm must consume every node.
  const indegree = new Map([...n].map((x) => [x, 0]));
  for (const key of e) indegree.set(key.split('>')[1]!, indegree.get(key.split('>')[1]!)! + 1);
  const queue = [...n].filter((x) => indegree.get(x) === 0);
  let seen = 0;
  while (queue.length > 0) {
    const x = queue.pop()!;
    seen++;
    for (const key of e) {
      const [from, to] = key.split('>');
      if (from === x && indegree.set(to!, indegree.get(to!)! - 1).get(to!) === 0) queue.push(to!);
    }
  }
  return seen === n.size ? { nodes: n, edges: e } : undefined;
}

function engineGraph(engine: RunEngine): { nodes: Set<string>; edges: Set<string> } {
  const g = engine.graph;
  const nodes = new Set<string>();
  const edges = new Set<string>();
  for (const id of g.ids()) {
    nodes.add(g.nameOf(id));
    for (const w of g.successorIds(id)) edges.add(`${g.nameOf(id)}>${g.nameOf(w)}`);
  }
  return { nodes, edges };
}

/** Drive one run to the end; returns the engine, its journal and every violation seen. */
function drive(plan: Plan) {
  let cursor = 0;
  const pick = (k: number): number => plan.tape[cursor++ % plan.tape.length]! % k;
  const chance = (percent: number): boolean => pick(100) < percent;
  const violations: string[] = [];
  const journal: RunEvent[] = [];
  /** True while a cancellation or run timeout is applied: only then may a cleanup node be cancelled. */
  let stopping = false;
  /** Cleanup nodes started after fail-fast stopped the run. */
  let sparedCleanups = 0;
  /** The node an operator is marking: its change overrides its rule. */
  let marking: string | undefined;
  /** Clears and marks applied and refused. */
  const byHand = { applied: 0, refused: 0, reopenedFinished: 0 };
  const engine = new RunEngine(buildGraph(plan), {
    failFast: plan.failFast,
    limits: { maxExpansionDepth: 3, maxNodes: 40 },
  });
  // The first readiness is decided while the engine is built: check it before observing.
  for (const id of engine.graph.ids()) {
    const decision = decisionOf(engine, id);
    if (engine.stateOf(id) !== (decision === 'wait' ? 'pending' : decision)) {
      violations.push(
        `${engine.graph.nameOf(id)} starts ${engine.stateOf(id)} but the rule says ${decision}`,
      );
    }
  }
  engine.observe({
    onEvent: (event) => {
      journal.push(event);
      // The one event -> node state mapping holds for every event, except a success whose
      // modification was rejected (that fails the node).
      if ('node' in event) {
        const id = engine.graph.idOf(event.node)!;
        const rejected =
          event.type === 'task_succeeded' &&
          event.modification !== undefined &&
          engine.modifications.at(-1)?.outcome === 'rejected';
        const expected = rejected ? 'failed' : eventNodeState(event);
        if (engine.stateOf(id) !== expected)
          violations.push(
            `${event.type} left ${event.node} ${engine.stateOf(id)}, not ${expected}`,
          );
      }
      if (event.type === 'task_started') {
        const decision = decisionOf(engine, engine.graph.idOf(event.node)!);
        if (decision !== 'ready')
          violations.push(`${event.node} started while its rule says ${decision}`);
      }
    },
    // Every transition the trigger rules decide must agree with the rule at that instant.
    onTransition: (id, from, to) => {
      if (engine.graph.data(id).cleanup === true) {
        if (to === 'cancelled' && !stopping)
          violations.push(
            `cleanup node ${engine.graph.nameOf(id)} cancelled by ${engine.cancelReason}`,
          );
        if (to === 'running' && engine.cancelReason === 'fail_fast') sparedCleanups++;
      }
      if (from === 'running' || from === 'retrying' || to === 'cancelled' || to === 'running')
        return;
      // Out of a terminal state only by hand (a clear, a mark); a marked node ignores its rule.
      if (isTerminal(from) || engine.graph.nameOf(id) === marking) return;
      const expected = to === 'pending' ? 'wait' : to;
      const actual = decisionOf(engine, id);
      if (actual !== expected)
        violations.push(`${engine.graph.nameOf(id)}: ${from} -> ${to} but the rule says ${actual}`);
    },
  });

  let fresh = 0;
  const liveNames = (): string[] => [...engine.graph.ids()].map((id) => engine.graph.nameOf(id));
  const some = (names: string[], max: number): string[] => {
    const out = new Set<string>();
    const k = pick(max + 1);
    for (let i = 0; i < k && names.length > 0; i++) out.add(names[pick(names.length)]!);
    return [...out];
  };
  /**
   * Mostly edits that can apply (new nodes feeding open nodes, edges between open nodes in
   * either direction, which may close a cycle), sometimes ones that must be rejected (edges into
   * started nodes, removals of started nodes, duplicate names, unknown edges).
   */
  const randomModification = (self?: string): DynamicModification => {
    const names = liveNames();
    const open = names.filter((name) => isOpen(engine.stateOf(engine.graph.idOf(name)!)));
    const targets = (): string[] => some(chance(85) && open.length > 0 ? open : names, 2);
    const addNodes: DynamicNodeSpec[] = [];
    for (let i = 0, k = pick(3); i < k && engine.graph.nodeCount < 30; i++) {
      const name = chance(5) && names.length > 0 ? names[pick(names.length)]! : `d${fresh++}`;
      const dependencies = some(names, 2);
      if (self !== undefined && chance(60)) dependencies.push(self);
      addNodes.push({
        name,
        ...(chance(80) ? { triggerRule: RULES[pick(RULES.length)]! } : {}),
        ...(chance(15) ? { cleanup: true } : { critical: chance(80) }),
        dependencies: [...new Set(dependencies)],
        dependents: targets(),
      });
    }
    const edgePool = chance(85) && open.length > 1 ? open : names;
    const edge = () => ({
      from: edgePool[pick(edgePool.length)]!,
      to: edgePool[pick(edgePool.length)]!,
    });
    return {
      addNodes,
      ...(chance(20) ? { removeNodes: some(chance(80) && open.length > 0 ? open : names, 1) } : {}),
      ...(chance(40) && names.length > 1 ? { addEdges: [edge()] } : {}),
      ...(chance(10) && names.length > 1 ? { removeEdges: [edge()] } : {}),
    };
  };
  const checkStep = (): void => {
    if (!orderRespectsEdges(engine)) violations.push('the maintained order contradicts an edge');
    const slots = new Set([...engine.graph.ids()].map((id) => engine.graph.orderOf(id)));
    if (
      slots.size !== engine.graph.nodeCount ||
      [...slots].some((slot) => !Number.isInteger(slot))
    ) {
      violations.push('two nodes share an order slot, or one has none');
    }
    const counts: Record<string, number> = {};
    let open = 0;
    for (const id of engine.graph.ids()) {
      const s = engine.stateOf(id);
      counts[s] = (counts[s] ?? 0) + 1;
      if (!isTerminal(s)) open++;
    }
    for (const [state, count] of Object.entries(engine.counts)) {
      if ((counts[state] ?? 0) !== count)
        violations.push(`count of ${state}: engine ${count}, actual ${counts[state] ?? 0}`);
    }
    if (engine.isFinished !== (open === 0))
      violations.push(`isFinished is ${engine.isFinished} with ${open} open nodes`);
  };

  /**
   * An operator clears a random selection or marks a random node. A refused one (a running
   * node, nothing finished to clear, a node that changed the graph) changes nothing.
   */
  const byOperator = (at: number): void => {
    const before = snapshot(engine);
    const names = liveNames();
    try {
      if (chance(55)) {
        const nodes = clearSelection(engine, {
          ...(chance(30) ? {} : { nodes: some(names, 2) }),
          downstream: chance(50),
          upstream: chance(20),
          failedOnly: chance(40),
        });
        engine.apply({ type: 'nodes_cleared', at, actor: 'op', nodes });
      } else {
        marking = names[pick(names.length)]!;
        const state = (['succeeded', 'failed', 'skipped'] as const)[pick(3)]!;
        engine.apply({
          type: 'node_marked',
          node: marking,
          at,
          actor: 'op',
          state,
          result: pick(10),
        });
      }
      byHand.applied++;
    } catch (error) {
      if (!(error instanceof TributaryError)) throw error;
      byHand.refused++;
      if (JSON.stringify(snapshot(engine)) !== JSON.stringify(before))
        violations.push(`a refused ${error.code} clear or mark changed the run`);
    } finally {
      marking = undefined;
    }
    checkStep();
  };

  let at = 0;
  const running: string[] = [];
  const retrying: string[] = [];
  for (let step = 0; ; step++) {
    if (engine.isFinished) {
      // A finished run is sometimes reopened by a clear and driven on.
      if (byHand.reopenedFinished >= 2 || !chance(30)) break;
      byOperator(++at);
      if (engine.isFinished) break;
      byHand.reopenedFinished++;
    }
    if (step > 2_000) {
      violations.push('the run did not finish');
      break;
    }
    at++;
    // Nodes may have been ended by fail-fast or cancellation meanwhile.
    const alive = (name: string, state: NodeState): boolean => {
      const id = engine.graph.idOf(name);
      return id !== undefined && engine.stateOf(id) === state;
    };
    for (let i = retrying.length - 1; i >= 0; i--) {
      if (!alive(retrying[i]!, 'retrying')) retrying.splice(i, 1);
      else if (chance(50) || running.length === 0)
        engine.apply({ type: 'task_retry_due', node: retrying.splice(i, 1)[0]!, at });
    }
    for (let i = running.length - 1; i >= 0; i--)
      if (!alive(running[i]!, 'running')) running.splice(i, 1);
    for (let k = 1 + pick(3); k > 0; k--) {
      const next = engine.startNext(at);
      if (next === undefined) break;
      running.push(next.name);
    }
    if (running.length === 0) {
      if (retrying.length > 0) continue;
      violations.push(
        `stalled: nothing running, ready or retrying, states ${JSON.stringify(snapshot(engine))}`,
      );
      break;
    }

    // Sometimes: a modification from outside, or a bogus event; when rejected, nothing changes.
    if (chance(25)) {
      const before = snapshot(engine);
      try {
        engine.modify(randomModification(), 'api:prop', at);
      } catch (error) {
        if (!(error instanceof TributaryError)) throw error;
        if (JSON.stringify(snapshot(engine)) !== JSON.stringify(before))
          violations.push(`rejected ${error.code} changed the run`);
      }
      checkStep();
    }
    if (chance(5)) {
      const names = liveNames().filter((n) => !alive(n, 'running'));
      if (names.length > 0) {
        const before = snapshot(engine);
        const node = names[pick(names.length)]!;
        try {
          engine.apply({ type: 'task_succeeded', node, attempt: 1, at, result: 1 });
          violations.push(`a success for ${node}, which is not running, was accepted`);
        } catch (error) {
          if ((error as TributaryError).code !== 'INVALID_TRANSITION') throw error;
          if (JSON.stringify(snapshot(engine)) !== JSON.stringify(before))
            violations.push('an invalid event changed the run');
        }
      }
    }
    // A few by hand per run: each clear can reopen the whole run.
    if (byHand.applied + byHand.refused < 4 && chance(4)) byOperator(at);
    if (chance(2)) {
      stopping = true;
      engine.apply({ type: 'run_cancelled', at, reason: chance(50) ? 'cancelled' : 'timeout' });
      stopping = false;
    }
    if (engine.isFinished) break;
    if (running.length === 0) continue;

    const node = running.splice(pick(running.length), 1)[0]!;
    if (!alive(node, 'running')) continue;
    const id = engine.graph.idOf(node)!;
    const attempt = engine.attemptOf(id);
    const roll = pick(10);
    if (roll < 7) {
      const result = pick(10);
      if (chance(40) && engine.depthOf(id) < 4) {
        const modification = randomModification(node);
        const shape = graphShape(engine);
        engine.apply({ type: 'task_succeeded', node, attempt, at, result, modification });
        const record = engine.modifications.at(-1)!;
        if (record.outcome === 'rejected') {
          if (JSON.stringify(graphShape(engine)) !== JSON.stringify(shape))
            violations.push(`rejected ${record.error?.code} changed the graph`);
          if (engine.stateOf(id) !== 'failed' && engine.stateOf(id) !== 'cancelled')
            violations.push(`${node} survived its rejected modification`);
        } else {
          for (const spec of modification.addNodes ?? [])
            if (!engine.graph.hasNode(spec.name)) violations.push(`${spec.name} was not added`);
        }
      } else {
        engine.apply({ type: 'task_succeeded', node, attempt, at, result });
      }
    } else if (roll < 8 && attempt < 3) {
      engine.apply({
        type: 'task_failed',
        node,
        attempt,
        at,
        error: new Error('retry me'),
        retryAt: at + 1,
      });
      retrying.push(node);
    } else {
      engine.apply({
        type: 'task_failed',
        node,
        attempt,
        at,
        error: new Error('boom'),
        timedOut: roll === 9,
      });
    }
    checkStep();
  }
  checkStep();
  return { engine, journal, violations, sparedCleanups, byHand };
}

/** The run status from the final node states, the naive way. */
function naiveStatus(engine: RunEngine): string {
  if (engine.cancelReason === 'cancelled') return 'cancelled';
  if (engine.cancelReason !== undefined) return 'failed';
  let partial = false;
  for (const id of engine.graph.ids()) {
    const state = engine.stateOf(id);
    if (state !== 'failed' && state !== 'timed_out' && state !== 'upstream_failed') continue;
    const spec = engine.graph.data(id);
    if (spec.critical !== false && spec.cleanup !== true) return 'failed';
    partial = true;
  }
  return partial ? 'partially_succeeded' : 'succeeded';
}

describe('RunEngine (property)', () => {
  it('random runs with random modifications keep every invariant and finish', () => {
    let modified = 0;
    let rejected = 0;
    let spared = 0;
    const hand = { applied: 0, refused: 0, reopenedFinished: 0 };
    fc.assert(
      fc.property(planArb, (plan) => {
        const { engine, violations, sparedCleanups, byHand } = drive(plan);
        hand.applied += byHand.applied;
        hand.refused += byHand.refused;
        hand.reopenedFinished += byHand.reopenedFinished;
        expect(violations).toEqual([]);
        expect(engine.isFinished).toBe(true);
        for (const id of engine.graph.ids()) expect(isTerminal(engine.stateOf(id))).toBe(true);
        expect(engine.status).not.toBe('running');
        expect(engine.status).toBe(naiveStatus(engine));
        spared += sparedCleanups;
        if (engine.cancelReason === 'cancelled') expect(engine.status).toBe('cancelled');
        modified += engine.modifications.filter((m) => m.outcome === 'applied').length;
        rejected += engine.modifications.filter((m) => m.outcome === 'rejected').length;
      }),
      { numRuns: 600 },
    );
    // The generator must really exercise both paths, and cleanup nodes run after fail-fast.
    expect(spared).toBeGreaterThan(10);
    expect(modified).toBeGreaterThan(50);
    expect(rejected).toBeGreaterThan(50);
    // Clears and marks, in running and in finished runs, applied and refused.
    expect(hand.applied).toBeGreaterThan(100);
    expect(hand.refused).toBeGreaterThan(30);
    expect(hand.reopenedFinished).toBeGreaterThan(30);
  });

  it('before any node starts, a modification applies exactly when a naive model accepts it, and otherwise changes nothing', () => {
    let applied = 0;
    let rejected = 0;
    fc.assert(
      fc.property(planArb, fc.array(drawArb, { minLength: 1, maxLength: 12 }), (plan, draws) => {
        const engine = new RunEngine(buildGraph(plan));
        for (const draw of draws) {
          const mod = resolve(engine, draw);
          const before = snapshot(engine);
          const { nodes, edges } = engineGraph(engine);
          const expected = modelApply(nodes, edges, mod);
          let error: unknown;
          try {
            engine.modify(mod, 'api:prop', 0);
          } catch (caught) {
            error = caught;
          }
          if (expected === undefined) {
            expect(error).toBeInstanceOf(TributaryError);
            expect(snapshot(engine)).toEqual(before);
            rejected++;
          } else {
            expect(error).toBeUndefined();
            expect(engineGraph(engine)).toEqual(expected);
            applied++;
          }
          expect(orderRespectsEdges(engine)).toBe(true);
          // Distinct integer slots: a rolled-back batch must not leave a stale or missing slot.
          const slots = [...engine.graph.ids()].map((id) => engine.graph.orderOf(id));
          expect(new Set(slots).size).toBe(engine.graph.nodeCount);
          expect(slots.every((slot) => Number.isInteger(slot))).toBe(true);
          for (const id of engine.graph.ids()) {
            const decision = decisionOf(engine, id);
            expect(engine.stateOf(id)).toBe(decision === 'wait' ? 'pending' : decision);
          }
        }
      }),
      { numRuns: 300 },
    );
    expect(applied).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(100);
  });

  it('replaying the journal into a fresh engine reproduces the live state exactly', () => {
    fc.assert(
      fc.property(planArb, (plan) => {
        const { engine, journal } = drive(plan);
        const replay = new RunEngine(buildGraph(plan), {
          failFast: plan.failFast,
          limits: { maxExpansionDepth: 3, maxNodes: 40 },
        });
        for (const event of journal) replay.apply(event);
        expect(snapshot(replay)).toEqual(snapshot(engine));
        expect(replay.modifications).toEqual(engine.modifications);
        expect(replay.status).toBe(engine.status);
      }),
      { numRuns: 200 },
    );
  });
});
