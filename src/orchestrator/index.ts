export {
  definitionsIn,
  importDefinitionModule,
  loadDefinitions,
  pickDefinition,
} from './definition-module.js';
export { expandGlob, isGlob } from './glob.js';
export { defineProject, isProjectDefinition } from './project.js';
export type { ProjectDefinition, ProjectOptions } from './project.js';
export { DagRegistry } from './registry.js';
export type { RegisteredDag } from './registry.js';
export {
  CONFIG_NAMES,
  findProjectConfig,
  loadProject,
  loadProjectFrom,
  projectIn,
} from './load-project.js';
export type { Project } from './load-project.js';
export { dependencyReadiness, describeReadiness } from './readiness.js';
export type {
  Blocking,
  Readiness,
  RunFact,
  RunLookup,
  SignalLookup,
  Waiting,
} from './readiness.js';
export { Retention } from './retention.js';
export type { RetentionOptions } from './retention.js';
export { Scheduler, SCHEDULER_LEASE } from './scheduler.js';
export type { SchedulerEvent, SchedulerOptions } from './scheduler.js';
