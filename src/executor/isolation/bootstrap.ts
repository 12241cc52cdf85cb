import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** How a worker thread starts: the program it runs, and tsx's API when that program is TypeScript. */
export interface WorkerEntry {
  readonly entry: string;
  readonly tsx: string | undefined;
}

/**
 * The first code of every task thread: registers tsx when the thread's program is this checkout's
 * TypeScript source (tests, `tsx` users), then imports it. Plain CommonJS, evaluated as given, so
 * it needs no loader of its own.
 */
export const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
const ready = workerData.tsx === undefined
  ? Promise.resolve()
  : import(workerData.tsx).then((api) => { api.register(); });
ready.then(() => import(workerData.entry));
`;

let found: WorkerEntry | undefined;

/**
 * Where the worker program is: `worker-main.js` beside this file in a built package, else the
 * `.ts` source (running from sources, where tsx compiles it in the thread).
 */
export function workerEntry(): WorkerEntry {
  if (found !== undefined) return found;
  const built = new URL('./worker-main.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) {
    found = { entry: built.href, tsx: undefined };
  } else {
    found = { entry: new URL('./worker-main.ts', import.meta.url).href, tsx: tsxEsmApi() };
  }
  return found;
}

/**
 * The file URL of tsx's ESM API (`tsx/esm/api`). Resolved from tsx's package.json because the
 * CommonJS resolver sees only its `require` build, which cannot register the ESM hooks of an
 * evaluated script.
 */
function tsxEsmApi(): string {
  const manifestPath = createRequire(import.meta.url).resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    exports: Record<string, { import: string | { default: string } }>;
  };
  const target = manifest.exports['./esm/api']!.import;
  return pathToFileURL(
    join(dirname(manifestPath), typeof target === 'string' ? target : target.default),
  ).href;
}
