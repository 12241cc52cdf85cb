import { describe, expect, it } from 'vitest';
import { defineDag, startRun, type DagOptions } from '../../src/durable/index.js';
import { MemoryStore } from '../../src/store/index.js';
import { DAGExecutor } from '../../src/executor/index.js';
import { DAG } from '../../src/graph/index.js';
import { TributaryError } from '../../src/errors/index.js';
import {
  CronSchedule,
  cronSchedule,
  identityMapping,
  sameWindowMapping,
  UNPARTITIONED_SPACE,
} from '../../src/time/index.js';

// A DAG's scheduling options (schedule, dependsOn, triggers, maxActiveRuns) are checked when it
// is defined, with errors naming the DAG and quoting the value, and completed with defaults.

const base = { dag: (b: never) => b, tasks: {} } as unknown as Omit<DagOptions, 'id'>;
const define = (id: string, extra: Partial<DagOptions>) =>
  defineDag({ ...base, id, dag: (b) => b.addNode('a'), tasks: { a: () => 1 }, ...extra });

function failure(fn: () => unknown): TributaryError {
  try {
    fn();
  } catch (error) {
    return error as TributaryError;
  }
  throw new Error('expected a failure');
}

describe('DAG scheduling options', () => {
  it('a DAG without a schedule has the one unpartitioned period and no references', () => {
    const { scheduling } = define('plain', {});
    expect(scheduling.periods).toBe(UNPARTITIONED_SPACE);
    expect(scheduling).toMatchObject({ schedule: undefined, dependsOn: [], triggers: [] });
  });

  it('takes a cron string (UTC), an object with a zone and delay, or a cronSchedule', () => {
    const utc = define('utc', { schedule: '0 2 * * *' }).scheduling.schedule!;
    expect(utc.timezone).toBe('UTC');
    const paris = define('paris', {
      schedule: { cron: '0 2 * * *', timezone: 'Europe/Paris', delayMs: 60_000 },
    }).scheduling;
    expect(paris.periods).toBe(paris.schedule);
    expect(paris.schedule).toBeInstanceOf(CronSchedule);
    expect(paris.schedule!.timezone).toBe('Europe/Paris');
    expect(paris.schedule!.delay).toBe(60_000);
    const given = cronSchedule('*/15 * * * *');
    expect(define('given', { schedule: given }).scheduling.schedule).toBe(given);
  });

  it('fills in the defaults of dependencies and triggers', () => {
    const { scheduling } = define('report', {
      dependsOn: [
        { dag: 'sales' },
        {
          dag: 'stock',
          accept: ['succeeded', 'partially_succeeded'],
          mapping: identityMapping,
          crossEnvironment: true,
        },
      ],
      triggers: [{ dag: 'publish' }, { dag: 'alert', on: 'failure', params: { channel: 'ops' } }],
      maxActiveRuns: 2,
    });
    expect(scheduling.dependsOn).toEqual([
      { dag: 'sales', accept: ['succeeded'], mapping: sameWindowMapping, crossEnvironment: false },
      {
        dag: 'stock',
        accept: ['succeeded', 'partially_succeeded'],
        mapping: identityMapping,
        crossEnvironment: true,
      },
    ]);
    expect(scheduling.triggers).toEqual([
      {
        dag: 'publish',
        on: 'success',
        params: {},
        mapping: sameWindowMapping,
        crossEnvironment: false,
      },
      {
        dag: 'alert',
        on: 'failure',
        params: { channel: 'ops' },
        mapping: sameWindowMapping,
        crossEnvironment: false,
      },
    ]);
    expect(scheduling.maxActiveRuns).toBe(2);
    expect(
      define('waits', { dependsOn: [{ signal: 'a.done' }, { signal: 'b.done', period: 'none' }] })
        .scheduling,
    ).toMatchObject({
      dependsOn: [],
      signals: [
        { signal: 'a.done', period: 'same' },
        { signal: 'b.done', period: 'none' },
      ],
    });
  });

  it.each([
    [{ schedule: 'every day' }, 'INVALID_CRON', 'every day'],
    [
      { schedule: { cron: '0 2 * * *', timezone: 'Mars/Olympus' } },
      'UNKNOWN_TIMEZONE',
      'Mars/Olympus',
    ],
    [{ schedule: 42 }, 'INVALID_ARGUMENT', '42'],
    [{ dependsOn: [{ dag: 'has space' }] }, 'INVALID_ARGUMENT', 'has space'],
    [{ dependsOn: [{ dag: 'x', accept: ['done'] }] }, 'INVALID_ARGUMENT', 'done'],
    [{ dependsOn: [{ dag: 'x', mapping: 'identity' }] }, 'INVALID_ARGUMENT', 'identity'],
    [{ triggers: [{ dag: 'x', on: 'always' }] }, 'INVALID_ARGUMENT', 'always'],
    [{ triggers: { dag: 'x' } }, 'INVALID_ARGUMENT', '`triggers`'],
    [{ maxActiveRuns: 0 }, 'INVALID_ARGUMENT', '`maxActiveRuns`'],
    [{ dependsOn: [{ signal: 'has space' }] }, 'INVALID_ARGUMENT', 'has space'],
    [{ dependsOn: [{ signal: 'ok', period: 'each' }] }, 'INVALID_ARGUMENT', 'each'],
    [{ dependsOn: [{ dag: 'x', crossEnvironment: 'yes' }] }, 'INVALID_ARGUMENT', 'yes'],
    [{ triggers: [{ dag: 'x', crossEnvironment: 1 }] }, 'INVALID_ARGUMENT', '`crossEnvironment`'],
    [{ environment: 'prod eu' }, 'INVALID_ARGUMENT', 'prod eu'],
  ])('%j is refused with %s, naming the DAG and quoting the value', (extra, code, quoted) => {
    const error = failure(() => define('nightly', extra as Partial<DagOptions>));
    expect(error).toBeInstanceOf(TributaryError);
    expect(error.code).toBe(code);
    expect(error.message).toContain('"nightly"');
    expect(error.message).toContain(quoted);
  });
});

