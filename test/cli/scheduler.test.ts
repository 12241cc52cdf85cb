import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import { cliJson, cliSpawn, LIB, projectFolder, until } from './helpers.js';

// `tributary scheduler` in a process of its own: a trigger set by another process reaches it
// through the store, the triggered run fires its DAG's declared trigger, and SIGTERM stops it
// cleanly after the runs it started.

const { dir, write } = projectFolder('tributary-scheduler-');

write(
  'dags/extract.dag.ts',
  `import { defineDag } from ${JSON.stringify(LIB)};
export default defineDag({ id: 'extract', dag: (b) => b.addNode('pull'), tasks: { pull: () => 42 },
  triggers: [{ dag: 'load', params: { table: 'sales' } }] });`,
);
write(
  'dags/load.dag.ts',
  `import { defineDag } from ${JSON.stringify(LIB)};
export default defineDag({ id: 'load', dag: (b) => b.addNode('push'),
  tasks: { push: (ctx) => ctx.params.table } });`,
);
write(
  'tributary.config.ts',
  `import { defineProject } from ${JSON.stringify(LIB)};
export default defineProject({ name: 'shop', dags: ['dags/*.dag.ts'] });`,
);

interface RunJson {
  runId: string;
  status: string;
  params: Record<string, unknown>;
}

describe('tributary scheduler', () => {
  it('starts what another process triggers, fires declared triggers, stops on SIGTERM', async () => {
    const db = join(dir, 'scheduler.db');
    expect(cliJson(['trigger', 'extract', '--db', db], dir).code).toBe(0);
    const scheduler = cliSpawn(['scheduler', '--db', db, '--json'], dir);
    let stdout = '';
    scheduler.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    let stderr = '';
    scheduler.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => scheduler.on('exit', resolve));
    try {
      const loads = (): RunJson[] => {
        const r = cliJson<RunJson[]>(['runs', '--dag', 'load', '--db', db], dir);
        return r.code === 0 ? r.value : [];
      };
      await until(
        () => loads().some((r) => r.status === 'succeeded'),
        'the triggered load run',
        60_000,
      );
      const [load] = loads();
      expect(load!.params).toEqual({ table: 'sales' });
      // Unpartitioned runs have period ''; another period has none of them.
      const byPeriod = (key: string) =>
        cliJson<RunJson[]>(['runs', '--dag', 'load', '--period', key, '--db', db], dir).value;
      expect(byPeriod('')).toHaveLength(1);
      expect(byPeriod('2026-12-05T00:00Z')).toEqual([]);
      // A second trigger with the same key is the same run: nothing new starts.
      expect(cliJson(['trigger', 'extract', '--key', 'k1', '--db', db], dir).code).toBe(0);
      expect(cliJson(['trigger', 'extract', '--key', 'k1', '--db', db], dir).code).toBe(0);
      await until(
        () => cliJson<RunJson[]>(['runs', '--dag', 'extract', '--db', db], dir).value.length === 2,
        'the keyed extract run',
        60_000,
      );
    } finally {
      scheduler.kill('SIGTERM');
    }
    expect(await exited, stderr).toBe(0);
    const kinds = stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { kind: string }).kind);
    expect(kinds).toEqual(expect.arrayContaining(['role', 'queued', 'started', 'finished']));
    // The outbox keeps what came of each trigger: the two with key k1 led to one run.
    const triggers = cliJson<{ state: string; runKey: string; runId: string; origin: string }[]>(
      ['triggers', '--dag', 'extract', '--db', db],
      dir,
    ).value;
    expect(triggers.map((t) => [t.state, t.runKey, t.origin.startsWith('cli:')])).toEqual([
      ['done', 'k1', true],
      ['done', 'k1', true],
      ['done', expect.any(String), true],
    ]);
    expect(triggers[0]!.runId).toBe(triggers[1]!.runId);
    // Each run says what made it: the trigger's origin, or the run whose trigger fired.
    const extracts = cliJson<{ origin: string }[]>(['runs', '--dag', 'extract', '--db', db], dir);
    expect(extracts.value.every((r) => r.origin.startsWith('cli:'))).toBe(true);
    const [load] = cliJson<{ origin: string }[]>(['runs', '--dag', 'load', '--db', db], dir).value;
    expect(load!.origin).toMatch(/^run:/);
  });

  it('a trigger with a period key its DAG does not write is a usage error (exit 2)', () => {
    const r = cliJson<{ error: { code: string } }>(
      ['trigger', 'extract', '--period', 'yesterday', '--db', join(dir, 'x.db')],
      dir,
    );
    expect(r.code).toBe(2);
    expect(r.value.error.code).toBe('INVALID_PERIOD_KEY');
  });

  it('a trigger of a DAG the project does not define is DAG_NOT_FOUND', () => {
    const r = cliJson<{ error: { code: string } }>(
      ['trigger', 'nope', '--db', join(dir, 'x.db')],
      dir,
    );
    expect(r.code).toBe(2);
    expect(r.value.error.code).toBe('DAG_NOT_FOUND');
  });
});

