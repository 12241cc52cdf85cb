import { createTaskRegistry, type TaskRegistry } from '../executor/index.js';
import type { DagDefinition } from './define.js';

const registries = new WeakMap<DagDefinition, TaskRegistry>();

/**
 * The task registry of a definition (made once per definition): registered tasks and expanders
 * by name, no functions on node specs (a durable run's nodes are data).
 */
export function definitionRegistry(def: DagDefinition): TaskRegistry {
  let registry = registries.get(def);
  if (registry === undefined) {
    registry = createTaskRegistry({
      tasks: def.tasks,
      expanders: def.expanders,
      inline: false,
      owner: def.id,
    });
    registries.set(def, registry);
  }
  return registry;
}
