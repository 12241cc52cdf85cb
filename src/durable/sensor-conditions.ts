import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { TributaryError } from '../errors/index.js';
import type { RunStore, RunSummary } from '../store/index.js';
import { requirementMet, sameWindowMapping, UNPARTITIONED, type Period } from '../time/index.js';
import type { DagDefinition } from './define.js';
import { httpRequest } from './http-request.js';
import type { Sensor, SensorContext } from './sensors.js';

/** What one look at a sensor's condition found. */
export type Verdict =
  | { readonly state: 'met'; readonly result?: unknown }
  | { readonly state: 'waiting' }
  /** The condition can no longer be met (an upstream run ended unaccepted): fail now. */
  | { readonly state: 'failed'; readonly error: Error };

/** What evaluating a sensor needs besides the sensor. */
export interface ConditionContext extends SensorContext {
  readonly def: DagDefinition;
  readonly store: RunStore;
  /** Other DAGs' definitions, to map this run's period onto theirs. */
  readonly dags: ((id: string) => DagDefinition | undefined) | undefined;
}

const WAITING: Verdict = Object.freeze({ state: 'waiting' });
const ENDED = new Set(['succeeded', 'partially_succeeded', 'failed', 'cancelled']);

/**
 * Look once at a sensor's condition. A check that cannot run (a file system error, a refused
 * connection, a user check that throws) throws: the watcher records it as a failed check and
 * keeps waiting.
 *
 * @example
 * ```ts
 * const verdict = await evaluateSensor(sensor, ctx);
 * if (verdict.state === 'met') console.log('go');
 * ```
 */
export async function evaluateSensor(sensor: Sensor, ctx: ConditionContext): Promise<Verdict> {
  switch (sensor.kind) {
    case 'run':
      return runCondition(sensor, ctx);
    case 'signal': {
      const key = sensor.period === 'none' ? '' : ctx.periodKey;
      const signal = await ctx.store.getSignal(sensor.name, key);
      return signal === undefined ? WAITING : { state: 'met', result: signal.payload };
    }
    case 'file':
      return fileCondition(sensor.path, sensor.changed === true, ctx);
    case 'http':
      return httpCondition(sensor);
    case 'check':
      return (await sensor.check(ctx)) === true ? { state: 'met' } : WAITING;
  }
}

/**
 * A run sensor: the latest run of each upstream period the mapping asks for must have ended in
 * an accepted state (or, with `task`, have that task succeeded). Without the upstream's
 * definition (no project), the upstream period is the one with this run's key; an
 * unpartitioned run of a DAG waits for the upstream's latest run.
 */
async function runCondition(
  sensor: Extract<Sensor, { kind: 'run' }>,
  ctx: ConditionContext,
): Promise<Verdict> {
  const accept: readonly string[] = sensor.accept ?? ['succeeded'];
  const upstream = ctx.dags?.(sensor.dag);
  // An unpartitioned run waiting on a scheduled DAG waits for its latest run, of any period.
  const anyPeriod = ctx.period === undefined && upstream?.scheduling.schedule !== undefined;
  // Without the upstream's definition, its period is the one with this run's key.
  const needed =
    upstream === undefined || anyPeriod
      ? { periods: [{ ...UNPARTITIONED, key: ctx.periodKey }], require: { kind: 'all' as const } }
      : (sensor.mapping ?? sameWindowMapping).upstream(ctx.period ?? UNPARTITIONED, {
          upstream: upstream.scheduling.periods,
          downstream: ctx.def.scheduling.periods,
        });
  const periods: readonly Period[] = needed.periods;
  const required = needed.require.kind === 'all' ? periods.length : needed.require.count;
  let ok = 0;
  let open = 0;
  const blocking: string[] = [];
  const runs: { runId: string; status: string; periodKey: string }[] = [];
  const accepted = new Set<string>();
  for (const p of periods) {
    const latest = latestOf(
      await ctx.store.listRuns({
        dagId: sensor.dag,
        ...(anyPeriod ? {} : { periodKey: p.key }),
        limit: anyPeriod ? 1 : 50,
      }),
    );
    const state = latest === undefined ? 'none' : await stateOf(latest, sensor.task, accept, ctx);
    if (state === 'accepted') {
      ok++;
      accepted.add(p.key);
      runs.push({ runId: latest!.runId, status: latest!.status, periodKey: p.key });
    } else if (state === 'refused') {
      blocking.push(
        `${sensor.dag} run ${latest!.runId}${p.key === '' ? '' : ` for ${p.key}`} (${latest!.status}${sensor.task === undefined ? '' : `, task ${sensor.task} did not succeed`})`,
      );
    } else open++;
  }
  if (requirementMet(needed, (p) => accepted.has(p.key))) return { state: 'met', result: { runs } };
  if (blocking.length > 0 && ok + open < required) {
    return {
      state: 'failed',
      error: new TributaryError(
        'UPSTREAM_FAILED',
        `Sensor "${ctx.node}" cannot be satisfied: ${blocking.join(', ')} ended in a state it does not accept (${accept.join(', ')})`,
        { context: { node: ctx.node, runId: ctx.runId, upstream: sensor.dag } },
      ),
    };
  }
  return WAITING;
}

