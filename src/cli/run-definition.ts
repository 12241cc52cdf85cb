import { TributaryError } from '../errors/index.js';
import type { DagDefinition } from '../durable/index.js';
import type { RunRecord } from '../store/index.js';
import { loadDefinitions, pickDefinition } from '../orchestrator/index.js';

/**
 * The definition a stored run was started from: the module it recorded, or `--module`.
 *
 * @example
 * ```ts
 * const def = await runDefinition(run, options.module);
 * ```
 */
export async function runDefinition(run: RunRecord, modulePath?: string): Promise<DagDefinition> {
  const path = modulePath ?? run.module;
  if (path === undefined) {
    throw new TributaryError(
      'INVALID_ARGUMENT',
      `Run "${run.runId}" has no recorded module: pass --module`,
      { context: { runId: run.runId } },
    );
  }
  return pickDefinition((await loadDefinitions(path)).dags, run.dagId, path);
}
