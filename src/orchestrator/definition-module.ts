import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { toError, TributaryError } from '../errors/index.js';
import { adoptDefinition, isDagDefinition, type DagDefinition } from '../durable/index.js';
import { importModule } from '../executor/index.js';

/**
 * Load a definition module (TypeScript or JavaScript, ESM or CommonJS) and collect the DAG
 * definitions it exports: default or named exports, arrays of them, or the values of a plain
 * object exported as default (a CommonJS `module.exports = { etl, report }`). Definitions made
 * by another copy of Tributary are adopted. The same definition exported twice counts once.
 * `MODULE_LOAD_FAILED` for a missing file or a module that throws on import; `DAG_NOT_FOUND` for
 * a module without definitions; `DUPLICATE_DAG` for two different definitions with one id.
 *
 * @example
 * ```ts
 * const { path, dags } = await loadDefinitions('examples/etl.ts');
 * dags.map((d) => d.id); // ['dynamic_etl']
 * ```
 */
export async function loadDefinitions(
  modulePath: string,
): Promise<{ path: string; dags: DagDefinition[] }> {
  const { path, exports } = await importDefinitionModule(modulePath);
  return { path, dags: definitionsIn(exports, modulePath) };
}

/**
 * Import a module the CLI was pointed at (a DAG module or a project's config), with
 * `MODULE_LOAD_FAILED` for a missing file or a module that throws on import.
 *
 * @example
 * ```ts
 * const { path, exports } = await importDefinitionModule('tributary.config.ts');
 * ```
 */
export async function importDefinitionModule(
  modulePath: string,
): Promise<{ path: string; exports: Record<string, unknown> }> {
  const path = resolve(modulePath);
  if (!existsSync(path)) {
    throw new TributaryError(
      'MODULE_LOAD_FAILED',
      `Module not found: ${modulePath} (resolved to ${path})`,
      { context: { received: modulePath } },
    );
  }
  try {
    return { path, exports: await importModule(path) };
  } catch (caught) {
    const error = toError(caught);
    throw new TributaryError(
      'MODULE_LOAD_FAILED',
      `Module ${modulePath} threw while loading: ${error.message}`,
      { context: { received: modulePath }, cause: error },
    );
  }
}

/**
 * The DAG definitions a module's exports hold (see {@link loadDefinitions}), adopted.
 *
 * @example
 * ```ts
 * const dags = definitionsIn(await import('./etl.js'), 'etl.ts');
 * ```
 */
export function definitionsIn(
  exports: Readonly<Record<string, unknown>>,
  modulePath: string,
): DagDefinition[] {
  const dags: DagDefinition[] = [];
  const exportOf = new Map<string, string>();
  for (const { name, def } of exportedDefinitions(exports)) {
    const first = exportOf.get(def.id);
    if (first !== undefined) {
      // Sorted: a module namespace lists its exports alphabetically, an object in its own order.
      const names = [first, name].sort();
      throw new TributaryError(
        'DUPLICATE_DAG',
        `Module ${modulePath} exports two different DAGs with id "${def.id}": ${names.map((n) => `\`${n}\``).join(' and ')}`,
        { context: { dagId: def.id, exports: names } },
      );
    }
    exportOf.set(def.id, name);
    dags.push(adoptDefinition(def));
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
  return dags;
}

/** Every definition exported, once per object, with the first name it was found under. */
function exportedDefinitions(
  exports: Readonly<Record<string, unknown>>,
): { name: string; def: DagDefinition }[] {
  const found = new Map<DagDefinition, string>();
  const visit = (name: string, value: unknown, depth: number): void => {
    if (isDagDefinition(value)) {
      if (!found.has(value)) found.set(value, name);
    } else if (Array.isArray(value)) {
      value.forEach((item: unknown, i) => visit(`${name}[${i}]`, item, depth));
    } else if (depth === 0 && name === 'default' && isPlainObject(value)) {
      for (const [key, item] of Object.entries(value)) visit(`default.${key}`, item, 1);
    }
  };
  for (const [name, value] of Object.entries(exports)) visit(name, value, 0);
  return [...found].map(([def, name]) => ({ name, def }));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Pick one definition by id, or the only one.
 *
 * @example
 * ```ts
 * const def = pickDefinition(dags, options.dag, 'examples/etl.ts');
 * ```
 */
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
