import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { BIN, ROOT } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tributary-native-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Preloaded with `--import`: every native addon fails to load the way a better-sqlite3 built for
 * another Node version does. A fault injected into a real process, not a mock of the store.
 */
const BROKEN_ADDONS = `data:text/javascript,${encodeURIComponent(`
process.dlopen = (module, filename) => {
  const error = new Error(\`The module '\${filename}' was compiled against a different Node.js version using NODE_MODULE_VERSION 1. This version of Node.js requires NODE_MODULE_VERSION \${process.versions.modules}. Please try re-compiling or re-installing the module.\`);
  error.code = 'ERR_DLOPEN_FAILED';
  throw error;
};
`)}`;

function cliWithBrokenAddons(args: readonly string[]): {
  code: number;
  stdout: string;
  stderr: string;
} {
  const r = spawnSync(process.execPath, ['--import', BROKEN_ADDONS, BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('better-sqlite3 built for another Node version', () => {
  const db = join(dir, 'runs.db');
  beforeAll(async () => {
    await SqliteStore.open(db).close();
  });

  it('loading the CLI and running a command that needs no store loads no part of better-sqlite3', () => {
    const script = `
      import { createRequire } from 'node:module';
      const { createProgram } = await import(${JSON.stringify(join(ROOT, 'src/cli/main.ts'))});
      const code = await createProgram({ out: () => {}, err: console.error, isTTY: false }).run(['validate', 'examples/etl.ts']);
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('better-sqlite3'));
      console.log(JSON.stringify({ code, loaded }));
    `;
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    expect(JSON.parse(r.stdout), r.stderr).toEqual({ code: 0, loaded: [] });
  });

  it('validate works; a command that opens the store fails with NATIVE_MODULE, exit 1, saying how to rebuild', () => {
    expect(cliWithBrokenAddons(['validate', 'examples/etl.ts']).code).toBe(0);
    const r = cliWithBrokenAddons(['runs', '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^error NATIVE_MODULE: better-sqlite3 cannot be loaded by Node\.js v[\d.]+ \(.*NODE_MODULE_VERSION 1\./m,
    );
    expect(r.stderr).toContain('npm rebuild better-sqlite3');
    expect(r.stderr).not.toContain('    at ');
  });
});
