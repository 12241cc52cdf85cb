import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonCodec } from '../../src/codec/codec.js';
import { RunEngine, type EngineSnapshot } from '../../src/engine/run-engine.js';
import { TriggerRule } from '../../src/engine/trigger-rules.js';
import { graphOf } from './harness.js';

/**
 * Snapshots: an engine restored from `snapshot()` (through the codec, as a durable run stores
 * it) behaves exactly like the original from there on.
 */

const RULES = Object.values(TriggerRule);

interface Plan {
  readonly n: number;
  readonly edges: readonly (readonly [number, number])[];
  readonly rules: readonly number[];
  /** One decision per step: which running node to settle and how, or to start the next. */
  readonly tape: readonly number[];
  readonly cut: number;
}

const planArb: fc.Arbitrary<Plan> = fc.integer({ min: 2, max: 9 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    edges: fc.uniqueArray(
      fc
        .tuple(fc.nat(n - 2), fc.integer({ min: 1, max: n - 1 }))
        .map(([a, k]) => [a, Math.min(n - 1, a + k)] as const)
        .filter(([a, b]) => a < b),
      { selector: ([a, b]) => `${a}>${b}`, maxLength: 14 },
    ),
    rules: fc.array(fc.nat(RULES.length - 1), { minLength: n, maxLength: n }),
    tape: fc.array(fc.nat(99), { minLength: 60, maxLength: 60 }),
    cut: fc.nat(40),
  }),
);

function engineFor(plan: Plan): RunEngine {
  const graph = graphOf(
    Array.from(
      { length: plan.n },
      (_, i) => [`n${i}`, { triggerRule: RULES[plan.rules[i]!]!, critical: i % 3 !== 0 }] as const,
    ),
    plan.edges.map(
      ([a, b]) =>
        [
          `n${a}`,
          `n${b}`,
          a % 4 === 0
            ? { condition: (r: unknown) => r !== 'skip-me', label: 'gate' }
            : { label: 'plain' },
        ] as const,
    ),
  );
  return new RunEngine(graph, { limits: { maxNodes: 40 } });
}

/** Apply tape steps [from, to) deterministically; the clock is the step number. */
function drive(engine: RunEngine, plan: Plan, from: number, to: number): void {
  for (let step = from; step < to && !engine.isFinished; step++) {
    const choice = plan.tape[step]!;
    const running = [...engine.graph.ids()].filter((id) => engine.stateOf(id) === 'running');
    const retrying = [...engine.graph.ids()].filter((id) => engine.stateOf(id) === 'retrying');
    if (retrying.length > 0 && choice % 7 === 0) {
      engine.apply({ type: 'task_retry_due', node: engine.graph.nameOf(retrying[0]!), at: step });
      continue;
    }
    if (running.length === 0 || (choice % 3 === 0 && engine.counts.ready > 0)) {
      if (engine.startNext(step) === undefined && running.length === 0 && retrying.length > 0) {
        engine.apply({ type: 'task_retry_due', node: engine.graph.nameOf(retrying[0]!), at: step });
      }
      continue;
    }
    const id = running[choice % running.length]!;
    const node = engine.graph.nameOf(id);
    const attempt = engine.attemptOf(id);
    const outcome = choice % 5;
    if (outcome === 0) {
      engine.apply({
        type: 'task_failed',
        node,
        attempt,
        at: step,
        error: new Error(`${node} failed`),
        ...(attempt < 2 ? { retryAt: step + 1 } : {}),
      });
    } else if (outcome === 1) {
      engine.apply({
        type: 'task_succeeded',
        node,
        attempt,
        at: step,
        result: { step, when: new Date(step) },
        modification: {
          reason: 'grow',
          addNodes: [{ name: `${node}_x${step}`, task: 'x', input: step, dependencies: [node] }],
        },
      });
    } else {
      engine.apply({
        type: 'task_succeeded',
        node,
        attempt,
        at: step,
        result: outcome === 2 ? 'skip-me' : step,
      });
    }
  }
}

const text = (snapshot: EngineSnapshot): string => jsonCodec.encode(snapshot);

describe('engine snapshots', () => {
  it('a restored engine continues exactly as the original (random runs, cut at a random step)', () => {
    fc.assert(
      fc.property(planArb, (plan) => {
        const original = engineFor(plan);
        drive(original, plan, 0, plan.cut);
        const stored = jsonCodec.decode(text(original.snapshot())) as EngineSnapshot;
        const conditions = engineFor(plan).graph;
        const restored = RunEngine.restore(stored, { limits: { maxNodes: 40 } }, (from, to) =>
          conditions.idOf(from) !== undefined && conditions.idOf(to) !== undefined
            ? conditions.edgeData(conditions.idOf(from)!, conditions.idOf(to)!)?.condition
            : undefined,
        );
        expect(text(restored.snapshot())).toBe(text(original.snapshot()));
        drive(original, plan, plan.cut, plan.tape.length);
        drive(restored, plan, plan.cut, plan.tape.length);
        expect(text(restored.snapshot())).toBe(text(original.snapshot()));
        expect(restored.status).toBe(original.status);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects a snapshot of an unknown version', () => {
    const snapshot = {
      ...engineFor({ n: 1, edges: [], rules: [0], tape: [], cut: 0 }).snapshot(),
      version: 2,
    };
    expect(() =>
      RunEngine.restore(snapshot as unknown as EngineSnapshot, {}, () => undefined),
    ).toThrow(/snapshot version 2/);
  });
});
