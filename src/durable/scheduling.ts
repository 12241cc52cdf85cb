import { invalidArgument, TributaryError } from '../errors/index.js';
import type { RunStatus } from '../engine/index.js';
import { checkSignalKey } from '../store/index.js';
import { checkMappingOption } from './mapping-option.js';
import {
  CronSchedule,
  cronSchedule,
  sameWindowMapping,
  UNPARTITIONED_SPACE,
  type PartitionMapping,
  type PeriodSpace,
} from '../time/index.js';
import {
  assetConditionOf,
  type AssetCondition,
  type AssetConditionInput,
} from './asset-conditions.js';

/** When a DAG runs by itself: a cron expression in a time zone (UTC by default). */
export interface ScheduleOptions {
  readonly cron: string;
  /** IANA zone the expression is read in. Default `UTC`. */
  readonly timezone?: string;
  /** Run a period this long after it closes (late data), in ms. Default 0. */
  readonly delayMs?: number;
  /** No period starts before this instant (epoch ms): no catch-up before it. */
  readonly start?: number;
}

/** A declared dependency: run for period P once the upstream's runs for the mapped periods ended in an accepted state. */
export interface DependencyOptions {
  /** The upstream DAG's id. */
  readonly dag: string;
  /** Upstream run statuses that satisfy the dependency. Default `['succeeded']`. */
  readonly accept?: readonly RunStatus[];
  /** Which upstream periods a downstream period needs. Default: the same window. */
  readonly mapping?: PartitionMapping;
  /**
   * The upstream is in another environment, on purpose (a migration): without it `validate`
   * refuses the dependency with `CROSS_ENVIRONMENT`. Default false.
   */
  readonly crossEnvironment?: boolean;
}

/** When a trigger fires, by the upstream run's final status. */
export type TriggerOn = 'success' | 'partial_success' | 'failure' | 'finish';

/** A trigger: start DAG `dag` when a run of this DAG ends as `on` says. */
export interface TriggerOptions {
  readonly dag: string;
  /** Default `'success'`. */
  readonly on?: TriggerOn;
  /** Params of the triggered run (over its defaults). */
  readonly params?: Readonly<Record<string, unknown>>;
  /** Which periods of the triggered DAG the finished period maps to. Default: the same window. */
  readonly mapping?: PartitionMapping;
  /**
   * The triggered DAG is in another environment, on purpose: without it `validate` refuses the
   * trigger with `CROSS_ENVIRONMENT`. Default false.
   */
  readonly crossEnvironment?: boolean;
}

/** A dependency with its defaults filled in. */
export interface Dependency {
  readonly dag: string;
  readonly accept: readonly RunStatus[];
  readonly mapping: PartitionMapping;
  readonly crossEnvironment: boolean;
}

/** A dependency on an external signal (see `tributary signal`). */
export interface SignalDependencyOptions {
  /** The signal's name. */
  readonly signal: string;
  /** `same` (default): the signal set for the run's period; `none`: the one set without a period. */
  readonly period?: 'same' | 'none';
}

/** A signal dependency with its defaults filled in. */
export interface SignalDependency {
  readonly signal: string;
  readonly period: 'same' | 'none';
}

/** A trigger with its defaults filled in. */
export interface Trigger {
  readonly dag: string;
  readonly on: TriggerOn;
  readonly params: Readonly<Record<string, unknown>>;
  readonly mapping: PartitionMapping;
  readonly crossEnvironment: boolean;
}

/** How a DAG is scheduled, checked and with defaults: what the scheduler reads. */
export interface DagScheduling {
  /**
   * The DAG's partitions: its schedule's windows, its `partitions` (time, static or dynamic),
   * or the one unpartitioned period.
   */
  readonly periods: PeriodSpace;
  readonly schedule: CronSchedule | undefined;
  /** The asset updates that start a run (see `AssetCondition`); undefined: none. */
  readonly onAssets: AssetCondition | undefined;
  /** Dependencies on other DAGs' runs. */
  readonly dependsOn: readonly Dependency[];
  /** Dependencies on signals. */
  readonly signals: readonly SignalDependency[];
  readonly triggers: readonly Trigger[];
  /** Runs of this DAG active at once; more wait `queued`. Undefined: no limit. */
  readonly maxActiveRuns: number | undefined;
}

