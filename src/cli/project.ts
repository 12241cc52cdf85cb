import { TributaryError } from '../errors/index.js';
import {
  CONFIG_NAMES,
  findProjectConfig,
  loadProject,
  type Project,
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
 * Check that `dagId` is a DAG of the project, when there is a project to check against (given,
 * or found in the working directory): `DAG_NOT_FOUND` listing the project's DAGs otherwise.
 */
export async function checkDagOfProject(dagId: string, config: string | undefined): Promise<void> {
  if (config === undefined && findProjectConfig(process.cwd()) === undefined) return;
  const project = await projectFor(config);
  if (project.dags.get(dagId) === undefined) {
    throw new TributaryError(
      'DAG_NOT_FOUND',
      `No DAG "${dagId}" in project ${project.name}; it has: ${project.dags.ids().join(', ')}`,
      { context: { received: dagId } },
    );
  }
}
