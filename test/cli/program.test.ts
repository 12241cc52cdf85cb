/** The program driven in-process (no spawn): usage, errors as text and JSON, --version, option checks. */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { toCliError } from '../../src/cli/cli-error.js';
import { cli, cliInProcess, ROOT } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tributary-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface JsonError {
  error: { code: string; message: string; context: Record<string, unknown> };
}

describe('usage errors have a code like every other error', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown command', ['explode'], /^error USAGE: unknown command 'explode'/],
    ['unknown option', ['validate', 'x.ts', '--colour'], /^error USAGE: unknown option '--colour'/],
    ['missing argument', ['show'], /^error USAGE: missing required argument 'runId'/],
    [
      'invalid choice',
      ['run', 'x.ts', '--durability', 'sometimes'],
      /^error USAGE: option '--durability <mode>' argument 'sometimes' is invalid/,
    ],
    ['no command', [], /^error USAGE: no command given/],
  ];
  for (const [what, args, line] of cases) {
    it(`${what}: \`error USAGE: …\` on stderr, exit 2`, async () => {
      const r = await cliInProcess(args);
      expect(r.code).toBe(2);
      // The error line first, then the help; with no command there is only the help to follow.
      const at = args.length === 0 ? r.err.length - 1 : 0;
      expect(r.err[at], r.err.join('\n')).toMatch(line);
      expect(r.err.join('\n')).toMatch(/Usage: tributary/);
      expect(r.err.join('\n')).not.toMatch(/^error: /m);
      expect(r.out).toEqual([]);
    });
  }

  it('--help still prints commander help and exits 0', async () => {
    const top = await cliInProcess(['--help']);
    expect(top.code).toBe(0);
    expect(top.out.join('\n')).toMatch(/Usage: tributary \[options\] \[command\]/);
    const run = await cliInProcess(['run', '--help']);
    expect(run.code).toBe(0);
    expect(run.out.join('\n')).toMatch(/Usage: tributary run \[options\] <module>/);
  });
});

describe('with --json, errors are one JSON line on stdout, with the same exit code', () => {
  it('a usage error', async () => {
    const r = await cliInProcess(['runs', '--colour', '--json']);
    expect(r.code).toBe(2);
    expect(r.out).toHaveLength(1);
    const { error } = JSON.parse(r.out[0]!) as JsonError;
    expect(error.code).toBe('USAGE');
    expect(error.message).toBe("unknown option '--colour'");
  });

  it('a runtime usage error (exit 2) and a store failure (exit 1)', async () => {
    const missing = await cliInProcess(['validate', join(dir, 'nope.ts'), '--json']);
    expect(missing.code).toBe(2);
    expect(missing.out).toHaveLength(1);
    const { error } = JSON.parse(missing.out[0]!) as JsonError;
    expect(error.code).toBe('MODULE_LOAD_FAILED');
    expect(error.message).toMatch(/^Module not found: .*nope\.ts/);
    expect(error.context).toEqual({ received: join(dir, 'nope.ts') });

    const garbage = join(dir, 'garbage.db');
    writeFileSync(garbage, 'not a database '.repeat(100));
    const corrupt = await cliInProcess(['runs', '--db', garbage, '--json']);
    expect(corrupt.code).toBe(1);
    expect(corrupt.out).toHaveLength(1);
    expect((JSON.parse(corrupt.out[0]!) as JsonError).error.code).toBe('STORE_CORRUPT');
    // The human line still goes to stderr.
    expect(corrupt.err.join('\n')).toMatch(/^error STORE_CORRUPT: /m);
  });

  it('without --json, stdout stays empty', async () => {
    const r = await cliInProcess(['validate', join(dir, 'nope.ts')]);
    expect(r.code).toBe(2);
    expect(r.out).toEqual([]);
  });
});

describe('toCliError', () => {
  it('classifies an unexpected error as INTERNAL, keeping its message and the original as cause', () => {
    const original = new TypeError('undefined is not a function');
    const error = toCliError(original, ['run', 'x.ts']);
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toBe('undefined is not a function');
    expect(error.context).toEqual({ name: 'TypeError' });
    expect(error.cause).toBe(original);
    expect(toCliError('thrown string', []).message).toBe('thrown string');
  });
});