const STATUSES: readonly RunStatus[] = ['succeeded', 'partially_succeeded', 'failed', 'cancelled'];
const TRIGGER_ON: readonly TriggerOn[] = ['success', 'partial_success', 'failure', 'finish'];
const DAG_ID = /^[A-Za-z0-9_.-]+$/;

/**
 * Check and complete the scheduling options of DAG `id`. Errors name the DAG and quote the
 * value: `INVALID_CRON` and `UNKNOWN_TIMEZONE` from the schedule, `INVALID_ARGUMENT` for the rest.
 *
 * @example
 * ```ts
 * const s = dagScheduling('report', { schedule: { cron: '0 2 * * *', timezone: 'Europe/Paris' } });
 * s.periods === s.schedule; // true
 * ```
 */
export function dagScheduling(
  id: string,
  options: {
    readonly schedule?: string | ScheduleOptions | CronSchedule | undefined;
    readonly partitions?: PeriodSpace | undefined;
    readonly onAssets?: AssetConditionInput | readonly AssetConditionInput[] | undefined;
    readonly dependsOn?: readonly (DependencyOptions | SignalDependencyOptions)[] | undefined;
    readonly triggers?: readonly TriggerOptions[] | undefined;
    readonly maxActiveRuns?: number | undefined;
  },
): DagScheduling {
  const schedule = scheduleOf(id, options.schedule);
  const { maxActiveRuns } = options;
  if (maxActiveRuns !== undefined && !(Number.isInteger(maxActiveRuns) && maxActiveRuns >= 1))
    invalidArgument(`\`maxActiveRuns\` of "${id}"`, 'an integer >= 1', maxActiveRuns);
  const dependencies: Dependency[] = [];
  const signals: SignalDependency[] = [];
  listOf(id, 'dependsOn', options.dependsOn).forEach((given, i) => {
    if (typeof given === 'object' && given !== null && 'signal' in given)
      signals.push(signalDependencyOf(id, given, i));
    else dependencies.push(dependencyOf(id, given, i));
  });
  return {
    periods: schedule ?? partitionsOf(id, options.partitions, schedule) ?? UNPARTITIONED_SPACE,
    schedule,
    onAssets: assetConditionOf(id, options.onAssets),
    dependsOn: dependencies,
    signals,
    triggers: listOf(id, 'triggers', options.triggers).map((t, i) => triggerOf(id, t, i)),
    maxActiveRuns,
  };
}

function scheduleOf(
  id: string,
  given: string | ScheduleOptions | CronSchedule | undefined,
): CronSchedule | undefined {
  if (given === undefined || given instanceof CronSchedule) return given;
  const options: ScheduleOptions =
    typeof given === 'string'
      ? { cron: given }
      : typeof given === 'object' && given !== null
        ? given
        : invalidArgument(
            `\`schedule\` of "${id}"`,
            'a cron expression or { cron, timezone?, delayMs?, start? }',
            given,
          );
  if (typeof options.cron !== 'string')
    invalidArgument(`\`schedule.cron\` of "${id}"`, 'a cron expression', options.cron);
  try {
    return cronSchedule(options.cron, {
      ...(options.timezone === undefined ? {} : { timezone: options.timezone }),
      ...(options.delayMs === undefined ? {} : { delay: options.delayMs }),
      ...(options.start === undefined ? {} : { start: options.start }),
    });
  } catch (error) {
    // The same code, with the DAG named: a project has many schedules.
    if (!(error instanceof TributaryError)) throw error;
    throw new TributaryError(error.code, `Schedule of DAG "${id}": ${error.message}`, {
      context: { ...error.context, dagId: id },
      cause: error,
    });
  }
}

function partitionsOf(
  id: string,
  given: PeriodSpace | undefined,
  schedule: CronSchedule | undefined,
): PeriodSpace | undefined {
  if (given === undefined) return undefined;
  const space = given as unknown as Record<string, unknown> | null;
  if (
    typeof space !== 'object' ||
    space === null ||
    typeof space.parse !== 'function' ||
    typeof space.kind !== 'string'
  )
    invalidArgument(
      `\`partitions\` of "${id}"`,
      'a partition set: dailyPartitions(...), staticPartitions([...]), dynamicPartitions(name), ...',
      given,
    );
  if (schedule !== undefined && (given as unknown) !== schedule)
    invalidArgument(
      `\`partitions\` of "${id}"`,
      'no partitions beside a `schedule` (a schedule is the partitions; pass dailyPartitions(...) as the `schedule` to run it on time)',
      given,
    );
  return given;
}

