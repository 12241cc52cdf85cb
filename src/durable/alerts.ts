import { invalidArgument } from '../errors/index.js';
import type { AlertKind } from '../store/index.js';

/** An alert, as a webhook receives it (JSON) and a hook is called with it. */
export interface Alert {
  readonly kind: AlertKind;
  readonly dagId: string;
  readonly runId?: string;
  readonly periodKey?: string;
  /** The run's final status (failure, success). */
  readonly status?: string;
  /** For people: what happened. */
  readonly message: string;
  /** When the scheduler saw it (epoch ms). */
  readonly at: number;
  /** The same for every delivery of this alert to this target: a receiver's dedupe key. */
  readonly key: string;
}

/** Where alerts go: a webhook (POSTed JSON, retried) or a function of this process. */
export type AlertTarget =
  | {
      readonly webhook: string;
      /** Default `['failure', 'late']`. */
      readonly on?: readonly AlertKind[];
      readonly headers?: Readonly<Record<string, string>>;
    }
  | {
      /** Names the hook in the outbox (`hook:<name>`): stable across deployments. */
      readonly name: string;
      readonly hook: (alert: Alert) => void | Promise<void>;
      /** Default `['failure', 'late']`. */
      readonly on?: readonly AlertKind[];
    };

/** Options of a DAG's alerts. */
export interface AlertOptions {
  /**
   * A period's run must have succeeded within this long after the period ends, in ms;
   * otherwise a `late` alert (scheduled DAGs).
   */
  readonly slaMs?: number;
  readonly to: readonly AlertTarget[];
}

/** A DAG's alerts, checked: each target with its outbox name and kinds. */
export interface DagAlerts {
  readonly slaMs: number | undefined;
  readonly targets: readonly (AlertTarget & {
    readonly target: string;
    readonly on: readonly AlertKind[];
  })[];
}

const KINDS: readonly AlertKind[] = ['failure', 'success', 'late'];
const NONE: DagAlerts = Object.freeze({ slaMs: undefined, targets: [] });

/**
 * Check the alert options of DAG `id`: `INVALID_ARGUMENT` quoting a bad value.
 *
 * @example
 * ```ts
 * dagAlerts('report', { slaMs: 3_600_000, to: [{ webhook: 'https://ops.example/hook' }] });
 * ```
 */
export function dagAlerts(id: string, given: AlertOptions | undefined): DagAlerts {
  if (given === undefined) return NONE;
  if (typeof given !== 'object' || given === null || !Array.isArray(given.to))
    invalidArgument(`\`alerts\` of "${id}"`, '{ slaMs?, to: [targets] }', given);
  const { slaMs } = given;
  if (slaMs !== undefined && !(Number.isFinite(slaMs) && slaMs >= 0))
    invalidArgument(`\`alerts.slaMs\` of "${id}"`, 'a number of ms >= 0', slaMs);
  const to: readonly AlertTarget[] = given.to;
  const names = new Set<string>();
  const targets = to.map((t, i) => {
    const where = `\`alerts.to[${i}]\` of "${id}"`;
    const on: readonly AlertKind[] = t.on ?? ['failure', 'late'];
    if (!Array.isArray(on) || on.some((k: AlertKind) => !KINDS.includes(k)))
      invalidArgument(`\`on\` of ${where}`, `kinds among ${KINDS.join(', ')}`, on);
    let target: string;
    if ('webhook' in t) {
      if (typeof t.webhook !== 'string' || !/^https?:\/\//.test(t.webhook))
        invalidArgument(where, 'an http:// or https:// URL in `webhook`', t.webhook);
      target = `webhook:${t.webhook}`;
    } else if (typeof t.hook === 'function' && typeof t.name === 'string' && t.name !== '') {
      target = `hook:${t.name}`;
    } else invalidArgument(where, '{ webhook } or { name, hook }', t);
    if (names.has(target)) invalidArgument(where, 'a target named once', target);
    names.add(target);
    return { ...t, target, on };
  });
  return { slaMs, targets };
}