describe('tributary --version', () => {
  it("prints package.json's version and exits 0", async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    for (const flag of ['--version', '-V']) {
      const r = await cliInProcess([flag]);
      expect(r.code).toBe(0);
      expect(r.out).toEqual([version]);
    }
  });
});

describe('runs --limit', () => {
  const db = join(dir, 'limit.db');
  beforeAll(async () => {
    const store = SqliteStore.open(db);
    await store.close();
  });

  for (const bad of [
    '99999999999999999999',
    '9007199254740992',
    '0',
    '-1',
    '1.5',
    '1e3',
    'ten',
    '',
  ]) {
    it(`rejects \`${bad}\` as a usage error quoting it`, async () => {
      const r = await cliInProcess(['runs', '--db', db, '--limit', bad]);
      expect(r.code).toBe(2);
      expect(r.err[0]).toBe(
        `error INVALID_ARGUMENT: Expected --limit to be an integer from 1 to ${Number.MAX_SAFE_INTEGER}, got \`${bad}\``,
      );
    });
  }

  it('accepts the largest safe integer', async () => {
    const r = await cliInProcess([
      'runs',
      '--db',
      db,
      '--limit',
      String(Number.MAX_SAFE_INTEGER),
      '--json',
    ]);
    expect(r.code, r.err.join('\n')).toBe(0);
    expect(JSON.parse(r.out[0]!)).toEqual([]);
  });
});

describe('two DAGs with one id in a module', () => {
  for (const command of ['validate', 'run']) {
    it(`${command} rejects them, naming both exports`, async () => {
      const db = command === 'run' ? ['--db', join(dir, 'duplicate.db')] : [];
      const r = await cliInProcess([command, 'test/fixtures/duplicate-ids.ts', ...db, '--json']);
      expect(r.code).toBe(2);
      const { error } = JSON.parse(r.out[0]!) as JsonError;
      expect(error.code).toBe('DUPLICATE_DAG');
      expect(error.message).toBe(
        'Module test/fixtures/duplicate-ids.ts exports two different DAGs with id "etl": `hourly` and `nightly`',
      );
      expect(error.context).toEqual({ dagId: 'etl', exports: ['hourly', 'nightly'] });
    });
  }

  it('the same definition exported twice is one DAG', async () => {
    const r = await cliInProcess(['validate', 'test/fixtures/same-dag-twice.ts', '--json']);
    expect(r.code, r.err.join('\n')).toBe(0);
    expect((JSON.parse(r.out[0]!) as { dags: { id: string }[] }).dags).toHaveLength(1);
  });
});

describe('commands that need an existing database never create one', () => {
  const commands: [string, string[]][] = [
    ['runs', ['runs']],
    ['show', ['show', 'some-run']],
    ['audit', ['audit', 'some-run']],
    ['cancel', ['cancel', 'some-run']],
    ['resume', ['resume', 'some-run']],
  ];
  for (const [name, args] of commands) {
    it(`${name} with a mistyped --db: STORE_NOT_FOUND naming the path, exit 2, nothing created`, async () => {
      const folder = join(dir, `typo-${name}`);
      const db = join(folder, 'tributary.db');
      const r = await cliInProcess([...args, '--db', db, '--json']);
      expect(r.code).toBe(2);
      const { error } = JSON.parse(r.out[0]!) as JsonError;
      expect(error.code).toBe('STORE_NOT_FOUND');
      expect(error.message).toBe(
        `No database at ${db}: check --db (only \`run\`, \`signal set\`, \`pause\`, \`unpause\`, \`backfill\`, \`asset emit\` and \`partition-keys add\` create one)`,
      );
      expect(error.context).toEqual({ received: db, path: db });
      expect(existsSync(folder)).toBe(false);
    });
  }

  it('without --db, the default database must exist too (a spawned CLI in an empty folder)', () => {
    const empty = join(dir, 'empty-project');
    mkdirSync(empty);
    const r = cli(['runs'], empty);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `error STORE_NOT_FOUND: No database at ${join(empty, '.tributary/tributary.db')}`,
    );
    expect(readdirSync(empty)).toEqual([]);
  });
});