describe('run identity', () => {
  it('a second start for the same (dag, period, key) is RUN_EXISTS naming the existing run', async () => {
    const store = new MemoryStore();
    const def = define('daily', { schedule: '0 0 * * *' });
    const period = '2026-12-05T00:00Z';
    const first = await startRun(def, { store, runId: 'a', partitionKey: period, runKey: '' });
    expect(first.status).toBe('succeeded');
    let caught: unknown;
    try {
      await startRun(def, { store, runId: 'b', partitionKey: period, runKey: '' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'RUN_EXISTS', context: { existingRunId: 'a' } });
    // A period key the DAG's schedule does not write is refused before anything is recorded.
    let bad: unknown;
    try {
      await startRun(def, { store, runId: 'x', partitionKey: '2026-12-05' });
    } catch (error) {
      bad = error;
    }
    expect(bad).toMatchObject({ code: 'INVALID_PERIOD_KEY' });
    expect(await store.getRun('x')).toBeUndefined();
    // Another key (a re-run), or no key (a manual run), is another run.
    await startRun(def, { store, runId: 'c', partitionKey: period, runKey: 'rerun-1' });
    await startRun(def, { store, runId: 'd', partitionKey: period });
    expect((await store.listRuns({ periodKey: period })).map((r) => r.runId).sort()).toEqual([
      'a',
      'c',
      'd',
    ]);
  });
});

describe('params schema', () => {
  /** A Standard Schema v1, written out: `day` must be a string, `n` a number (strings coerced). */
  const schema = {
    '~standard': {
      version: 1 as const,
      vendor: 'test',
      validate: async (value: unknown) => {
        const v = value as Record<string, unknown>;
        const issues: { message: string; path: string[] }[] = [];
        if (typeof v.day !== 'string') issues.push({ message: 'Required string', path: ['day'] });
        const n = typeof v.n === 'string' ? Number(v.n) : v.n;
        if (typeof n !== 'number' || Number.isNaN(n))
          issues.push({ message: 'Expected a number', path: ['n'] });
        return issues.length > 0 ? { issues } : { value: { ...v, n } };
      },
    },
  };

  it('a run gets the schema output; params that do not match are refused before any run', async () => {
    const store = new MemoryStore();
    const def = define('typed', { params: { n: '3' }, paramsSchema: schema });
    await startRun(def, { store, runId: 'ok', params: { day: '2026-12-05' } });
    expect((await store.getRun('ok'))?.params).toEqual({ day: '2026-12-05', n: 3 });
    const error = await startRun(def, { store, runId: 'bad', params: { n: 'many' } }).then(
      () => undefined,
      (e: unknown) => e as TributaryError,
    );
    expect(error?.code).toBe('INVALID_ARGUMENT');
    expect(error?.message).toBe(
      'Params of DAG "typed" do not match its schema: day: Required string; n: Expected a number (got {"n":"many"})',
    );
    expect(await store.getRun('bad')).toBeUndefined();
  });

  it('a paramsSchema that is not a Standard Schema is refused at definition', () => {
    const error = failure(() => define('typed', { paramsSchema: { parse: () => 1 } as never }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('Standard Schema');
  });
});

describe('triggers fired by a task', () => {
  it('are committed with the attempt that succeeds, and dropped with one that fails', async () => {
    const store = new MemoryStore();
    const def = defineDag({
      id: 'fire',
      dag: (b) =>
        b
          .addNode('a')
          .addNode('b')
          .addNode('c', { payload: { retry: { maxAttempts: 2, initialDelayMs: 0 } } }),
      tasks: {
        a: (ctx) => ctx.trigger('report', { params: { n: 1 } }),
        b: (ctx) => {
          ctx.trigger('audit');
          throw new Error('b fails after firing');
        },
        c: (ctx) => {
          ctx.trigger('mailer', { key: `attempt-${ctx.attempt}` });
          if (ctx.attempt === 1) throw new Error('first attempt fails');
        },
      },
    });
    await startRun(def, { store, runId: 'r1' });
    const pending = await store.pendingTriggers();
    expect(pending.map((t) => [t.dagId, t.periodKey, t.runKey, t.params, t.origin])).toEqual([
      ['report', '', 'task:r1/a', '{"n":1}', 'task:r1/a'],
      ['mailer', '', 'attempt-2', undefined, 'task:r1/c'],
    ]);
  });

  it('need a durable run: in memory, ctx.trigger fails the attempt with a typed error', async () => {
    const result = await new DAGExecutor(DAG.builder().addNode('a').build()).execute({
      a: (ctx) => ctx.trigger('report'),
    });
    const error = result.nodeResults.get('a')!.error as TributaryError;
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('triggers need a durable run');
  });
});
