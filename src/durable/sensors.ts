import { invalidArgument, TributaryError } from '../errors/index.js';
import type { RunStatus } from '../engine/index.js';
import { checkSignalKey } from '../store/index.js';
import type { PartitionMapping, Period } from '../time/index.js';

/*
 * Sensors: nodes of a DAG that wait for a condition instead of running a task. A waiting
 * sensor holds no worker slot; the condition is evaluated when the store's change feed says
 * something it depends on changed (a run ended, a signal was set), or at its poll interval for
 * what only a poll can see (a file, an HTTP endpoint, a user check). This module declares them;
 * the DAG lists them by node name in `sensors` (see `defineDag`).
 */

/** The kinds of sensor. */
export type SensorKind = 'run' | 'signal' | 'file' | 'http' | 'check';

/** Options every sensor has. */
export interface SensorOptions {
  /** Give up after waiting this long, in ms. Default: wait as long as the run lasts. */
  readonly timeoutMs?: number;
  /** On timeout: fail the node (default), or skip it (a soft fail: its children see `skipped`). */
  readonly onTimeout?: 'fail' | 'skip';
  /**
   * How often to look again when nothing on the change feed can say the condition changed, in
   * ms. Default 30,000 for file, HTTP and check sensors; run and signal sensors wake on the feed.
   */
  readonly intervalMs?: number;
}

/** Wait for a run of another DAG, for the aligned period, to end in an accepted state. */
export interface RunSensorOptions extends SensorOptions {
  readonly dag: string;
  /** Run statuses that satisfy the sensor. Default `['succeeded']`. */
  readonly accept?: readonly RunStatus[];
  /** Which upstream periods the run's period needs. Default: the same window. */
  readonly mapping?: PartitionMapping;
  /**
   * Wait for one task of that run instead of the whole run (tight coupling: `tributary lint`
   * warns; prefer the run or a signal).
   */
  readonly task?: string;
  /** The upstream is in another environment, on purpose (see `environment`). */
  readonly crossEnvironment?: boolean;
}

/** Wait for a signal (see `tributary signal`). */
export interface SignalSensorOptions extends SensorOptions {
  readonly name: string;
  /** `same` (default): the signal set for the run's period; `none`: the one set without a period. */
  readonly period?: 'same' | 'none';
}

/** Wait for a file to appear (or, with `changed`, to change after the sensor started waiting). */
export interface FileSensorOptions extends SensorOptions {
  /**
   * A path, or a glob (`*`, `?`, `**`), relative to the working directory or absolute. `{period}`
   * is replaced by the run's period key, `{start:yyyy-MM-dd}`-style placeholders are not.
   */
  readonly path: string;
  /** Wait for a file modified after the sensor began waiting. Default false. */
  readonly changed?: boolean;
}

/** Wait for an HTTP endpoint to answer as expected. */
export interface HttpSensorOptions extends SensorOptions {
  readonly url: string;
  /** The status that satisfies it. Default: any 2xx. */
  readonly status?: number;
  /** A check of the body, when the status matched. */
  readonly body?: (text: string) => boolean;
  /** Per request, in ms. Default 10,000. */
  readonly requestTimeoutMs?: number;
}

/** What a check function sees. */
export interface SensorContext {
  readonly runId: string;
  readonly dagId: string;
  readonly node: string;
  /** The run's period (undefined: unpartitioned). */
  readonly period: Period | undefined;
  /** The run's period key as recorded (`''`: none; a free label for a DAG without a schedule). */
  readonly periodKey: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** When the sensor began waiting (epoch ms). */
  readonly since: number;
}

/** A user condition, polled every `intervalMs`. */
export interface CheckSensorOptions extends SensorOptions {
  readonly check: (ctx: SensorContext) => boolean | Promise<boolean>;
}

const SENSOR_BRAND: unique symbol = Symbol.for('tributary.sensor');

/** A sensor, as `sensor.run(...)` and the others make it. */
export type SensorDefinition =
  | (RunSensorOptions & { readonly kind: 'run' })
  | (SignalSensorOptions & { readonly kind: 'signal' })
  | (FileSensorOptions & { readonly kind: 'file' })
  | (HttpSensorOptions & { readonly kind: 'http' })
  | (CheckSensorOptions & { readonly kind: 'check' });

/** A sensor node of a DAG: its name and what it waits for. */
export type Sensor = SensorDefinition & { readonly node: string };

const STATUSES: readonly RunStatus[] = ['succeeded', 'partially_succeeded', 'failed', 'cancelled'];
const DAG_ID = /^[A-Za-z0-9_.-]+$/;

/**
 * Sensor constructors: a value for `defineDag({ sensors: { node: sensor.run(...) } })`. Each
 * checks its options and throws `INVALID_ARGUMENT` quoting what was received.
 *
 * @example
 * ```ts
 * defineDag({
 *   id: 'report',
 *   dag: (b) => b.addEdge('sales_done', 'build'),
 *   tasks: { build },
 *   sensors: { sales_done: sensor.run({ dag: 'sales', timeoutMs: 6 * 3_600_000, onTimeout: 'skip' }) },
 * });
 * ```
 */
