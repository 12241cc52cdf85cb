import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { TributaryError } from '../errors/index.js';
import { definitionsIn, importDefinitionModule } from './definition-module.js';
import { expandGlob, isGlob } from './glob.js';
import { checkProjectGraph } from './project-checks.js';
import { isProjectDefinition, type ProjectDefinition, type ProjectLintOptions } from './project.js';
import { DagRegistry } from './registry.js';
import type { RetentionOptions } from './retention.js';

/** A loaded project: its config, folder and every DAG of its modules. */
export interface Project {
  readonly name: string;
  /** Absolute path of the config module. */
  readonly config: string;
  /** The config's folder: module paths and globs are relative to it. */
  readonly root: string;
  /** The DAG modules, absolute, in the order they were loaded. */
  readonly modules: readonly string[];
  /** Its DAGs; `dags.environment` is the project's default environment. */
  readonly dags: DagRegistry;
  /** The project's retention setting, which its scheduler applies. */
  readonly retention?: RetentionOptions;
  /** The thresholds of `tributary lint` the config sets (defaults: see `lintProject`). */
  readonly lint?: ProjectLintOptions;
}

/** The names a project's config module may have, in the order they are looked for. */
export const CONFIG_NAMES = [
  'tributary.config.ts',
  'tributary.config.mts',
  'tributary.config.js',
  'tributary.config.mjs',
  'tributary.config.cts',
  'tributary.config.cjs',
] as const;

/**
 * The config module in `dir`, if there is one.
 *
 * @example
 * ```ts
 * findProjectConfig(process.cwd()); // '/repo/tributary.config.ts'
 * ```
 */
export function findProjectConfig(dir: string): string | undefined {
  for (const name of CONFIG_NAMES) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  return undefined;
}

/** The project a module's exports declare (its default export, or any export), if any. */
export function projectIn(
  exports: Readonly<Record<string, unknown>>,
): ProjectDefinition | undefined {
  if (isProjectDefinition(exports.default)) return exports.default;
  return Object.values(exports).find(isProjectDefinition);
}

/**
 * Load a project from its config module: import every DAG module it lists (paths, and globs of
 * `.dag.` files, relative to the config), each once, and register their DAGs. Typed errors name
 * the module: `MODULE_LOAD_FAILED` (missing or throws), `DAG_NOT_FOUND` (a listed module with no
 * DAG, a glob that selects no file, a dependency or trigger naming a DAG no module defines),
 * `DUPLICATE_DAG` (one id in two modules), `CYCLE_DETECTED` (the DAGs' dependencies, triggers and
 * sensors form a cycle), `CROSS_ENVIRONMENT` (an edge between environments that does not say
 * `crossEnvironment: true`), `INVALID_ARGUMENT` (a config that declares no project, a bad glob).
 *
 * @example
 * ```ts
 * const project = await loadProject('tributary.config.ts');
 * project.dags.ids(); // ['sales', 'report']
 * ```
 */
export async function loadProject(configPath: string): Promise<Project> {
  const { path, exports } = await importDefinitionModule(configPath);
  const project = projectIn(exports);
  if (project === undefined) {
    throw new TributaryError(
      'INVALID_ARGUMENT',
      `Module ${configPath} declares no project: export default defineProject({ dags: [...] })`,
      { context: { received: configPath, exports: Object.keys(exports) } },
    );
  }
  return loadProjectFrom(project, path);
}

/** {@link loadProject} for a project definition already imported from `configPath`. */
export async function loadProjectFrom(
  project: ProjectDefinition,
  configPath: string,
): Promise<Project> {
  const config = resolve(configPath);
  const root = dirname(config);
  const modules: string[] = [];
  for (const entry of project.dags) {
    if (!isGlob(entry)) {
      modules.push(resolve(root, entry));
      continue;
    }
    const files = expandGlob(entry, root);
    if (files.length === 0) {
      throw new TributaryError(
        'DAG_NOT_FOUND',
        `The glob "${entry}" of ${basename(config)} selects no file under ${root}`,
        { context: { received: entry } },
      );
    }
    modules.push(...files);
  }
  const unique = [...new Set(modules)];
  const dags = new DagRegistry(root, {
    ...(project.environment === undefined ? {} : { environment: project.environment }),
    ...(project.assets === undefined ? {} : { assets: project.assets }),
  });
  for (const module of unique) {
    const { exports } = await importDefinitionModule(module);
    for (const definition of definitionsIn(exports, module)) dags.add(definition, module);
  }
  dags.checkReferences();
  checkProjectGraph(dags);
  return {
    name: project.name ?? basename(root),
    config,
    root,
    modules: unique,
    dags,
    ...(project.retention === undefined ? {} : { retention: project.retention }),
    ...(project.lint === undefined ? {} : { lint: project.lint }),
  };
}
