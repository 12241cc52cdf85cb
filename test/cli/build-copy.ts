import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers.js';

/**
 * Build a second, installed-style copy of Tributary into `dir`: `package.json`, `dist/` compiled
 * by tsc from this checkout's sources, `bin/tributary.js` (which runs `dist/` since there is no
 * `src/` beside it) and `node_modules` linked to this checkout's. About 3 s.
 */
export function buildCopy(dir: string): { bin: string; index: string } {
  mkdirSync(join(dir, 'bin'), { recursive: true });
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/typescript/bin/tsc'),
      ...['-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(dir, 'dist')],
      ...['--declaration', 'false', '--sourceMap', 'false'],
    ],
    { cwd: ROOT, stdio: 'pipe' },
  );
  writeFileSync(join(dir, 'package.json'), readFileSync(join(ROOT, 'package.json')));
  copyFileSync(join(ROOT, 'bin/tributary.js'), join(dir, 'bin/tributary.js'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { bin: join(dir, 'bin/tributary.js'), index: join(dir, 'dist/index.js') };
}
