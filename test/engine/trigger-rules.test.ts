import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decide,
  isTriggerRule,
  TriggerRule,
  type Decision,
  type EdgeCounts,
} from '../../src/engine/trigger-rules.js';
import { DAG } from '../../src/graph/dag.js';
import { DAGExecutor } from '../../src/executor/dag-executor.js';
import type { TaskFn } from '../../src/executor/types.js';
import { engineOf, fail, start, stateOf, succeed } from './harness.js';

const RULES = Object.values(TriggerRule);

/**
 * `[total, succeeded, failed, skipped, upstreamFailed?]`: `upstreamFailed` of the `failed` edges
 * come from parents that never ran (upstream_failed or cancelled); 0 when left out.
 */
type Counts =
  readonly [number, number, number, number] | readonly [number, number, number, number, number];
const c = ([total, succeeded, failed, skipped, upstreamFailed = 0]: Counts): EdgeCounts => ({
  total,
  succeeded,
  failed,
  skipped,
  upstreamFailed,
});

// Hand-worked: for each rule, the early decisions, the final ones, and the waits in between.
// The rules Airflow added later follow `trigger_rule_dep.py` (apache/airflow, airflow-core/src/
// airflow/ti_deps/deps/trigger_rule_dep.py): which parent outcomes count, and when a node is
// skipped rather than upstream_failed.
const CASES: Record<TriggerRule, readonly (readonly [Counts, Decision])[]> = {
  all_success: [
    [[3, 3, 0, 0], 'ready'],
    [[3, 2, 0, 0], 'wait'],
    [[3, 0, 1, 0], 'upstream_failed'], // early: one failure is enough
    [[3, 2, 1, 0], 'upstream_failed'],
    [[3, 1, 0, 1], 'skipped'],
    [[3, 1, 1, 1], 'upstream_failed'], // a failure outranks a skip
  ],
  all_failed: [
    [[2, 0, 2, 0], 'ready'],
    [[2, 0, 1, 0], 'wait'],
    [[2, 1, 0, 0], 'skipped'], // early: one success is enough
    [[2, 1, 1, 0], 'skipped'],
    [[2, 0, 1, 1], 'skipped'],
  ],
  all_done: [
    [[3, 1, 1, 1], 'ready'],
    [[2, 0, 2, 0], 'ready'],
    [[2, 0, 0, 2], 'ready'],
    [[3, 1, 1, 0], 'wait'],
  ],
  // Airflow: a skipped parent is not "done" for this rule, so any skip skips the node at once;
  // all done without a success is upstream_failed.
  all_done_min_one_success: [
    [[3, 1, 2, 0], 'ready'],
    [[3, 3, 0, 0], 'ready'],
    [[3, 1, 2, 0, 2], 'ready'], // upstream_failed parents are done here
    [[3, 1, 1, 0], 'wait'],
    [[3, 0, 2, 0], 'wait'],
    [[3, 0, 3, 0], 'upstream_failed'],
    [[3, 0, 0, 1], 'skipped'], // early
    [[3, 2, 0, 1], 'skipped'],
    [[3, 0, 2, 1], 'skipped'], // the skip outranks the failures
  ],
  // Airflow: ready when every parent is skipped; skipped as soon as one succeeded, failed or was
  // upstream_failed; never upstream_failed.
  all_skipped: [
    [[3, 0, 0, 3], 'ready'],
    [[3, 0, 0, 2], 'wait'],
    [[3, 1, 0, 0], 'skipped'], // early
    [[3, 0, 1, 0], 'skipped'], // early
    [[3, 0, 1, 2, 1], 'skipped'],
  ],
  one_success: [
    [[3, 1, 0, 0], 'ready'], // early
    [[3, 1, 2, 0], 'ready'],
    [[3, 0, 2, 0], 'wait'],
    [[3, 0, 2, 1], 'upstream_failed'],
    [[3, 0, 1, 2], 'upstream_failed'],
    [[3, 0, 0, 3], 'skipped'],
  ],
  one_failed: [
    [[3, 0, 1, 0], 'ready'], // early
    [[3, 0, 1, 0, 1], 'ready'], // an upstream_failed parent counts as failed here
    [[3, 2, 0, 0], 'wait'],
    [[3, 2, 0, 1], 'skipped'],
    [[3, 3, 0, 0], 'skipped'],
  ],
  // Airflow: ready once `success + failed > 0`, where `failed` leaves out upstream_failed;
  // skipped when all are done and none succeeded or failed; never upstream_failed.
  one_done: [
    [[3, 1, 0, 0], 'ready'], // early: one success
    [[3, 0, 1, 0], 'ready'], // early: one parent ran and failed
    [[3, 0, 2, 0, 1], 'ready'], // one of the two failures ran
    [[3, 0, 1, 0, 1], 'wait'], // the only failure never ran: it is not "done" for this rule
    [[3, 0, 0, 2], 'wait'],
    [[3, 0, 1, 2, 1], 'skipped'], // all done: skipped and never-ran parents only
    [[3, 0, 0, 3], 'skipped'],
    [[2, 0, 2, 0, 2], 'skipped'],
  ],
  none_failed: [
    [[3, 3, 0, 0], 'ready'],
    [[3, 2, 0, 1], 'ready'],
    [[3, 0, 0, 3], 'ready'], // all skipped: still none failed
    [[3, 1, 0, 0], 'wait'],
    [[3, 1, 1, 0], 'upstream_failed'], // early
  ],
  none_failed_min_one_success: [
    [[3, 1, 0, 2], 'ready'],
    [[3, 3, 0, 0], 'ready'],
    [[3, 0, 0, 3], 'skipped'],
    [[3, 1, 0, 0], 'wait'],
    [[3, 0, 1, 0], 'upstream_failed'], // early
    [[3, 2, 1, 0], 'upstream_failed'],
  ],
  none_skipped: [
    [[3, 2, 1, 0], 'ready'],
    [[3, 0, 3, 0], 'ready'],
    [[3, 1, 0, 1], 'skipped'], // early
    [[3, 1, 1, 0], 'wait'],
  ],
  always: [
    [[3, 0, 0, 0], 'ready'],
    [[3, 0, 3, 0], 'ready'],
    [[3, 0, 0, 3], 'ready'],
  ],
};

