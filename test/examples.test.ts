import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, ROOT } from './cli/helpers.js';

// Every program in examples/ runs in CI: definition modules through `tributary run`, scripts with tsx.
const dir = mkdtempSync(join(tmpdir(), 'tributary-examples-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const DEFINITION_MODULES = new Set(['etl.ts']);

describe('examples', () => {
  for (const file of readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.ts'))) {
    it(`${file} runs`, () => {
      if (DEFINITION_MODULES.has(file)) {
        const r = cli(['run', `examples/${file}`, '--db', join(dir, `${file}.db`)]);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toContain('succeeded');
      } else {
        const r = spawnSync(process.execPath, ['--import', 'tsx', `examples/${file}`], {
          cwd: ROOT,
          encoding: 'utf8',
        });
        expect(r.status, r.stderr).toBe(0);
      }
    });
  }
});
