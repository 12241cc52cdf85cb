export type {
  Commit,
  Durability,
  RunFilter,
  RunRecord,
  RunStore,
  StoredEvent,
} from './run-store.js';
export { MemoryStore } from './memory/memory-store.js';