describe('a legacy system hands over with a signal', () => {
  it('a queued run starts when another process sets the signal it waits for', async () => {
    const db = join(dir, 'signal.db');
    write(
      'dags/publish.dag.ts',
      `import { defineDag } from ${JSON.stringify(LIB)};
export default defineDag({ id: 'publish', dag: (b) => b.addNode('send'), tasks: { send: () => 1 },
  dependsOn: [{ signal: 'legacy.export_done' }] });`,
    );
    const status = () =>
      cliJson<RunJson[]>(['runs', '--dag', 'publish', '--db', db], dir).value[0]?.status;
    expect(cliJson(['trigger', 'publish', '--db', db], dir).code).toBe(0);
    const scheduler = cliSpawn(['scheduler', '--db', db, '--json'], dir);
    let stdout = '';
    scheduler.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => scheduler.on('exit', resolve));
    try {
      await until(
        () => stdout.includes('waiting for signal legacy.export_done'),
        'the hold',
        60_000,
      );
      expect(status()).toBe('queued');
      expect(cliJson(['signal', 'set', 'legacy.export_done', '--db', db], dir).code).toBe(0);
      await until(() => status() === 'succeeded', 'the run after the signal', 60_000);
    } finally {
      scheduler.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});

describe('a scheduler killed with SIGKILL', () => {
  it('the next scheduler takes the role at once and resumes the run without redoing its work', async () => {
    const db = join(dir, 'killed.db');
    const marks = join(dir, 'marks.txt');
    const go = join(dir, 'go');
    write(
      'dags/slow.dag.ts',
      `import { appendFileSync, existsSync } from 'node:fs';
import { defineDag } from ${JSON.stringify(LIB)};
export default defineDag({ id: 'slow', dag: (b) => b.addEdge('first', 'second'), tasks: {
  first: () => appendFileSync(${JSON.stringify(marks)}, 'first\\n'),
  second: async () => {
    while (!existsSync(${JSON.stringify(go)})) await new Promise((r) => setTimeout(r, 20));
    appendFileSync(${JSON.stringify(marks)}, 'second\\n');
  },
} });`,
    );
    const status = () =>
      cliJson<RunJson[]>(['runs', '--dag', 'slow', '--db', db], dir).value[0]?.status;
    const marked = () => (existsSync(marks) ? readFileSync(marks, 'utf8') : '');
    expect(cliJson(['trigger', 'slow', '--db', db], dir).code).toBe(0);
    const first = cliSpawn(['scheduler', '--db', db], dir);
    const firstExit = new Promise((resolve) => first.on('exit', resolve));
    await until(() => marked() === 'first\n' && status() === 'running', 'the first node', 60_000);
    first.kill('SIGKILL');
    await firstExit;
    const second = cliSpawn(['scheduler', '--db', db, '--json'], dir);
    let stdout = '';
    second.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const secondExit = new Promise<number | null>((resolve) => second.on('exit', resolve));
    try {
      await until(() => stdout.includes('"resumed"'), 'the resume', 60_000);
      writeFileSync(go, '');
      await until(() => status() === 'succeeded', 'the resumed run', 60_000);
    } finally {
      second.kill('SIGTERM');
    }
    expect(await secondExit).toBe(0);
    expect(marked()).toBe('first\nsecond\n'); // first ran once: its success was journaled
  });

  it('a scheduler killed while a sensor waits: the next one watches it again, and it fires once', async () => {
    const db = join(dir, 'sensor.db');
    write(
      'dags/gated.dag.ts',
      `import { defineDag, sensor } from ${JSON.stringify(LIB)};
export default defineDag({ id: 'gated', dag: (b) => b.addEdge('go_signal', 'work'),
  tasks: { work: (ctx) => ctx.upstream('go_signal') },
  sensors: { go_signal: sensor.signal({ name: 'gate.open', period: 'none' }) } });`,
    );
    const store = SqliteStore.open(db);
    try {
      const gated = async () => (await store.listRuns({ dagId: 'gated' }))[0];
      const journal = async () =>
        (await store.loadEvents((await gated())!.runId)).map((e) => e.type);
      expect(cliJson(['trigger', 'gated', '--db', db], dir).code).toBe(0);
      const first = cliSpawn(['scheduler', '--db', db], dir);
      const firstExit = new Promise((resolve) => first.on('exit', resolve));
      await until(
        async () => (await gated()) !== undefined && (await journal()).includes('node_waiting'),
        'the waiting sensor',
        60_000,
      );
      const owner = (await gated())!.owner;
      first.kill('SIGKILL');
      await firstExit;
      const second = cliSpawn(['scheduler', '--db', db], dir);
      const secondExit = new Promise<number | null>((resolve) => second.on('exit', resolve));
      try {
        // The next scheduler takes the run over; its sensor still waits.
        await until(
          async () => {
            const run = await gated();
            return run?.owner !== undefined && run.owner !== owner;
          },
          'the takeover',
          60_000,
        );
        expect((await gated())!.status).toBe('running');
        expect(
          cliJson(['signal', 'set', 'gate.open', '--payload', '{"by":"ops"}', '--db', db], dir)
            .code,
        ).toBe(0);
        await until(async () => (await gated())?.status === 'succeeded', 'the sensor', 60_000);
      } finally {
        second.kill('SIGTERM');
      }
      expect(await secondExit).toBe(0);
      const types = await journal();
      expect(types.filter((t) => t === 'node_waiting')).toHaveLength(1);
      expect(types.filter((t) => t === 'wait_ended')).toHaveLength(1);
      expect(types.filter((t) => t === 'task_succeeded')).toHaveLength(1);
    } finally {
      await store.close();
    }
  });
});
