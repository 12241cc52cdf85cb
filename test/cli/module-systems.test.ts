import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tributary-modules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The library under test, imported by absolute path from outside the repository. */
const LIBRARY = join(ROOT, 'src/index.ts');

/** What `npm init -y` writes. */
const NPM_INIT = {
  name: 'project',
  version: '1.0.0',
  main: 'index.js',
  scripts: { test: 'echo "Error: no test specified" && exit 1' },
  keywords: [],
  author: '',
  license: 'ISC',
  type: 'commonjs',
  description: '',
};

const PROJECTS = {
  'no package.json': undefined,
  'npm init -y': NPM_INIT,
  '"type": "module"': { name: 'project', type: 'module' },
} as const;

type Syntax = 'esm' | 'cjs-exports' | 'cjs-module-exports';

/** Which module files each project gets, and the syntax each is written in. */
const MODULES: Record<keyof typeof PROJECTS, [string, Syntax][]> = {
  'no package.json': [
    ['ts', 'esm'],
    ['js', 'cjs-exports'],
  ],
  'npm init -y': [
    ['ts', 'esm'],
    ['js', 'cjs-exports'],
    ['mts', 'esm'],
    ['mjs', 'esm'],
    ['cts', 'esm'],
    ['cjs', 'cjs-module-exports'],
  ],
  '"type": "module"': [
    ['ts', 'esm'],
    ['js', 'esm'],
    ['cts', 'esm'],
    ['cjs', 'cjs-exports'],
  ],
};

/**
 * Two DAGs, `<id>_first` and `<id>_second`; in each, `hello -> world` has a condition (a function
 * that must reach the engine) that holds.
 */
function source(id: string, syntax: Syntax, typed: boolean): string {
  const t = typed ? ': unknown' : '';
  const dag = (suffix: string): string =>
    `defineDag({ id: '${id}_${suffix}', dag: (b${typed ? ': any' : ''}) => b.addEdge('hello', 'world', { condition: (r${t}) => r === 'hi' }), tasks: { hello: () => 'hi', world: () => 'done' } })`;
  switch (syntax) {
    case 'esm':
      return `import { defineDag } from ${JSON.stringify(LIBRARY)};\nexport const first = ${dag('first')};\nexport default ${dag('second')};\n`;
    case 'cjs-exports':
      return `const { defineDag } = require(${JSON.stringify(LIBRARY)});\nexports.first = ${dag('first')};\nexports.second = ${dag('second')};\n`;
    case 'cjs-module-exports':
      return `const { defineDag } = require(${JSON.stringify(LIBRARY)});\nmodule.exports = { first: ${dag('first')}, second: ${dag('second')} };\n`;
  }
}

const cases: { project: string; ext: string; file: string; id: string }[] = [];
for (const [p, [project, packageJson]] of Object.entries(PROJECTS).entries()) {
  const root = join(dir, `project${p}`);
  mkdirSync(root);
  if (packageJson !== undefined)
    writeFileSync(join(root, 'package.json'), JSON.stringify(packageJson));
  for (const [ext, syntax] of MODULES[project as keyof typeof PROJECTS]) {
    // One folder per module: tsx resolves `dag.js` to a `dag.ts` beside it.
    const id = `p${p}_${ext}`;
    mkdirSync(join(root, ext));
    const file = join(root, ext, `dag.${ext}`);
    writeFileSync(file, source(id, syntax, ['ts', 'mts', 'cts'].includes(ext)));
    cases.push({ project, ext, file, id });
  }
}

/** Run the CLI in the background; resolves with its exit code and output. */
function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** `tasks` processes at most `limit` at a time (two CPUs on the CI machines). */
async function pool<T>(limit: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

describe('definition modules in every module system', () => {
  it(`run loads and runs ${cases.length} modules (.ts/.mts/.cts/.js/.mjs/.cjs, in ESM and CommonJS projects); validate lists both DAGs of each .ts`, async () => {
    const outcomes = await pool(
      4,
      cases.map(({ ext, file, id }) => async () => ({
        validate: ext === 'ts' ? await cli(['validate', file, '--json']) : undefined,
        run: await cli([
          'run',
          file,
          '--dag',
          `${id}_second`,
          '--db',
          join(dir, `${id}.db`),
          '--json',
        ]),
      })),
    );
    const failures: string[] = [];
    cases.forEach(({ project, ext, id }, i) => {
      const { validate, run } = outcomes[i]!;
      try {
        if (validate !== undefined) {
          expect(validate.code, validate.stderr).toBe(0);
          const dags = (JSON.parse(validate.stdout) as { dags: { id: string }[] }).dags;
          expect(dags.map((d) => d.id).sort()).toEqual([`${id}_first`, `${id}_second`]);
        }
        expect(run.code, run.stderr).toBe(0);
        const result = JSON.parse(run.stdout) as { status: string; nodes: { status: string }[] };
        expect(result.status).toBe('succeeded');
        expect(result.nodes.map((n) => n.status)).toEqual(['succeeded', 'succeeded']);
      } catch (error) {
        failures.push(
          `dag.${ext} in a project with ${project}: ${(error as Error).message.split('\n')[0]}`,
        );
      }
    });
    expect(failures).toEqual([]);
  });
});