describe('decide', () => {
  for (const rule of RULES) {
    it.each(CASES[rule])(
      `${rule} with [total, succeeded, failed, skipped] = %j is %s`,
      (counts, expected) => {
        expect(decide(rule, c(counts))).toBe(expected);
      },
    );
  }

  it.each(RULES)('%s: a node without parents is ready at once', (rule) => {
    expect(decide(rule, c([0, 0, 0, 0]))).toBe('ready');
  });

  it('once every edge is done, no rule waits; before that, only "always" ignores the parents', () => {
    const partition = fc
      .tuple(fc.nat(6), fc.nat(6), fc.nat(6), fc.nat(6), fc.nat(6))
      .map(([s, f, k, open, u]) => ({
        total: s + f + k + open,
        succeeded: s,
        failed: f,
        skipped: k,
        upstreamFailed: Math.min(u, f),
      }));
    fc.assert(
      fc.property(fc.constantFrom(...RULES), partition, (rule, counts) => {
        const decision = decide(rule, counts);
        const done = counts.succeeded + counts.failed + counts.skipped === counts.total;
        if (done) expect(decision).not.toBe('wait');
        if (rule === 'always') expect(decision).toBe('ready');
        if (counts.total === 0) expect(decision).toBe('ready');
      }),
    );
  });

  it('isTriggerRule accepts exactly the twelve rules', () => {
    for (const rule of RULES) expect(isTriggerRule(rule)).toBe(true);
    expect(RULES).toHaveLength(12);
    for (const bad of [
      'ALL_SUCCESS',
      'all-success',
      'all_done_setup_success', // Airflow's, for its setup/teardown; ours is `cleanup: true`
      'dummy',
      '',
      undefined,
      null,
      1,
      {},
    ])
      expect(isTriggerRule(bad)).toBe(false);
  });
});

