import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { toError, TributaryError } from '../errors/index.js';
import { adoptDefinition, isDagDefinition, type DagDefinition } from '../durable/define.js';

let tsxRegistered = false;

/** Let `import()` load TypeScript modules directly (no build step for users). */
async function registerTypeScript(): Promise<void> {
  if (tsxRegistered) return;
  tsxRegistered = true;
  const { register } = await import('tsx/esm/api');
  register();
}

/**
 * Load a definition module and collect the DAG definitions it exports (default or named, or
 * arrays of them). `MODULE_LOAD_FAILED` for a missing file or a module that throws on import;
 * `DAG_NOT_FOUND` for a module without definitions.
 */
export async function loadDefinitions(
  modulePath: string,
): Promise<{ path: string; dags: DagDefinition[] }> {
  const path = resolve(modulePath);
  if (!existsSync(path)) {
    throw new TributaryError(
      'MODULE_LOAD_FAILED',
      `Module not found: ${modulePath} (resolved to ${path})`,
      {
        context: { received: modulePath },
      },
    );
  }
  await registerTypeScript();
  let exports: Record<string, unknown>;
  try {
    exports = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (caught) {
    const error = toError(caught);
    throw new TributaryError(
      'MODULE_LOAD_FAILED',
      `Module ${modulePath} threw while loading: ${error.message}`,
      {
        context: { received: modulePath },
        cause: error,
      },
    );
  }
  const dags: DagDefinition[] = [];
  const seen = new Set<string>();
  for (const value of Object.values(exports)) {
    for (const candidate of Array.isArray(value) ? (value as unknown[]) : [value]) {
      if (isDagDefinition(candidate) && !seen.has(candidate.id)) {
        seen.add(candidate.id);
        dags.push(adoptDefinition(candidate));
      }
    }
  }
  if (dags.length === 0) {
    throw new TributaryError(
      'DAG_NOT_FOUND',
      `Module ${modulePath} exports no DAG definitions (use defineDag and export the result)`,
      {
        context: { received: modulePath, exports: Object.keys(exports) },
      },
    );
  }
  return { path, dags };
}

/** Pick one definition by id, or the only one. */
export function pickDefinition(
  dags: readonly DagDefinition[],
  id: string | undefined,
  modulePath: string,
): DagDefinition {
  if (id === undefined) {
    if (dags.length === 1) return dags[0]!;
    throw new TributaryError(
      'INVALID_ARGUMENT',
      `Module ${modulePath} defines ${dags.length} DAGs (${dags.map((d) => d.id).join(', ')}): choose one with --dag`,
      { context: { received: modulePath } },
    );
  }
  const found = dags.find((d) => d.id === id);
  if (found === undefined) {
    throw new TributaryError(
      'DAG_NOT_FOUND',
      `No DAG "${id}" in ${modulePath}; it defines: ${dags.map((d) => d.id).join(', ')}`,
      {
        context: { received: id },
      },
    );
  }
  return found;
}