export const sensor = Object.freeze({
  run: (options: RunSensorOptions): SensorDefinition => brand({ ...options, kind: 'run' }),
  signal: (options: SignalSensorOptions): SensorDefinition => brand({ ...options, kind: 'signal' }),
  file: (options: FileSensorOptions): SensorDefinition => brand({ ...options, kind: 'file' }),
  http: (options: HttpSensorOptions): SensorDefinition => brand({ ...options, kind: 'http' }),
  check: (check: CheckSensorOptions['check'], options: SensorOptions = {}): SensorDefinition =>
    brand({ ...options, check, kind: 'check' }),
});

function brand(def: SensorDefinition): SensorDefinition {
  checkSensor(def, 'a sensor');
  return Object.freeze({ ...def, [SENSOR_BRAND]: true });
}

/** True for a value made by {@link sensor} (in this copy of Tributary or another). */
export function isSensorDefinition(value: unknown): value is SensorDefinition {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[SENSOR_BRAND] === true
  );
}

/**
 * The sensors of DAG `id`, by node: every key must be a node of the graph and a sensor value,
 * and a sensor node runs no task. `INVALID_ARGUMENT` otherwise, naming the node.
 */
export function sensorsOf(
  id: string,
  given: Readonly<Record<string, SensorDefinition>> | undefined,
  nodes: ReadonlySet<string>,
): ReadonlyMap<string, Sensor> {
  const out = new Map<string, Sensor>();
  if (given === undefined) return out;
  if (typeof given !== 'object' || given === null || Array.isArray(given))
    invalidArgument(`\`sensors\` of "${id}"`, 'an object of sensors by node name', given);
  for (const [node, def] of Object.entries(given)) {
    const where = `sensor "${node}" of "${id}"`;
    if (!isSensorDefinition(def))
      invalidArgument(where, 'sensor.run(...), sensor.signal(...), sensor.file(...), ...', def);
    if (!nodes.has(node)) {
      throw new TributaryError(
        'UNKNOWN_NODE',
        `${where} names no node of the DAG (add it to the graph: it waits there)`,
        { context: { node, dagId: id } },
      );
    }
    out.set(node, Object.freeze({ ...def, node }));
  }
  return out;
}

function checkSensor(def: SensorDefinition, where: string): void {
  const { timeoutMs, onTimeout, intervalMs } = def;
  if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0))
    invalidArgument(`\`timeoutMs\` of ${where}`, 'a number of ms > 0', timeoutMs);
  if (onTimeout !== undefined && onTimeout !== 'fail' && onTimeout !== 'skip')
    invalidArgument(`\`onTimeout\` of ${where}`, "'fail' or 'skip'", onTimeout);
  if (intervalMs !== undefined && !(Number.isFinite(intervalMs) && intervalMs >= 10))
    invalidArgument(`\`intervalMs\` of ${where}`, 'a number of ms >= 10', intervalMs);
  switch (def.kind) {
    case 'run': {
      if (typeof def.dag !== 'string' || !DAG_ID.test(def.dag))
        invalidArgument(`\`dag\` of ${where}`, 'a DAG id', def.dag);
      for (const status of def.accept ?? ['succeeded']) {
        if (!STATUSES.includes(status))
          invalidArgument(`a status in \`accept\` of ${where}`, STATUSES.join(', '), status);
      }
      if (def.task !== undefined && (typeof def.task !== 'string' || def.task === ''))
        invalidArgument(`\`task\` of ${where}`, 'a node name', def.task);
      break;
    }
    case 'signal':
      checkSignalKey(def.name, '');
      if (def.period !== undefined && def.period !== 'same' && def.period !== 'none')
        invalidArgument(`\`period\` of ${where}`, "'same' or 'none'", def.period);
      break;
    case 'file':
      if (typeof def.path !== 'string' || def.path === '')
        invalidArgument(`\`path\` of ${where}`, 'a path or glob', def.path);
      break;
    case 'http':
      if (typeof def.url !== 'string' || !/^https?:\/\//.test(def.url))
        invalidArgument(`\`url\` of ${where}`, 'an http:// or https:// URL', def.url);
      if (def.body !== undefined && typeof def.body !== 'function')
        invalidArgument(`\`body\` of ${where}`, 'a function of the body text', def.body);
      break;
    case 'check':
      if (typeof def.check !== 'function')
        invalidArgument(`the check of ${where}`, 'a function', def.check);
      break;
    default:
      invalidArgument(where, 'a sensor kind', (def as { kind: unknown }).kind);
  }
}

/**
 * What a sensor node of `def` waits for, for people (the reason of its `waiting` state), or
 * undefined for a node that is not a sensor.
 *
 * @example
 * ```ts
 * sensorReason(report, 'sales_done'); // 'sensor: a run of sales (succeeded)'
 * ```
 */
export function sensorReason(
  def: { readonly sensors: ReadonlyMap<string, Sensor> },
  node: string,
): string | undefined {
  const s = def.sensors.get(node);
  if (s === undefined) return undefined;
  switch (s.kind) {
    case 'run':
      return `sensor: ${s.task === undefined ? 'a run' : `task ${s.task} of a run`} of ${s.dag} (${(s.accept ?? ['succeeded']).join(' or ')})`;
    case 'signal':
      return `sensor: signal ${s.name}${s.period === 'none' ? '' : ' for the period'}`;
    case 'file':
      return `sensor: file ${s.path}${s.changed === true ? ' changed' : ''}`;
    case 'http':
      return `sensor: ${s.url} answering ${s.status ?? '2xx'}`;
    case 'check':
      return `sensor: check every ${s.intervalMs ?? 30_000} ms`;
  }
}
