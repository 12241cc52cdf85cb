import { toError } from '../errors/index.js';
import { httpRequest, type Alert, type DagAlerts, type DagDefinition } from '../durable/index.js';
import type {
  AlertKind,
  Change,
  Fenced,
  NewNotification,
  RunStore,
  StoredNotification,
} from '../store/index.js';
import type { Project } from './load-project.js';

/*
 * The scheduler's alert desk. It turns what a pass sees into notifications in the store's
 * outbox, and delivers them:
 *
 * - a run of a DAG with alert targets ended: `failure` (failed, cancelled) or `success`
 *   (succeeded, partially succeeded), one notification per target that asked for that kind;
 * - a scheduled DAG with `slaMs`: each period whose end is `slaMs` past and whose run has not
 *   succeeded is `late`. A mark per DAG (`sla:<dag>`, the end of the last period judged) moves
 *   past each period once it is judged; a DAG seen for the first time starts with the period
 *   in progress.
 *
 * A notification's key names its event and target, so a pass repeated after a crash adds
 * nothing twice. Delivery runs beside the passes (a slow webhook never holds the scheduler):
 * a webhook gets the alert as JSON with the key in an `Idempotency-Key` header, and a 2xx
 * delivers it; anything else is retried with backoff (1 s, 2 s, 4 s ... up to 5 min) and given
 * up after `MAX_ATTEMPTS`. Each attempt's outcome is written to the notification (the audit
 * trail of alerts). Delivery is at least once: a crash between a webhook's answer and its
 * record sends it again, with the same key.
 */

const MAX_ATTEMPTS = 8;

/** The alert desk of one scheduler (see above). */
export class AlertDesk {
  readonly #project: Project;
  readonly #store: RunStore;
  readonly #fenced: () => Fenced;
  readonly #onError: (error: Error) => void;
  /** The DAGs with an SLA and a schedule: a pass looks at these only (O(1) for the others). */
  readonly #withSla: readonly DagDefinition[];
  #delivering: Promise<void> | undefined;

  constructor(
    project: Project,
    store: RunStore,
    fenced: () => Fenced,
    onError: (error: Error) => void,
  ) {
    this.#project = project;
    this.#store = store;
    this.#fenced = fenced;
    this.#onError = onError;
    this.#withSla = [...project.dags]
      .map((d) => d.definition)
      .filter((d) => d.alerts.slaMs !== undefined && d.scheduling.schedule !== undefined);
  }

  /** A run of `def` ended (a `run.status` change to a final status). */
  async runEnded(def: DagDefinition, change: Change, now: number): Promise<void> {
    if (def.alerts.targets.length === 0 || change.status === undefined) return;
    const failed = change.status === 'failed' || change.status === 'cancelled';
    const period =
      change.periodKey === undefined || change.periodKey === '' ? '' : ` for ${change.periodKey}`;
    await this.#add(def.alerts, failed ? 'failure' : 'success', `${change.subject}`, {
      dagId: def.id,
      runId: change.subject,
      ...(change.periodKey === undefined ? {} : { periodKey: change.periodKey }),
      status: change.status,
      message: `Run ${change.subject} of ${def.id}${period} ended ${change.status}`,
      at: now,
    });
  }

  /** Judge the periods whose SLA has passed since the last pass. */
  async checkSla(now: number): Promise<void> {
    for (const def of this.#withSla) {
      const slaMs = def.alerts.slaMs!;
      const schedule = def.scheduling.schedule!;
      const name = `sla:${def.id}`;
      const mark = await this.#store.getMark(name);
      if (mark === undefined) {
        // First sight: judge from the period in progress on, not the past.
        const from = schedule.lastClosed(now)?.end ?? now;
        await this.#store.setMark(name, String(from), this.#fenced());
        continue;
      }
      let judged = Number(mark);
      const until = now - slaMs;
      if (until <= judged) continue;
      for (const period of schedule.periods(judged, until, { match: 'within' })) {
        const run = await this.#store.findRun(def.id, period.key, '');
        if (run?.status !== 'succeeded') {
          await this.#add(def.alerts, 'late', period.key, {
            dagId: def.id,
            periodKey: period.key,
            ...(run === undefined ? {} : { runId: run.runId, status: run.status }),
            message: `${def.id} for ${period.key} has not succeeded within ${slaMs} ms of the period's end (${run === undefined ? 'no run' : `run ${run.runId} is ${run.status}`})`,
            at: now,
          });
        }
        judged = period.end;
        await this.#store.setMark(name, String(judged), this.#fenced());
      }
    }
  }

  /** Deliver the notifications due now, beside the passes; one delivery round at a time. */
  deliver(now: number): void {
    if (this.#delivering !== undefined) return;
    this.#delivering = this.#deliverDue(now)
      .catch((error: unknown) => this.#onError(toError(error)))
      .finally(() => (this.#delivering = undefined));
  }

  /** Resolve once the delivery round in flight (if any) is over. */
  async idle(): Promise<void> {
    await this.#delivering;
  }

  async #add(
    alerts: DagAlerts,
    kind: AlertKind,
    event: string,
    alert: Omit<Alert, 'kind' | 'key'>,
  ): Promise<void> {
    const list: NewNotification[] = [];
    for (const t of alerts.targets) {
      if (!t.on.includes(kind)) continue;
      const key = `${kind}:${alert.dagId}:${event}:${t.target}`;
      list.push({
        key,
        kind,
        dagId: alert.dagId,
        ...(alert.runId === undefined ? {} : { runId: alert.runId }),
        ...(alert.periodKey === undefined ? {} : { periodKey: alert.periodKey }),
        target: t.target,
        body: JSON.stringify({ kind, key, ...alert }),
        at: alert.at,
      });
    }
    if (list.length > 0) await this.#store.addNotifications(list, this.#fenced());
  }

  async #deliverDue(now: number): Promise<void> {
    for (const n of await this.#store.dueNotifications(now)) {
      let error: string | undefined;
      try {
        await this.#send(n);
      } catch (caught) {
        error = toError(caught).message;
      }
      const at = Date.now();
      await this.#store.recordDelivery(
        n.id,
        error === undefined
          ? { delivered: at }
          : n.attempts + 1 >= MAX_ATTEMPTS
            ? { error }
            : { error, retryAt: now + Math.min(300_000, 1_000 * 2 ** n.attempts) },
        this.#fenced(),
      );
    }
  }

  async #send(n: StoredNotification): Promise<void> {
    const def = this.#project.dags.get(n.dagId)?.definition;
    const target = def?.alerts.targets.find((t) => t.target === n.target);
    if (n.target.startsWith('webhook:')) {
      const url = n.target.slice('webhook:'.length);
      const answer = await httpRequest('POST', url, {
        body: n.body,
        headers: {
          'content-type': 'application/json',
          'idempotency-key': n.key,
          ...(target !== undefined && 'headers' in target ? target.headers : {}),
        },
      });
      if (answer.status < 200 || answer.status >= 300)
        throw new Error(`${url} answered ${answer.status}: ${answer.text.slice(0, 200)}`);
      return;
    }
    if (target === undefined || !('hook' in target))
      throw new Error(`no hook ${n.target} in DAG ${n.dagId} of this project`);
    await target.hook(JSON.parse(n.body) as Alert);
  }
}
