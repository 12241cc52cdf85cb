import { resolve } from 'node:path';
import type { Durability } from '../store/run-store.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';

/** The default database: `.tributary/tributary.db` in the working directory. */
export const DEFAULT_DB = '.tributary/tributary.db';

/** Open the SQLite store a command works on. */
export function openStore(db: string | undefined, durability?: Durability): SqliteStore {
  return SqliteStore.open(
    resolve(db ?? DEFAULT_DB),
    durability === undefined ? {} : { durability },
  );
}