describe('trigger rules in the engine', () => {
  it('failed, timed_out and upstream_failed parents all count as failed edges', () => {
    const engine = engineOf(
      [
        'a',
        'b',
        'c',
        ['done', { triggerRule: 'all_done' }],
        ['alert', { triggerRule: 'all_failed' }],
      ],
      ['a>b', 'b>done', 'c>done', 'b>alert', 'c>alert'],
    );
    start(engine, 'a');
    fail(engine, 'a');
    expect(stateOf(engine, 'b')).toBe('upstream_failed');
    start(engine, 'c');
    engine.apply({
      type: 'task_failed',
      node: 'c',
      attempt: 1,
      at: 0,
      error: new Error('slow'),
      timedOut: true,
    });
    expect(stateOf(engine, 'c')).toBe('timed_out');
    expect(stateOf(engine, 'done')).toBe('ready');
    expect(stateOf(engine, 'alert')).toBe('ready');
  });

  it('a false edge condition counts that edge as skipped, even though the parent succeeded', () => {
    const seen: unknown[] = [];
    const engine = engineOf(
      ['check', 'then', 'otherwise', ['join', { triggerRule: 'none_failed_min_one_success' }]],
      [
        ['check', 'then', { condition: (r) => (seen.push(r), r === 'yes') }],
        ['check', 'otherwise', { condition: (r) => r === 'no' }],
        'then>join',
        'otherwise>join',
      ],
    );
    start(engine, 'check');
    succeed(engine, 'check', 'yes');
    expect(seen).toEqual(['yes']);
    expect(stateOf(engine, 'then')).toBe('ready');
    expect(stateOf(engine, 'otherwise')).toBe('skipped');
    expect(stateOf(engine, 'join')).toBe('pending');
    start(engine, 'then');
    succeed(engine, 'then');
    expect(stateOf(engine, 'join')).toBe('ready');
  });

  it('one_done counts parents that ran: an upstream_failed parent is not done, a failed one is', () => {
    const engine = engineOf(
      ['a', 'b', 'c', ['either', { triggerRule: 'one_done' }]],
      ['a>b', 'b>either', 'c>either'],
    );
    start(engine, 'a');
    fail(engine, 'a');
    expect(stateOf(engine, 'b')).toBe('upstream_failed');
    expect(stateOf(engine, 'either')).toBe('pending');
    start(engine, 'c');
    fail(engine, 'c');
    expect(stateOf(engine, 'either')).toBe('ready');
    // Only an upstream failure and a skip (a false condition): nothing was done, so skipped.
    const skipping = engineOf(
      ['x', 'y', 'z', ['last', { triggerRule: 'one_done' }]],
      ['x>y', 'y>last', ['z', 'last', { condition: () => false }]],
    );
    start(skipping, 'x');
    fail(skipping, 'x');
    start(skipping, 'z');
    succeed(skipping, 'z');
    expect(stateOf(skipping, 'last')).toBe('skipped');
  });

  it('all_skipped runs when every branch was skipped, and is skipped once one was not', () => {
    const engine = engineOf(
      ['check', 'left', 'right', ['nothing', { triggerRule: 'all_skipped' }]],
      [
        ['check', 'left', { condition: (r) => r === 'left' }],
        ['check', 'right', { condition: (r) => r === 'right' }],
        'left>nothing',
        'right>nothing',
      ],
    );
    start(engine, 'check');
    succeed(engine, 'check', 'neither');
    expect(stateOf(engine, 'nothing')).toBe('ready');
    const taken = engineOf(
      ['a', 'b', ['nothing', { triggerRule: 'all_skipped' }]],
      ['a>nothing', 'b>nothing'],
    );
    start(taken, 'a');
    succeed(taken, 'a');
    expect(stateOf(taken, 'nothing')).toBe('skipped');
  });

  it('all_done_min_one_success waits for every parent, needs one success, and a skip skips it', () => {
    const rule = { triggerRule: 'all_done_min_one_success' } as const;
    const engine = engineOf(['a', 'b', ['report', rule]], ['a>report', 'b>report']);
    start(engine, 'a');
    start(engine, 'b');
    fail(engine, 'a');
    expect(stateOf(engine, 'report')).toBe('pending');
    succeed(engine, 'b');
    expect(stateOf(engine, 'report')).toBe('ready');
    const none = engineOf(['a', 'b', ['report', rule]], ['a>report', 'b>report']);
    start(none, 'a');
    start(none, 'b');
    fail(none, 'a');
    fail(none, 'b');
    expect(stateOf(none, 'report')).toBe('upstream_failed');
    const skipped = engineOf(
      ['a', 'b', ['report', rule]],
      [['a', 'report', { condition: () => false }], 'b>report'],
    );
    start(skipped, 'a');
    succeed(skipped, 'a');
    expect(stateOf(skipped, 'report')).toBe('skipped');
  });

  it('an early decision does not wait for the other parents', () => {
    const engine = engineOf(
      ['a', 'b', ['first', { triggerRule: 'one_success' }]],
      ['a>first', 'b>first'],
    );
    start(engine, 'a');
    start(engine, 'b');
    succeed(engine, 'a');
    expect(stateOf(engine, 'first')).toBe('ready');
    expect(stateOf(engine, 'b')).toBe('running');
  });
});

