export { defineDag, defineTask, isDagDefinition, isTaskDefinition } from './define.js';
export type { DagDefinition, DagOptions, TaskDefinition } from './define.js';
export { startRun, resumeRun } from './durable-runner.js';
export type { DurableRunOptions, ResumeOutcome } from './durable-runner.js';
export { loadJournal, replay } from './replay.js';
export type { InfoEntry, JournalEntry } from './journal-entry.js';
export { viewRun } from './run-view.js';
export type { NodeView, RunView } from './run-view.js';