/** Accepted, refused (ended otherwise), or still open. */
async function stateOf(
  run: RunSummary,
  task: string | undefined,
  accept: readonly string[],
  ctx: ConditionContext,
): Promise<'accepted' | 'refused' | 'open'> {
  if (task === undefined) {
    if (accept.includes(run.status)) return 'accepted';
    return ENDED.has(run.status) ? 'refused' : 'open';
  }
  // One task of the run: its success is in the journal, whatever the run does next.
  for (const event of await ctx.store.loadEvents(run.runId)) {
    if (event.node === task && event.type === 'task_succeeded') return 'accepted';
  }
  return ENDED.has(run.status) ? 'refused' : 'open';
}

function latestOf(runs: readonly RunSummary[]): RunSummary | undefined {
  let latest: RunSummary | undefined;
  for (const run of runs)
    if (latest === undefined || run.createdAt > latest.createdAt) latest = run;
  return latest;
}

/**
 * A file sensor: the path (with `{period}` replaced by the run's period key) exists, or, for a
 * glob in its last segment (`*`, `?`), a file of that folder matches; with `changed`, one that
 * was modified after the sensor began waiting.
 */
async function fileCondition(
  path: string,
  changed: boolean,
  ctx: ConditionContext,
): Promise<Verdict> {
  const full = resolve(path.replaceAll('{period}', ctx.periodKey));
  const name = basename(full);
  const candidates: string[] = [];
  if (/[*?]/.test(name)) {
    const pattern = new RegExp(
      `^${name
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replaceAll('*', '.*')
        .replaceAll('?', '.')}$`,
    );
    let names: string[];
    try {
      names = await readdir(dirname(full));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return WAITING;
      throw error;
    }
    for (const entry of names.sort())
      if (pattern.test(entry)) candidates.push(join(dirname(full), entry));
  } else candidates.push(full);
  for (const file of candidates) {
    try {
      const info = await stat(file);
      if (!info.isFile() || (changed && info.mtimeMs <= ctx.since)) continue;
      return { state: 'met', result: { path: file, size: info.size, modifiedAt: info.mtimeMs } };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return WAITING;
}

/** An HTTP sensor: the endpoint answers with the expected status (any 2xx by default) and body. */
async function httpCondition(sensor: Extract<Sensor, { kind: 'http' }>): Promise<Verdict> {
  const { status, text } = await httpRequest('GET', sensor.url, {
    timeoutMs: sensor.requestTimeoutMs ?? 10_000,
  });
  const statusOk =
    sensor.status === undefined ? status >= 200 && status < 300 : status === sensor.status;
  if (!statusOk || (sensor.body !== undefined && !sensor.body(text))) return WAITING;
  return { state: 'met', result: { status } };
}
