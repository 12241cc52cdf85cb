import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCopy } from './build-copy.js';
import { BIN, ROOT } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tributary-copy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A definition module importing `defineDag` from `library`: payloads, metadata, an edge label
 * and weight, and two edge conditions (functions, so they must survive the trip between copies:
 * `check -> on_true` holds, `check -> on_false` does not, so `on_false` is skipped).
 */
function definitionModule(library: string): string {
  const specifier = library.startsWith('/') ? pathToFileURL(library).href : library;
  return `import { defineDag } from ${JSON.stringify(specifier)};
export default defineDag({
  id: 'across_copies',
  dag: (b) =>
    b
      .addNode('check', { payload: { task: 'answer' }, metadata: { owner: 'data' } })
      .addEdge('check', 'on_true', { label: 'yes', weight: 2, condition: (r) => r === 42 })
      .addEdge('check', 'on_false', { condition: (r) => r !== 42 }),
  tasks: { answer: () => 42, on_true: () => 'ran', on_false: () => 'ran' },
});
`;
}

function run(
  bin: string,
  args: readonly string[],
): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

interface RunJson {
  status: string;
  nodes: { name: string; status: string }[];
}

describe('a definition made by another copy of Tributary', () => {
  let copy: { bin: string; index: string };
  beforeAll(() => {
    copy = buildCopy(join(dir, 'copy'));
    mkdirSync(join(dir, 'defs'));
    writeFileSync(join(dir, 'defs/from-dist.mts'), definitionModule(copy.index));
    writeFileSync(join(dir, 'defs/from-src.mts'), definitionModule(join(ROOT, 'src/index.ts')));
    // A CommonJS project (what `npm init -y` writes) with the built copy installed.
    const project = join(dir, 'cjs-project');
    mkdirSync(join(project, 'node_modules'), { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'p', type: 'commonjs' }));
    symlinkSync(join(dir, 'copy'), join(project, 'node_modules/tributary'), 'dir');
    writeFileSync(join(project, 'dag.ts'), definitionModule('tributary'));
    writeFileSync(
      join(project, 'dag.cjs'),
      `const { defineDag } = require('tributary');
module.exports = defineDag({ id: 'required', dag: (b) => b.addNode('a'), tasks: { a: () => 1 } });
`,
    );
    // An isolated task: its worker thread runs the built copy's dist/ and loads this .ts file.
    writeFileSync(
      join(project, 'isolated.ts'),
      `import { isMainThread } from 'node:worker_threads';
import { defineDag, defineTask } from 'tributary';
export const probe = defineTask('probe', () => ({ isMainThread }), { isolation: 'worker' });
export default defineDag({
  id: 'isolated',
  dag: (b) => b.addEdge('probe', 'check'),
  tasks: {
    probe,
    check: (ctx) => {
      const seen = ctx.upstream('probe') as { isMainThread: boolean };
      if (seen.isMainThread) throw new Error('probe ran on the main thread');
    },
  },
});
`,
    );
  }, 60_000);

  it('the built CLI runs an isolated task of a TypeScript project in a worker thread', () => {
    const r = run(copy.bin, [
      'run',
      'cjs-project/isolated.ts',
      '--db',
      join(dir, 'iso.db'),
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as RunJson).status).toBe('succeeded');
  });

  it('the built CLI prints the package version too', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    const r = run(copy.bin, ['--version']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });

  it('a CommonJS project imports (.ts) and requires (.cjs) its installed tributary', () => {
    const db = join(dir, 'cjs-project.db');
    const ts = run(BIN, ['run', 'cjs-project/dag.ts', '--db', db, '--json']);
    expect(ts.code, ts.stderr).toBe(0);
    expect((JSON.parse(ts.stdout) as RunJson).status).toBe('succeeded');
    const cjs = run(BIN, ['run', 'cjs-project/dag.cjs', '--db', db, '--json']);
    expect(cjs.code, cjs.stderr).toBe(0);
    expect((JSON.parse(cjs.stdout) as RunJson).status).toBe('succeeded');
  });

  for (const [what, bin, module] of [
    ['the CLI from src runs a definition made by the built dist/', () => BIN, 'defs/from-dist.mts'],
    ['the built CLI runs a definition made by src/', () => copy.bin, 'defs/from-src.mts'],
  ] as const) {
    it(what, () => {
      const db = join(dir, `${module.replace(/\W/g, '_')}.db`);
      const r = run(bin(), ['run', module, '--db', db, '--json']);
      expect(r.stderr).not.toMatch(/private member/);
      expect(r.code, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout) as RunJson;
      expect(result.status).toBe('succeeded');
      expect(Object.fromEntries(result.nodes.map((n) => [n.name, n.status]))).toEqual({
        check: 'succeeded',
        on_true: 'succeeded',
        on_false: 'skipped',
      });
      const graph = run(bin(), ['graph', module, '--format', 'json']);
      expect(JSON.parse(graph.stdout)).toEqual({
        version: 1,
        nodes: [
          { name: 'check', payload: { task: 'answer' }, metadata: { owner: 'data' } },
          { name: 'on_true' },
          { name: 'on_false' },
        ],
        edges: [
          { from: 'check', to: 'on_true', weight: 2, label: 'yes' },
          { from: 'check', to: 'on_false' },
        ],
      });
    });
  }
});