describe('trigger rules through the executor', () => {
  const tracked = (
    ran: string[],
    names: readonly string[],
    overrides: Record<string, TaskFn> = {},
  ) => Object.fromEntries(names.map((n) => [n, overrides[n] ?? (() => (ran.push(n), n))]));

  it('a false condition skips the branch, and the skip propagates down an all_success chain', async () => {
    const dag = DAG.builder()
      .addEdge('a', 'b', { condition: () => false })
      .addEdge('b', 'c')
      .addEdge('c', 'd')
      .addEdge('a', 'e')
      .build();
    const ran: string[] = [];
    const result = await new DAGExecutor(dag).execute(tracked(ran, ['a', 'b', 'c', 'd', 'e']));
    expect(ran.sort()).toEqual(['a', 'e']);
    for (const n of ['b', 'c', 'd']) expect(result.nodeResults.get(n)?.status).toBe('skipped');
    expect(result.status).toBe('succeeded');
    expect(result.skipped).toBe(3);
    expect(result.succeeded).toBe(2);
  });

  it('a failure marks every all_success descendant upstream_failed; unrelated nodes still run', async () => {
    const dag = DAG.builder()
      .addEdge('a', 'b')
      .addEdge('b', 'c')
      .addEdge('a', 'c')
      .addNode('x')
      .build();
    const ran: string[] = [];
    const result = await new DAGExecutor(dag).execute(
      tracked(ran, ['a', 'b', 'c', 'x'], {
        a: () => {
          throw new Error('boom');
        },
      }),
    );
    expect(ran).toEqual(['x']);
    expect(result.nodeResults.get('a')?.status).toBe('failed');
    expect(result.nodeResults.get('a')?.error?.message).toBe('boom');
    expect(result.nodeResults.get('b')?.status).toBe('upstream_failed');
    expect(result.nodeResults.get('c')?.status).toBe('upstream_failed');
    expect(result.upstreamFailed).toBe(2);
    expect(result.status).toBe('failed');
  });

  const ifElse = () =>
    DAG.builder()
      .addEdge('check', 'then', { condition: (r) => r === 'yes' })
      .addEdge('check', 'otherwise', { condition: (r) => r === 'no' })
      .addEdge('then', 'join')
      .addEdge('otherwise', 'join')
      .addEdge('then', 'strict')
      .addEdge('otherwise', 'strict')
      .addNode('join', { payload: { triggerRule: 'none_failed_min_one_success' } })
      .build();

  it.each([
    ['yes', 'then', 'otherwise'],
    ['no', 'otherwise', 'then'],
  ])(
    'if/else on %j: only %s runs, the join runs, an all_success join is skipped',
    async (answer, taken, notTaken) => {
      const ran: string[] = [];
      const result = await new DAGExecutor(ifElse()).execute(
        tracked(ran, ['check', 'then', 'otherwise', 'join', 'strict'], { check: () => answer }),
      );
      expect(ran).toEqual([taken, 'join']);
      expect(result.nodeResults.get(notTaken)?.status).toBe('skipped');
      expect(result.nodeResults.get('join')?.status).toBe('succeeded');
      expect(result.nodeResults.get('strict')?.status).toBe('skipped');
      expect(result.status).toBe('succeeded');
    },
  );

  it('if/else where neither branch is taken: the min_one_success join is skipped too', async () => {
    const ran: string[] = [];
    const result = await new DAGExecutor(ifElse()).execute(
      tracked(ran, ['check', 'then', 'otherwise', 'join', 'strict'], { check: () => 'maybe' }),
    );
    expect(ran).toEqual([]);
    expect(result.nodeResults.get('join')?.status).toBe('skipped');
    expect(result.status).toBe('succeeded');
  });

  it('cleanup (all_done), alert (one_failed) and rescue (all_failed) run after failures; a success path does not', async () => {
    const dag = DAG.builder()
      .addEdge('load', 'cleanup')
      .addEdge('load', 'alert')
      .addEdge('load', 'rescue')
      .addEdge('load', 'publish')
      .addNode('cleanup', { payload: { triggerRule: 'all_done' } })
      .addNode('alert', { payload: { triggerRule: 'one_failed' } })
      .addNode('rescue', { payload: { triggerRule: 'all_failed' } })
      .build();
    const names = ['load', 'cleanup', 'alert', 'rescue', 'publish'];
    const failing: string[] = [];
    const failed = await new DAGExecutor(dag).execute(
      tracked(failing, names, {
        load: () => {
          throw new Error('load failed');
        },
      }),
    );
    expect(failing.sort()).toEqual(['alert', 'cleanup', 'rescue']);
    expect(failed.nodeResults.get('publish')?.status).toBe('upstream_failed');

    const passing: string[] = [];
    const ok = await new DAGExecutor(dag).execute(tracked(passing, names));
    expect(passing.sort()).toEqual(['cleanup', 'load', 'publish']);
    expect(ok.nodeResults.get('alert')?.status).toBe('skipped');
    expect(ok.nodeResults.get('rescue')?.status).toBe('skipped');
  });

  it('an `always` node starts without waiting for its running parent', async () => {
    const dag = DAG.builder()
      .addEdge('slow', 'watch')
      .addNode('watch', { payload: { triggerRule: 'always' } })
      .build();
    const log: string[] = [];
    const result = await new DAGExecutor(dag).execute({
      slow: async () => {
        log.push('slow:start');
        await Promise.resolve();
        log.push('slow:end');
      },
      watch: () => log.push('watch'),
    });
    expect(log).toEqual(['slow:start', 'watch', 'slow:end']);
    expect(result.status).toBe('succeeded');
  });

  it('a failed `critical: false` leaf makes the run partially_succeeded', async () => {
    const dag = DAG.builder()
      .addEdge('a', 'b')
      .addEdge('a', 'optional')
      .addNode('optional', { payload: { critical: false } })
      .build();
    const result = await new DAGExecutor(dag).execute({
      a: () => 1,
      b: () => 2,
      optional: () => {
        throw new Error('nice to have');
      },
    });
    expect(result.status).toBe('partially_succeeded');
    expect(result.failed).toBe(1);
    expect(result.succeeded).toBe(2);
  });

  it('the same failure on a critical leaf fails the run', async () => {
    const dag = DAG.builder().addEdge('a', 'b').addEdge('a', 'leaf').build();
    const result = await new DAGExecutor(dag).execute({
      a: () => 1,
      b: () => 2,
      leaf: () => {
        throw new Error('needed');
      },
    });
    expect(result.status).toBe('failed');
  });

  it('a failed non-critical node still fails its critical dependents (upstream_failed), so the run fails', async () => {
    const dag = DAG.builder()
      .addEdge('optional', 'report')
      .addNode('optional', { payload: { critical: false } })
      .build();
    const result = await new DAGExecutor(dag).execute({
      optional: () => {
        throw new Error('x');
      },
      report: () => 'r',
    });
    expect(result.nodeResults.get('report')?.status).toBe('upstream_failed');
    expect(result.status).toBe('failed');
  });
});
