import { readFileSync } from 'node:fs';

/**
 * The version in Tributary's package.json. This file sits at `src/cli/` in a checkout and at
 * `dist/cli/` in the installed package: either way the package.json is two folders up.
 *
 * @example
 * ```ts
 * packageVersion(); // '0.1.0'
 * ```
 */
export function packageVersion(): string {
  const url = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}
