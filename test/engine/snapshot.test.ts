import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonCodec } from '../../src/codec/codec.js';
import {
  RunEngine,
  type EngineSnapshot,
  type EngineSnapshotV1,
} from '../../src/engine/run-engine.js';
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
        // Due times that differ per failure, so a lost or mixed-up one shows.
        ...(attempt < 2 ? { retryAt: 1000 * step + choice } : {}),
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
      version: 3,
    };
    expect(() =>
      RunEngine.restore(snapshot as unknown as EngineSnapshot, {}, () => undefined),
    ).toThrow(/snapshot version `3` \(number\)/);
  });

  it("keeps a pending retry's due time: a restored engine reports the same retryAt", () => {
    const engine = new RunEngine(graphOf(['a', 'b']));
    engine.startNext(0);
    engine.apply({
      type: 'task_failed',
      node: 'a',
      attempt: 1,
      at: 10,
      error: new Error('flaky'),
      retryAt: 60_010,
    });
    const a = engine.graph.idOf('a')!;
    expect(engine.retryAtOf(a)).toBe(60_010);
    expect(engine.retryAtOf(engine.graph.idOf('b')!)).toBeUndefined();
    const stored = jsonCodec.decode(text(engine.snapshot())) as EngineSnapshot;
    expect(stored.version).toBe(2);
    const restored = RunEngine.restore(stored, {}, () => undefined);
    expect(restored.stateOf(a)).toBe('retrying');
    expect(restored.retryAtOf(a)).toBe(60_010);
    // Defined only while retrying.
    restored.apply({ type: 'task_retry_due', node: 'a', at: 60_010 });
    expect(restored.retryAtOf(a)).toBeUndefined();
  });

  it('restores a version 1 snapshot: retrying nodes are due at its last event, the rest is the same', () => {
    fc.assert(
      fc.property(planArb, (plan) => {
        const original = engineFor(plan);
        drive(original, plan, 0, plan.cut);
        const {
          retryAt: _dropped,
          attemptStartedAt: _alsoDropped,
          failedAttempts: _andThis,
          upstreamFailed: _andThat,
          ...rest
        } = original.snapshot();
        const v1: EngineSnapshotV1 = { ...rest, version: 1 };
        const conditions = engineFor(plan).graph;
        const restored = RunEngine.restore(
          jsonCodec.decode(jsonCodec.encode(v1)) as EngineSnapshotV1,
          { limits: { maxNodes: 40 } },
          (from, to) =>
            conditions.idOf(from) !== undefined && conditions.idOf(to) !== undefined
              ? conditions.edgeData(conditions.idOf(from)!, conditions.idOf(to)!)?.condition
              : undefined,
        );
        for (const id of restored.graph.ids()) {
          expect(restored.retryAtOf(id)).toBe(
            original.stateOf(id) === 'retrying' ? v1.now : undefined,
          );
        }
        drive(original, plan, plan.cut, plan.tape.length);
        drive(restored, plan, plan.cut, plan.tape.length);
        // What version 1 did not keep aside (due times, attempt history, and the upstream-failed
        // counts of nodes that had already finished, which nothing reads), the runs are the same.
        const withoutDue = (engine: RunEngine): string => {
          const {
            retryAt: _due,
            attemptStartedAt: _a,
            failedAttempts: _f,
            upstreamFailed: _u,
            ...kept
          } = engine.snapshot();
          return jsonCodec.encode(kept);
        };
        expect(withoutDue(restored)).toBe(withoutDue(original));
      }),
      { numRuns: 100 },
    );
  });
});
