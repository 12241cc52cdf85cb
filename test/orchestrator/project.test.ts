import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TributaryError } from '../../src/errors/index.js';
import { expandGlob, loadProject } from '../../src/orchestrator/index.js';
import { createProgram } from '../../src/cli/main.js';

// A project is one config module listing DAG modules by path or by `.dag.` glob; loading it
// imports each module once and registers every DAG by id.

const LIB = pathToFileURL(join(__dirname, '../../src/index.ts')).href;
let dir = '';

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tributary-project-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(path: string, text: string): string {
  const file = join(dir, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

const dagModule = (...ids: string[]): string =>
  `import { defineDag } from ${JSON.stringify(LIB)};\n` +
  ids
    .map(
      (id, i) =>
        `export const d${i} = defineDag({ id: ${JSON.stringify(id)}, dag: (b) => b.addNode('a'), tasks: { a: () => 1 } });`,
    )
    .join('\n');

const config = (dags: string[]): string =>
  `import { defineProject } from ${JSON.stringify(LIB)};\nexport default defineProject({ name: 'shop', dags: ${JSON.stringify(dags)} });\n`;

async function rejection(promise: Promise<unknown>): Promise<TributaryError> {
  try {
    await promise;
  } catch (error) {
    return error as TributaryError;
  }
  throw new Error('expected a rejection');
}

/** The CLI in this process, in the project folder: exit code and what each stream got. */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const before = process.cwd();
  process.chdir(dir);
  try {
    const code = await createProgram({
      out: (t) => out.push(t),
      err: (t) => err.push(t),
      isTTY: false,
    }).run(args);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    process.chdir(before);
  }
}

describe('projects', () => {
  it('loads the modules a glob selects and the paths listed, never other files', async () => {
    write('dags/sales.dag.ts', dagModule('sales'));
    write('dags/team/report.dag.ts', dagModule('report', 'report_weekly'));
    // Neither is a `.dag.` file: importing them would throw.
    write('dags/example.ts', 'throw new Error("an example script was imported");');
    write('dags/notes.dag.md', 'not code');
    write('legacy/etl.ts', dagModule('legacy_etl'));
    const path = write('tributary.config.ts', config(['dags/**/*.dag.ts', 'legacy/etl.ts']));
    const project = await loadProject(path);
    expect(project.name).toBe('shop');
    expect(project.dags.ids()).toEqual(['sales', 'report', 'report_weekly', 'legacy_etl']);
    expect(project.dags.get('report_weekly')?.module).toBe(join(dir, 'dags/team/report.dag.ts'));
    expect(project.modules).toHaveLength(3);
  });

  it('a module listed twice (by path and by glob) is loaded once', async () => {
    write('dags/sales.dag.ts', dagModule('sales'));
    const path = write('tributary.config.ts', config(['dags/*.dag.ts', 'dags/sales.dag.ts']));
    const project = await loadProject(path);
    expect(project.modules).toEqual([join(dir, 'dags/sales.dag.ts')]);
  });

  it('one DAG id in two modules is DUPLICATE_DAG naming both', async () => {
    write('dags/a.dag.ts', dagModule('sales'));
    write('dags/b.dag.ts', dagModule('sales'));
    const error = await rejection(
      loadProject(write('tributary.config.ts', config(['dags/*.dag.ts']))),
    );
    expect(error.code).toBe('DUPLICATE_DAG');
    expect(error.message).toBe(
      'DAG id "sales" is defined by two modules: dags/a.dag.ts and dags/b.dag.ts',
    );
  });

  it('a dependency or trigger on a DAG no module defines is DAG_NOT_FOUND naming both', async () => {
    write(
      'dags/report.dag.ts',
      `import { defineDag } from ${JSON.stringify(LIB)};
export default defineDag({ id: 'report', dag: (b) => b.addNode('a'), tasks: { a: () => 1 },
  dependsOn: [{ dag: 'sales' }] });`,
    );
    const error = await rejection(
      loadProject(write('tributary.config.ts', config(['dags/*.dag.ts']))),
    );
    expect(error.code).toBe('DAG_NOT_FOUND');
    expect(error.message).toBe(
      'DAG "report" (dags/report.dag.ts) depends on DAG "sales", which no module of the project defines',
    );
  });

  it.each([
    [['dags/*'], 'INVALID_ARGUMENT', 'ending in a `.dag.` file name'],
    [['dags/**'], 'INVALID_ARGUMENT', 'ending in a `.dag.` file name'],
    [['dags/{a,b}.dag.ts'], 'INVALID_ARGUMENT', 'only `*`, `**` and `?`'],
    [['nothing/*.dag.ts'], 'DAG_NOT_FOUND', 'selects no file'],
    [['missing.ts'], 'MODULE_LOAD_FAILED', 'Module not found'],
  ])('rejects dags %j with %s', async (dags, code, text) => {
    const error = await rejection(loadProject(write('tributary.config.ts', config(dags))));
    expect(error.code).toBe(code);
    expect(error.message).toContain(text);
  });

  it('a config module that declares no project is named', async () => {
    const error = await rejection(loadProject(write('tributary.config.ts', 'export const x = 1;')));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('declares no project');
  });

  it('** matches zero or more folders; * and ? stay within one', () => {
    for (const f of ['a.dag.ts', 'x/b.dag.ts', 'x/y/c.dag.ts', 'x/d.dag.js', 'x/ee.dag.ts'])
      write(f, '');
    const rel = (pattern: string) => expandGlob(pattern, dir).map((f) => f.slice(dir.length + 1));
    expect(rel('**/*.dag.ts')).toEqual(['a.dag.ts', 'x/b.dag.ts', 'x/ee.dag.ts', 'x/y/c.dag.ts']);
    expect(rel('x/*.dag.*')).toEqual(['x/b.dag.ts', 'x/d.dag.js', 'x/ee.dag.ts']);
    expect(rel('x/?.dag.ts')).toEqual(['x/b.dag.ts']);
  });
});

describe('tributary validate <project>', () => {
  it('validates every DAG of the project in the current folder by default', async () => {
    write('dags/sales.dag.ts', dagModule('sales'));
    write('legacy/etl.ts', dagModule('legacy_etl'));
    write('tributary.config.ts', config(['dags/*.dag.ts', 'legacy/etl.ts']));
    const human = await cli(['validate']);
    expect(human.code).toBe(0);
    expect(human.out).toContain('✓ project shop: 2 DAGs from 2 modules');
    expect(human.out).toContain('✓ sales (dags/sales.dag.ts): 1 nodes');
    const json = await cli(['validate', 'tributary.config.ts', '--json']);
    expect(JSON.parse(json.out)).toMatchObject({
      valid: true,
      project: { name: 'shop', modules: ['dags/sales.dag.ts', 'legacy/etl.ts'] },
      dags: [{ id: 'sales' }, { id: 'legacy_etl' }],
    });
  });

  it('without a target or a config it is a usage error naming what it looked for', async () => {
    const r = await cli(['validate']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('tributary.config.ts');
  });

  it('a duplicate id across modules fails validation', async () => {
    write('dags/a.dag.ts', dagModule('sales'));
    write('dags/b.dag.ts', dagModule('sales'));
    write('tributary.config.ts', config(['dags/*.dag.ts']));
    const r = await cli(['validate', '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out)).toMatchObject({ error: { code: 'DUPLICATE_DAG' } });
  });
});

describe('tributary dags, pause and unpause', () => {
  beforeEach(() => {
    write(
      'dags/sales.dag.ts',
      `import { defineDag } from ${JSON.stringify(LIB)};
export default defineDag({ id: 'sales', dag: (b) => b.addNode('a'), tasks: { a: () => 1 },
  schedule: { cron: '0 0 * * *', timezone: 'Europe/Paris' }, triggers: [{ dag: 'report' }] });`,
    );
    write(
      'dags/report.dag.ts',
      `import { defineDag } from ${JSON.stringify(LIB)};
export default defineDag({ id: 'report', dag: (b) => b.addNode('a'), tasks: { a: () => 1 },
  dependsOn: [{ dag: 'sales' }] });`,
    );
    write('tributary.config.ts', config(['dags/*.dag.ts']));
  });

  it('lists each DAG with its schedule, next tick, pause state and dependencies', async () => {
    // Before any database exists: nothing ran, nothing is paused.
    const fresh = JSON.parse((await cli(['dags', '--json'])).out) as {
      dags: { id: string; paused: boolean; next?: { period: string; dueAt: number } }[];
    };
    expect(fresh.dags.map((d) => d.id)).toEqual(['report', 'sales']);
    const sales = fresh.dags.find((d) => d.id === 'sales')!;
    expect(sales).toMatchObject({
      schedule: { cron: '0 0 * * *', timezone: 'Europe/Paris' },
      paused: false,
      triggers: ['report (on success)'],
    });
    // The next period to fall due is the Paris day running now, due at its end.
    expect(sales.next!.dueAt).toBeGreaterThan(Date.now());
    expect(sales.next!.period).toMatch(/^\d{4}-\d\d-\d\dT00:00\+0[12]:00$/);
    const report = fresh.dags.find((d) => d.id === 'report') as Record<string, unknown>;
    expect(report).toMatchObject({ dependsOn: ['sales'], paused: false });
    expect(Object.keys(report)).not.toContain('schedule');
    expect(Object.keys(report)).not.toContain('lastRun');

    expect(await cli(['pause', 'sales'])).toMatchObject({ code: 0, out: 'DAG sales paused' });
    expect((await cli(['pause', 'sales'])).out).toBe('DAG sales was already paused');
    const listed = JSON.parse((await cli(['dags', '--json'])).out) as {
      dags: { id: string; paused: boolean }[];
    };
    expect(listed.dags.filter((d) => d.paused).map((d) => d.id)).toEqual(['sales']);
    const human = await cli(['dags']);
    expect(human.out).toMatch(/sales\s+0 0 \* \* \* Europe\/Paris/);
    expect(await cli(['unpause', 'sales', '--json'])).toMatchObject({
      code: 0,
      out: '{"dagId":"sales","paused":false,"changed":true}',
    });
  });

  it('pausing a DAG the project does not define is DAG_NOT_FOUND and writes nothing', async () => {
    const r = await cli(['pause', 'sale', '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out)).toMatchObject({ error: { code: 'DAG_NOT_FOUND' } });
    expect(r.err).toContain('it has: report, sales');
  });
});
