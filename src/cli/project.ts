import { TributaryError } from '../errors/index.js';
import {
  CONFIG_NAMES,
  findProjectConfig,
  loadProject,
  type Project,
  type RegisteredDag,
} from '../orchestrator/index.js';

/**
 * The project a command works on: the config module given, else `tributary.config.*` in the
 * working directory; `USAGE` naming what was looked for when there is neither.
 *
 * @example
 * ```ts
 * const project = await projectFor(undefined); // ./tributary.config.ts
 * ```
 */
export async function projectFor(config: string | undefined): Promise<Project> {
  const path = config ?? findProjectConfig(process.cwd());
  if (path === undefined) {
    throw new TributaryError(
      'USAGE',
      `No project given and no project config in ${process.cwd()} (looked for ${CONFIG_NAMES.join(', ')})`,
    );
  }
  return loadProject(path);
}

/**
 * The DAG `dagId` of a project; `DAG_NOT_FOUND` listing the project's DAGs otherwise.
 *
 * @example
 * ```ts
 * const { definition } = dagOfProject(project, 'report');
 * ```
 */
export function dagOfProject(project: Project, dagId: string): RegisteredDag {
  const registered = project.dags.get(dagId);
  if (registered === undefined) {
    throw new TributaryError(
      'DAG_NOT_FOUND',
      `No DAG "${dagId}" in project ${project.name}; it has: ${project.dags.ids().join(', ')}`,
      { context: { received: dagId } },
    );
  }
  return registered;
}

/**
 * Check that `dagId` is a DAG of the project, when there is a project to check against (given,
 * or found in the working directory).
 */
export async function checkDagOfProject(dagId: string, config: string | undefined): Promise<void> {
  if (config === undefined && findProjectConfig(process.cwd()) === undefined) return;
  dagOfProject(await projectFor(config), dagId);
}
