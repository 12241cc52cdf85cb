import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

// Every `ts` code block of README.md and docs/ is compiled against the sources, with the
// package's entry points ('tributary', 'tributary/engine', 'tributary/sqlite') mapped to them:
// a renamed export, a changed signature or a wrong option in the docs fails this test.

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tributary-docs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Block {
  readonly doc: string;
  readonly line: number;
  readonly file: string;
}

function blocks(): Block[] {
  const docs = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((f) => `docs/${f}`)].filter(
    (f) => f.endsWith('.md'),
  );
  const out: Block[] = [];
  for (const doc of docs) {
    const lines = readFileSync(join(ROOT, doc), 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (lines[i] !== '```ts') continue;
      const start = i + 1;
      let end = start;
      while (end < lines.length && lines[end] !== '```') end++;
      const file = join(dir, `${doc.replace(/\W+/g, '_')}_${start + 1}.mts`);
      // `export {}` makes each block a module of its own (top-level await, no shared names).
      writeFileSync(file, `${lines.slice(start, end).join('\n')}\nexport {};\n`);
      out.push({ doc, line: start + 1, file });
      i = end;
    }
  }
  return out;
}

describe('code in the docs', () => {
  const found = blocks();

  it('finds the blocks', () => {
    expect(found.length).toBeGreaterThanOrEqual(7);
  });

  it('every ts block compiles against the sources', () => {
    const config = ts.getParsedCommandLineOfConfigFile(
      join(ROOT, 'tsconfig.json'),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
        },
      },
    )!;
    const program = ts.createProgram(
      found.map((b) => b.file),
      {
        ...config.options,
        noEmit: true,
        paths: {
          tributary: [join(ROOT, 'src/index.ts')],
          'tributary/engine': [join(ROOT, 'src/engine-api.ts')],
          'tributary/sqlite': [join(ROOT, 'src/store/sqlite/index.ts')],
        },
      },
    );
    const problems = found.flatMap((block) =>
      ts.getPreEmitDiagnostics(program, program.getSourceFile(block.file)).map((d) => {
        const at =
          d.file !== undefined && d.start !== undefined
            ? d.file.getLineAndCharacterOfPosition(d.start).line
            : 0;
        return `${block.doc}:${block.line + at}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
      }),
    );
    expect(problems).toEqual([]);
  });
});
