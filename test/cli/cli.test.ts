import { mkdtempSync, rmSync, writeFileSync, copyFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { cli, cliJson, cliSpawn, until } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tributary-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const db = (name: string): string => join(dir, `${name}.db`);

/** `tributary show <runId> --json`: the run's status and every node's state. */
const showRun = (runId: string, file: string) =>
  cliJson<{ run: { status: string }; nodes: { name: string; state: string }[] }>([
    'show',
    runId,
    '--db',
    file,
  ]).value;

describe('tributary CLI', () => {
  it('runs the example ETL, shows it, audits its modification and refuses to resume a finished run', () => {
    const run = cliJson<{ runId: string; status: string; nodes: { name: string }[] }>([
      'run',
      'examples/etl.ts',
      '--db',
      db('etl'),
      '--param',
      'delayMs=1',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.value.status).toBe('succeeded');
    expect(run.value.nodes.map((n) => n.name)).toContain('process_orders');

    const audit = cli(['audit', run.value.runId, '--db', db('etl')]);
    expect(audit.code).toBe(0);
    expect(audit.stdout).toContain('APPLIED by node:discover_tables');
    expect(audit.stdout).toContain('discovered 4 tables');

    const logs = cli(['logs', run.value.runId, 'process_orders', '--db', db('etl')]);
    expect(logs.stdout).toMatch(/process_orders#1 INFO processed orders \{"rows":1000\}/);

    const resumed = cli(['resume', run.value.runId, '--db', db('etl')]);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('already finished (succeeded): nothing to resume');

    const runs = cliJson<{ runId: string; status: string }[]>(['runs', '--db', db('etl')]);
    expect(runs.value.map((r) => r.runId)).toEqual([run.value.runId]);
  });

  it('exits 1 for a failed run and 0 for a partially succeeded one', () => {
    const failed = cliJson<{ status: string }>([
      'run',
      'test/fixtures/failing.ts',
      '--dag',
      'failing',
      '--db',
      db('fail'),
    ]);
    expect(failed.code).toBe(1);
    expect(failed.value.status).toBe('failed');
    const partial = cliJson<{ status: string }>([
      'run',
      'test/fixtures/failing.ts',
      '--dag',
      'partial',
      '--db',
      db('fail'),
    ]);
    expect(partial.code).toBe(0);
    expect(partial.value.status).toBe('partially_succeeded');
  });

  it('prints graphs and validates modules', () => {
    const mermaid = cli(['graph', 'examples/etl.ts', '--format', 'mermaid']);
    expect(mermaid.code).toBe(0);
    expect(mermaid.stdout).toContain('flowchart TD');
    const json = JSON.parse(cli(['graph', 'examples/etl.ts', '--format', 'json']).stdout) as {
      nodes: unknown[];
    };
    expect(json.nodes).toHaveLength(3);
    const valid = cliJson<{ valid: boolean; dags: { id: string }[] }>([
      'validate',
      'examples/etl.ts',
    ]);
    expect(valid.value.dags.map((d) => d.id)).toEqual(['dynamic_etl']);
  });

  describe('bad input gets a typed error quoting what was received, exit 2', () => {
    beforeAll(async () => {
      await SqliteStore.open(db('empty')).close();
    });
    const cases: [string, string[], RegExp][] = [
      [
        'unknown run id',
        ['show', 'no-such-run', '--db', db('empty')],
        /RUN_NOT_FOUND: No run with id "no-such-run"/,
      ],
      [
        'bad param',
        ['run', 'examples/etl.ts', '--db', db('empty'), '--param', 'oops'],
        /INVALID_ARGUMENT: Expected --param as key=value, got `"oops"`/,
      ],
      [
        'module with no DAGs',
        ['run', 'test/fixtures/no-dags.ts', '--db', db('empty')],
        /DAG_NOT_FOUND: .*no-dags.ts exports no DAG definitions/,
      ],
      [
        'module that throws on import',
        ['validate', 'test/fixtures/throws-on-import.ts'],
        /MODULE_LOAD_FAILED: .*threw while loading: boom at import/,
      ],
      ['missing module', ['validate', 'nope.ts'], /MODULE_LOAD_FAILED: Module not found: nope.ts/],
      [
        'several DAGs and no --dag',
        ['run', 'test/fixtures/failing.ts', '--db', db('empty')],
        /defines 2 DAGs \(failing, partial\): choose one with --dag/,
      ],
      [
        'unknown graph format',
        ['graph', 'examples/etl.ts', '--format', 'png'],
        /Expected --format to be one of .*got `png`/,
      ],
      ['unknown command', ['explode'], /unknown command 'explode'/],
      [
        'unknown run status',
        ['runs', '--db', db('empty'), '--status', 'bogus'],
        /Expected --status to be one of .*got `bogus`/,
      ],
    ];
    for (const [what, args, message] of cases) {
      it(what, () => {
        const r = cli(args);
        expect(r.stderr).toMatch(message);
        expect(r.code).toBe(2);
        expect(r.stderr).not.toContain('    at '); // no stack trace without --verbose
      });
    }
  });

  it('a corrupt or truncated database fails with STORE_CORRUPT and is left as it was', () => {
    const garbage = join(dir, 'garbage.db');
    writeFileSync(garbage, 'this is not a database at all, just text'.repeat(200));
    const before = readFileSync(garbage);
    const r = cli(['runs', '--db', garbage]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/STORE_CORRUPT: Cannot open database .*garbage.db/);
    expect(readFileSync(garbage).equals(before)).toBe(true);

    const truncated = join(dir, 'truncated.db');
    copyFileSync(db('etl'), truncated);
    const bytes = readFileSync(truncated);
    writeFileSync(truncated, bytes.subarray(0, 1000));
    const t = cli(['runs', '--db', truncated]);
    expect(t.code).toBe(1);
    expect(t.stderr).toMatch(/STORE_CORRUPT/);
  });

  it('cancels a live run through its owner, which stops and exits 1', async () => {
    const file = db('live-cancel');
    const child = cliSpawn(['run', 'examples/etl.ts', '--db', file, '--param', 'delayMs=60000']);
    const exitCode = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    let runId = '';
    await until(() => {
      runId = cliJson<{ runId: string }[]>(['runs', '--db', file]).value[0]?.runId ?? '';
      return (
        runId !== '' &&
        cliJson<{ nodes: { state: string }[] }>(['show', runId, '--db', file]).value.nodes.some(
          (n) => n.state === 'running',
        )
      );
    }, 'a running run');
    const stolen = cli(['resume', runId, '--db', file]);
    expect(stolen.stderr).toContain('RUN_ACTIVE');
    expect(stolen.code).toBe(1);
    const requested = cli(['cancel', runId, '--db', file]);
    expect(requested.stdout).toContain('Cancel requested');
    expect(await exitCode).toBe(1);
    const shown = cliJson<{ run: { status: string }; nodes: { state: string }[] }>([
      'show',
      runId,
      '--db',
      file,
    ]).value;
    expect(shown.run.status).toBe('cancelled');
    expect(shown.nodes.every((n) => n.state === 'cancelled' || n.state === 'succeeded')).toBe(true);
  });

  it('cancels a crashed run directly; resume then leaves it alone', async () => {
    const file = db('cancel');
    const child = cliSpawn(['run', 'examples/etl.ts', '--db', file, '--param', 'delayMs=60000']);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let runId = '';
    await until(() => {
      const runs = cliJson<{ runId: string }[]>(['runs', '--db', file]).value;
      runId = runs[0]?.runId ?? '';
      return (
        runId !== '' &&
        cliJson<{ nodes: { state: string }[] }>(['show', runId, '--db', file]).value.nodes.some(
          (n) => n.state === 'running',
        )
      );
    }, 'a running run');
    child.kill('SIGKILL');
    await exited;
    const cancelled = cli(['cancel', runId, '--db', file]);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toContain(`Run ${runId} cancelled`);
    // Through the engine: every unfinished node ends cancelled, none is left running.
    const shown = showRun(runId, file);
    expect(shown.run.status).toBe('cancelled');
    expect(shown.nodes.filter((n) => n.state === 'running' || n.state === 'pending')).toEqual([]);
    expect(shown.nodes.some((n) => n.state === 'cancelled')).toBe(true);
    expect(cli(['resume', runId, '--db', file]).stdout).toContain('already finished (cancelled)');
  });

  it('run prints the run id on stderr as soon as the run is created; with --json, stdout holds only the final JSON', async () => {
    const file = db('early-id');
    const child = cliSpawn([
      'run',
      'examples/etl.ts',
      '--db',
      file,
      '--param',
      'delayMs=60000',
      '--json',
    ]);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exitCode = new Promise<number | null>((resolve) =>
      child.once('close', (code) => resolve(code)),
    );
    let runId = '';
    try {
      await until(() => /^Run \S+ started$/m.test(stderr), 'the run id on stderr');
      runId = /^Run (\S+) started$/m.exec(stderr)![1]!;
      expect(stdout).toBe('');
      await until(
        () =>
          cliJson<{ nodes: { state: string }[] }>(['show', runId, '--db', file]).value.nodes.some(
            (n) => n.state === 'running',
          ),
        'the announced run running',
      );
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exitCode).toBe(1);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ runId, status: 'cancelled' });
  });
});

describe('operating a live run: modify and logs', () => {
  it('modify is applied by the owner and audited; a bad change is refused with its code; logs show every line', async () => {
    const file = db('operated');
    const gate = join(dir, 'operated.gate');
    const child = cliSpawn([
      'run',
      'test/fixtures/operator.ts',
      '--db',
      file,
      '--param',
      `gate=${gate}`,
    ]);
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    let runId = '';
    await until(() => {
      if (runId === '')
        runId = cliJson<{ runId: string }[]>(['runs', '--db', file]).value[0]?.runId ?? '';
      return (
        runId !== '' &&
        cliJson<{ nodes: { name: string; state: string }[] }>([
          'show',
          runId,
          '--db',
          file,
        ]).value.nodes.some((n) => n.name === 'wait' && n.state === 'running')
      );
    }, 'wait running');

    const change = join(dir, 'change.json');
    writeFileSync(
      change,
      JSON.stringify({
        addNodes: [
          {
            name: 'extra',
            task: 'extra',
            input: { table: 't1' },
            dependencies: ['wait'],
            dependents: ['after'],
          },
        ],
      }),
    );
    const applied = cli([
      'modify',
      runId,
      '--file',
      change,
      '--reason',
      'one more table',
      '--db',
      file,
    ]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('+1 nodes');

    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        addNodes: [{ name: 'ghost', task: 'no_such_task', dependencies: ['wait'] }],
      }),
    );
    const refused = cliJson<{ state: string; outcome: { code: string } }>([
      'modify',
      runId,
      '--file',
      bad,
      '--db',
      file,
    ]);
    expect(refused.code).toBe(1);
    expect(refused.value).toMatchObject({ state: 'rejected', outcome: { code: 'TASK_NOT_FOUND' } });

    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, '{ addNodes: ');
    const malformed = cli(['modify', runId, '--file', notJson, '--db', file]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('is not JSON');

    const follower = cliSpawn(['logs', runId, '--follow', '--db', file]);
    let followed = '';
    follower.stdout!.on('data', (d: Buffer) => (followed += d.toString()));
    const followerDone = new Promise<number | null>((resolve) =>
      follower.once('exit', (code) => resolve(code)),
    );

    writeFileSync(gate, '');
    expect(await exited).toBe(0);
    expect(await followerDone).toBe(0);
    expect(followed).toContain('waiting for the gate');
    expect(followed).toContain('extra ran with {"table":"t1"}');

    const shown = showRun(runId, file);
    expect(shown.run.status).toBe('succeeded');
    expect(shown.nodes.find((n) => n.name === 'extra')?.state).toBe('succeeded');

    const audit = cli(['audit', runId, '--db', file]);
    expect(audit.stdout).toMatch(/APPLIED by cli:\S+ — one more table/);
    expect(audit.stdout).toMatch(/REJECTED by cli:\S+/);

    const logs = cli(['logs', runId, '--db', file]);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(/wait#1 INFO waiting for the gate/);
    expect(logs.stdout).toMatch(/wait#1 INFO stdout console line from wait/);
    const extra = cliJson<{ node: string; level: string; message: string }>([
      'logs',
      runId,
      'extra',
      '--db',
      file,
    ]);
    expect(extra.value).toMatchObject({
      node: 'extra',
      level: 'warn',
      message: 'extra ran with {"table":"t1"}',
    });

    expect(cli(['modify', runId, '--file', change, '--db', file]).stderr).toContain('RUN_FINISHED');
    expect(cli(['logs', 'nope', '--db', file]).stderr).toContain('RUN_NOT_FOUND');
  });
});
