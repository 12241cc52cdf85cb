import type { RunStatus } from '../engine/index.js';
import type { DagDefinition, Dependency } from '../durable/index.js';
import { requirementMet, type Period } from '../time/index.js';
import type { DagRegistry } from './registry.js';
import type { RunStore } from '../store/index.js';

/** A run as readiness needs it. */
export interface RunFact {
  readonly runId: string;
  readonly status: RunStatus | 'queued';
  readonly createdAt: number;
}

/** The runs of a DAG for one period (any order), as the store has them. */
export type RunLookup = (dagId: string, periodKey: string) => readonly RunFact[];

/** An upstream period that has not ended yet (no run, or a run still going), or a signal not set. */
export type Waiting =
  | {
      readonly dag: string;
      readonly periodKey: string;
      /** The run going for it, if there is one. */
      readonly runId?: string;
    }
  | { readonly signal: string; readonly periodKey: string };

/** Whether a signal is set now (for a period key, `''` for none). */
export type SignalLookup = (name: string, periodKey: string) => boolean;

/** An upstream period whose latest run ended in a state the dependency does not accept. */
export interface Blocking {
  readonly dag: string;
  readonly periodKey: string;
  readonly runId: string;
  readonly status: RunStatus;
}

/** Whether a run of a DAG for a period may start, as far as its declared dependencies go. */
export type Readiness =
  | { readonly state: 'ready' }
  /** Some upstream period has not ended; none blocks. */
  | { readonly state: 'waiting'; readonly waiting: readonly Waiting[] }
  /** An upstream run ended unaccepted, so the requirement cannot be met until it is re-run. */
  | {
      readonly state: 'blocked';
      readonly blocking: readonly Blocking[];
      readonly waiting: readonly Waiting[];
    };

const ENDED: ReadonlySet<string> = new Set<RunStatus>([
  'succeeded',
  'partially_succeeded',
  'failed',
  'cancelled',
]);

/**
 * Whether DAG `def`'s run for `period` may start: every signal it depends on must be set (for
 * its period, or without one), and every DAG dependency's mapped upstream periods must have
 * their latest run (a re-run supersedes the run before it) in an accepted state. An
 * upstream run that ended unaccepted blocks (no downstream work on stale or missing data) until
 * a re-run of that period is accepted; a period without a run, or with one still going, waits.
 * Pure: the caller reads the runs once (`lookup`), so one evaluation costs the mapped periods.
 *
 * @example
 * ```ts
 * const readiness = dependencyReadiness(report, period, project.dags, (dag, key) => runs.get(`${dag}/${key}`) ?? []);
 * if (readiness.state === 'blocked') console.log(describeReadiness(readiness));
 * ```
 */
export function dependencyReadiness(
  def: DagDefinition,
  period: Period,
  registry: DagRegistry,
  lookup: RunLookup,
  signalSet: SignalLookup = () => false,
  now?: number,
): Readiness {
  const waiting: Waiting[] = [];
  const blocking: Blocking[] = [];
  for (const { signal, period: which } of def.scheduling.signals) {
    const periodKey = which === 'same' ? period.key : '';
    if (!signalSet(signal, periodKey)) waiting.push({ signal, periodKey });
  }
  for (const dependency of def.scheduling.dependsOn) {
    const upstream = registry.get(dependency.dag);
    if (upstream === undefined) {
      // validate refuses this; a registry built by hand may still hold it.
      waiting.push({ dag: dependency.dag, periodKey: period.key });
      continue;
    }
    judge(def, dependency, upstream.definition, period, lookup, waiting, blocking, now);
  }
  if (blocking.length > 0) return { state: 'blocked', blocking, waiting };
  return waiting.length > 0 ? { state: 'waiting', waiting } : { state: 'ready' };
}

