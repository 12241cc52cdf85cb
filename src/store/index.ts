export type {
  Commit,
  Durability,
  RunFilter,
  RunRecord,
  RunSummary,
  RunStore,
  StoredEvent,
} from './run-store.js';
export { MemoryStore } from './memory/memory-store.js';
