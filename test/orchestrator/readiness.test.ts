import { describe, expect, it } from 'vitest';
import { defineDag, type DagOptions } from '../../src/durable/index.js';
import {
  DagRegistry,
  dependencyReadiness,
  describeReadiness,
  type RunFact,
} from '../../src/orchestrator/index.js';

// Whether a downstream run may start: the latest run of every mapped upstream period must be in
// an accepted state; one that ended unaccepted blocks (and names itself) until a re-run is.

const daily = { cron: '0 0 * * *', timezone: 'Europe/Paris' };
const dag = (id: string, extra: Partial<DagOptions> = {}) =>
  defineDag({ id, dag: (b) => b.addNode('a'), tasks: { a: () => 1 }, schedule: daily, ...extra });

const registry = new DagRegistry('/repo');
for (const def of [
  dag('sales'),
  dag('stock'),
  dag('report', {
    dependsOn: [{ dag: 'sales' }, { dag: 'stock', accept: ['succeeded', 'partially_succeeded'] }],
  }),
  dag('audit', { dependsOn: [{ dag: 'stock' }] }),
]) {
  registry.add(def, `/repo/dags/${def.id}.dag.ts`);
}
const report = registry.get('report')!.definition;
const audit = registry.get('audit')!.definition;
const period = report.scheduling.periods.containing(Date.UTC(2026, 11, 5, 12))!;

/** Runs by `dag/period`, as a store would return them. */
function lookup(runs: Record<string, RunFact[]>) {
  return (dagId: string, key: string) => runs[`${dagId}/${key}`] ?? [];
}
const run = (runId: string, status: RunFact['status'], createdAt = 1): RunFact => ({
  runId,
  status,
  createdAt,
});

describe('dependency readiness', () => {
  const key = period.key;

  it('waits for upstream periods without a run, or with one still going', () => {
    const none = dependencyReadiness(report, period, registry, lookup({}));
    expect(none.state).toBe('waiting');
    expect(describeReadiness(none)).toBe(
      `waiting for a run of sales for ${key}, a run of stock for ${key}`,
    );
    const going = dependencyReadiness(
      report,
      period,
      registry,
      lookup({
        [`sales/${key}`]: [run('s1', 'succeeded')],
        [`stock/${key}`]: [run('k1', 'running')],
      }),
    );
    expect(describeReadiness(going)).toBe(`waiting for stock run k1 for ${key}`);
  });

  it('partial success is accepted by one consumer and refused by another', () => {
    const runs = lookup({
      [`sales/${key}`]: [run('s1', 'succeeded')],
      [`stock/${key}`]: [run('k1', 'partially_succeeded')],
    });
    expect(dependencyReadiness(report, period, registry, runs)).toEqual({ state: 'ready' });
    const refused = dependencyReadiness(audit, period, registry, runs);
    expect(refused.state).toBe('blocked');
    expect(describeReadiness(refused)).toBe(
      `blocked by stock run k1 for ${key} (partially_succeeded)`,
    );
  });

  it('a failed upstream blocks, naming the run; a re-run of the period supersedes it', () => {
    const failed = {
      [`sales/${key}`]: [run('s1', 'failed', 1)],
      [`stock/${key}`]: [run('k1', 'succeeded')],
    };
    const blocked = dependencyReadiness(report, period, registry, lookup(failed));
    expect(blocked).toMatchObject({
      state: 'blocked',
      blocking: [{ dag: 'sales', periodKey: key, runId: 's1', status: 'failed' }],
    });
    const rerun = {
      ...failed,
      [`sales/${key}`]: [run('s1', 'failed', 1), run('s2', 'running', 2)],
    };
    expect(describeReadiness(dependencyReadiness(report, period, registry, lookup(rerun)))).toBe(
      `waiting for sales run s2 for ${key}`,
    );
    const fixed = {
      ...failed,
      [`sales/${key}`]: [run('s2', 'succeeded', 2), run('s1', 'failed', 1)],
    };
    expect(dependencyReadiness(report, period, registry, lookup(fixed)).state).toBe('ready');
  });

  it('only the mapped period counts: another day of the upstream does not satisfy it', () => {
    const yesterday = report.scheduling.periods.previous(period)!;
    const runs = lookup({
      [`sales/${yesterday.key}`]: [run('s0', 'succeeded')],
      [`stock/${key}`]: [run('k1', 'succeeded')],
    });
    expect(dependencyReadiness(report, period, registry, runs).state).toBe('waiting');
  });

  it('indexes dependents by upstream, for the scheduler to re-evaluate on a change', () => {
    expect(registry.dependentsOf('stock').map((d) => d.definition.id)).toEqual(['report', 'audit']);
    expect(registry.dependentsOf('sales').map((d) => d.definition.id)).toEqual(['report']);
    expect(registry.dependentsOf('audit')).toEqual([]);
  });
});