function judge(
  def: DagDefinition,
  dependency: Dependency,
  upstream: DagDefinition,
  period: Period,
  lookup: RunLookup,
  waiting: Waiting[],
  blocking: Blocking[],
  now: number | undefined,
): void {
  const needed = dependency.mapping.upstream(period, {
    upstream: upstream.scheduling.periods,
    downstream: def.scheduling.periods,
    now,
  });
  const latest = new Map<string, RunFact | undefined>();
  for (const p of needed.periods) latest.set(p.key, latestOf(lookup(dependency.dag, p.key)));
  const accepted = (p: Period): boolean => {
    const run = latest.get(p.key);
    return run !== undefined && (dependency.accept as readonly string[]).includes(run.status);
  };
  if (requirementMet(needed, accepted)) return;
  let open = 0;
  let ok = 0;
  const blocked: Blocking[] = [];
  const pending: Waiting[] = [];
  for (const p of needed.periods) {
    const run = latest.get(p.key);
    if (accepted(p)) ok++;
    else if (run !== undefined && ENDED.has(run.status)) {
      blocked.push({
        dag: dependency.dag,
        periodKey: p.key,
        runId: run.runId,
        status: run.status as RunStatus,
      });
    } else {
      open++;
      pending.push({
        dag: dependency.dag,
        periodKey: p.key,
        ...(run === undefined ? {} : { runId: run.runId }),
      });
    }
  }
  // Blocked when the periods still open can no longer meet the requirement.
  const required = needed.require.kind === 'all' ? needed.periods.length : needed.require.count;
  if (blocked.length > 0 && ok + open < required) blocking.push(...blocked);
  waiting.push(...pending);
}

function latestOf(runs: readonly RunFact[]): RunFact | undefined {
  let latest: RunFact | undefined;
  for (const run of runs)
    if (latest === undefined || run.createdAt > latest.createdAt) latest = run;
  return latest;
}

/**
 * {@link dependencyReadiness} with the facts read from the store: the runs of every upstream
 * period the dependencies map `period` to, and the signals it waits for. O(mapped periods)
 * store reads; the judgement itself is pure.
 *
 * @example
 * ```ts
 * const readiness = await readReadiness(store, project.dags, report, period, Date.now());
 * ```
 */
export async function readReadiness(
  store: RunStore,
  registry: DagRegistry,
  def: DagDefinition,
  period: Period,
  now: number,
): Promise<Readiness> {
  const facts = new Map<string, RunFact[]>();
  for (const dependency of def.scheduling.dependsOn) {
    const upstream = registry.get(dependency.dag)?.definition;
    if (upstream === undefined) continue;
    const needed = dependency.mapping.upstream(period, {
      upstream: upstream.scheduling.periods,
      downstream: def.scheduling.periods,
      now,
    });
    for (const p of needed.periods) {
      const runs = await store.listRuns({ dagId: dependency.dag, periodKey: p.key, limit: 50 });
      facts.set(`${dependency.dag}\u0000${p.key}`, runs);
    }
  }
  const signals = new Set<string>();
  for (const { signal, period: which } of def.scheduling.signals) {
    const key = which === 'same' ? period.key : '';
    if ((await store.getSignal(signal, key)) !== undefined) signals.add(`${signal}\u0000${key}`);
  }
  return dependencyReadiness(
    def,
    period,
    registry,
    (dag, key) => facts.get(`${dag}\u0000${key}`) ?? [],
    (name, key) => signals.has(`${name}\u0000${key}`),
    now,
  );
}

/**
 * A sentence for people: what a run waits for, or which upstream run blocks it.
 *
 * @example
 * ```ts
 * describeReadiness(readiness); // 'blocked by sales run r-12 for 2026-12-05T00:00Z (failed)'
 * ```
 */
export function describeReadiness(readiness: Readiness): string {
  switch (readiness.state) {
    case 'ready':
      return 'ready';
    case 'waiting':
      return `waiting for ${readiness.waiting.map(describeWait).join(', ')}`;
    case 'blocked':
      return `blocked by ${readiness.blocking
        .map((b) => `${b.dag} run ${b.runId}${forPeriod(b.periodKey)} (${b.status})`)
        .join(', ')}`;
  }
}

const forPeriod = (key: string): string => (key === '' ? '' : ` for ${key}`);

function describeWait(w: Waiting): string {
  if ('signal' in w) return `signal ${w.signal}${forPeriod(w.periodKey)}`;
  return w.runId === undefined
    ? `a run of ${w.dag}${forPeriod(w.periodKey)}`
    : `${w.dag} run ${w.runId}${forPeriod(w.periodKey)}`;
}