function listOf<T>(id: string, field: string, value: readonly T[] | undefined): readonly T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) invalidArgument(`\`${field}\` of "${id}"`, 'an array', value);
  return value as readonly T[];
}

function dagRef(id: string, where: string, dag: unknown): string {
  if (typeof dag !== 'string' || !DAG_ID.test(dag))
    invalidArgument(`the \`dag\` of ${where} of "${id}"`, 'a DAG id', dag);
  return dag;
}

function mappingOf(
  id: string,
  where: string,
  mapping: PartitionMapping | undefined,
): PartitionMapping {
  if (mapping === undefined) return sameWindowMapping;
  checkMappingOption(mapping, `the \`mapping\` of ${where} of "${id}"`);
  return mapping;
}

function dependencyOf(id: string, given: DependencyOptions, i: number): Dependency {
  const where = `dependsOn[${i}]`;
  if (typeof given !== 'object' || given === null)
    invalidArgument(`${where} of "${id}"`, '{ dag, accept?, mapping?, crossEnvironment? }', given);
  const dag = dagRef(id, where, given.dag);
  const accept: unknown = given.accept ?? ['succeeded'];
  if (!Array.isArray(accept) || accept.length === 0)
    invalidArgument(
      `\`accept\` of ${where} of "${id}"`,
      'a non-empty array of run statuses',
      accept,
    );
  const statuses: RunStatus[] = [];
  for (const status of accept as unknown[]) {
    if (!STATUSES.includes(status as RunStatus))
      invalidArgument(
        `a status in \`accept\` of ${where} of "${id}"`,
        `one of ${STATUSES.join(', ')}`,
        status,
      );
    statuses.push(status as RunStatus);
  }
  return {
    dag,
    accept: statuses,
    mapping: mappingOf(id, where, given.mapping),
    crossEnvironment: crossEnvironmentOf(id, where, given.crossEnvironment),
  };
}

function signalDependencyOf(
  id: string,
  given: SignalDependencyOptions,
  i: number,
): SignalDependency {
  const where = `dependsOn[${i}]`;
  try {
    checkSignalKey(given.signal, '');
  } catch (error) {
    if (!(error instanceof TributaryError)) throw error;
    throw new TributaryError(error.code, `${where} of "${id}": ${error.message}`, {
      context: { ...error.context, dagId: id },
      cause: error,
    });
  }
  const period = given.period ?? 'same';
  if (period !== 'same' && period !== 'none')
    invalidArgument(`\`period\` of ${where} of "${id}"`, "'same' or 'none'", period);
  return { signal: given.signal, period };
}

function triggerOf(id: string, given: TriggerOptions, i: number): Trigger {
  const where = `triggers[${i}]`;
  if (typeof given !== 'object' || given === null)
    invalidArgument(
      `${where} of "${id}"`,
      '{ dag, on?, params?, mapping?, crossEnvironment? }',
      given,
    );
  const dag = dagRef(id, where, given.dag);
  const on = given.on ?? 'success';
  if (!TRIGGER_ON.includes(on))
    invalidArgument(`\`on\` of ${where} of "${id}"`, `one of ${TRIGGER_ON.join(', ')}`, on);
  const params = given.params ?? {};
  if (typeof params !== 'object' || params === null || Array.isArray(params))
    invalidArgument(`\`params\` of ${where} of "${id}"`, 'an object', params);
  return {
    dag,
    on,
    params: { ...params },
    mapping: mappingOf(id, where, given.mapping),
    crossEnvironment: crossEnvironmentOf(id, where, given.crossEnvironment),
  };
}

function crossEnvironmentOf(id: string, where: string, given: unknown): boolean {
  if (given !== undefined && typeof given !== 'boolean')
    invalidArgument(`\`crossEnvironment\` of ${where} of "${id}"`, 'true or false', given);
  return given === true;
}
