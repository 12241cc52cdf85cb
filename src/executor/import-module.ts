import { pathToFileURL } from 'node:url';

type TsxRequire = (id: string, fromFile: string | URL) => unknown;

let hooks: Promise<TsxRequire> | undefined;

/**
 * Register tsx's hooks once, for both module systems, as `node --import tsx` does: the ESM
 * loader, and the CommonJS `require` hooks that a `.ts` file in a CommonJS package (no
 * package.json, or `"type": "commonjs"`) is loaded through. Without the latter, Node loads such a
 * file as CommonJS through the ESM loader and fails with `Cannot require() ES Module … in a
 * cycle`.
 */
function registerTypeScript(): Promise<TsxRequire> {
  hooks ??= (async () => {
    const [esm, cjs] = await Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]);
    esm.register();
    cjs.register();
    return cjs.require as TsxRequire;
  })();
  return hooks;
}

/** `.cjs` and `.cts` are CommonJS whatever the package says. */
const COMMONJS = /\.c[jt]s$/;

/**
 * Load a TypeScript or JavaScript module, ESM or CommonJS (`.ts`, `.mts`, `.cts`, `.js`, `.mjs`,
 * `.cjs`), and return its exports as a namespace. A CommonJS module's `module.exports` is the
 * namespace's `default`, and when it is a plain object its keys are export names too (`import()`
 * of CommonJS finds only the names Node's lexer detects; the `default` has them all).
 *
 * `.cjs` and `.cts` files go through tsx's own `require`, which compiles every TypeScript file
 * they require (this checkout's ESM sources included) as CommonJS: Node's `require(esm)` cannot
 * load a TypeScript ES module while the ESM loader hooks run on their own thread.
 *
 * @example
 * ```ts
 * const namespace = await importModule('/abs/path/etl.ts');
 * Object.keys(namespace); // ['default', 'etl']
 * ```
 */
export async function importModule(path: string): Promise<Record<string, unknown>> {
  const tsxRequire = await registerTypeScript();
  if (!COMMONJS.test(path)) {
    return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  }
  const exports = tsxRequire(path, import.meta.url);
  // A `.cts` file compiled to CommonJS keeps its ESM `default` among its keys.
  return isPlainObject(exports) ? { default: exports, ...exports } : { default: exports };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
