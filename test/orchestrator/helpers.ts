import type { DagDefinition } from '../../src/durable/index.js';
import {
  DagRegistry,
  type ExternalAssetOptions,
  type Project,
} from '../../src/orchestrator/index.js';

/**
 * A project of these definitions, as `loadProject` would make it from modules under `/repo`
 * (references checked), without files: for the scheduler's tests.
 */
export function projectOf(...defs: readonly DagDefinition[]): Project {
  return projectWith({}, ...defs);
}

/** {@link projectOf} with the project's external assets. */
export function projectWith(
  options: { readonly assets?: readonly (string | ExternalAssetOptions)[] },
  ...defs: readonly DagDefinition[]
): Project {
  const dags = new DagRegistry('/repo', options);
  for (const def of defs) dags.add(def, `/repo/dags/${def.id}.dag.ts`);
  dags.checkReferences();
  return { name: 'test', config: '/repo/tributary.config.ts', root: '/repo', modules: [], dags };
}
