import { createTaskResolver, type TaskResolver } from '../executor/index.js';
import type { DagDefinition } from './define.js';

const registries = new WeakMap<DagDefinition, TaskResolver>();

/**
 * The task registry of a definition (made once per definition): registered tasks and expanders
 * by name, no functions on node specs (a durable run's nodes are data).
 */
export function definitionResolver(def: DagDefinition): TaskResolver {
  let registry = registries.get(def);
  if (registry === undefined) {
    registry = createTaskResolver({
      tasks: def.tasks,
      expanders: def.expanders,
      inline: false,
      owner: def.id,
    });
    registries.set(def, registry);
  }
  return registry;
}
