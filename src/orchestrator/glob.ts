import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { invalidArgument } from '../errors/index.js';

/** The file names a glob may select: definition modules, never any file of a folder. */
const DEFINITION_FILE = /\.dag\.(?:ts|mts|cts|js|mjs|cjs)$/;
const GLOB_CHARS = /[*?[\]{}]/;

/** True when `pattern` has glob characters (`*`, `?`); a plain path is taken as it is. */
export function isGlob(pattern: string): boolean {
  return GLOB_CHARS.test(pattern);
}

/**
 * The files under `root` that `pattern` selects, sorted. `*` and `?` match within one path
 * segment, `**` any number of segments; `node_modules` and dot-folders are never entered. The
 * pattern must select definition modules by their `.dag.` suffix (`dags/**\/*.dag.ts`): a
 * project never imports every file of a folder, since example scripts run when imported.
 *
 * @example
 * ```ts
 * expandGlob('dags/**\/*.dag.ts', '/repo'); // ['/repo/dags/sales.dag.ts', '/repo/dags/x/y.dag.ts']
 * ```
 */
export function expandGlob(pattern: string, root: string): string[] {
  if (/[[\]{}]/.test(pattern))
    invalidArgument('a DAG glob', 'a pattern using only `*`, `**` and `?`', pattern);
  const segments = pattern.split('/').filter((s) => s !== '' && s !== '.');
  const last = segments.at(-1) ?? '';
  if (!/\.dag\.[\w*?]+$/.test(last)) {
    invalidArgument(
      'a DAG glob',
      'a pattern ending in a `.dag.` file name, such as `dags/**/*.dag.ts`',
      pattern,
    );
  }
  let source = '';
  segments.forEach((segment, i) => {
    const final = i === segments.length - 1;
    if (segment === '**') source += final ? '.*' : '(?:[^/]+/)*';
    else source += segmentSource(segment) + (final ? '' : '/');
  });
  const matcher = new RegExp(`^${source}$`);
  // Walk from the longest prefix without glob characters.
  const fixed: string[] = [];
  for (const segment of segments) {
    if (isGlob(segment)) break;
    fixed.push(segment);
  }
  const start = join(root, ...fixed);
  const out: string[] = [];
  walk(start, (file) => {
    const rel = relative(root, file).split(sep).join('/');
    if (matcher.test(rel) && DEFINITION_FILE.test(rel)) out.push(file);
  });
  return out.sort();
}

/** A regular expression for one segment without `**`. */
function segmentSource(segment: string): string {
  return segment
    .split('')
    .map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c.replace(/[.+^$()|\\]/g, '\\$&')))
    .join('');
}

function walk(dir: string, visit: (file: string) => void): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // a missing folder selects nothing
  }
  for (const entry of entries) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, visit);
    else if (entry.isFile()) visit(path);
  }
}
