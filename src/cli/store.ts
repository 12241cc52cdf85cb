import { resolve } from 'node:path';
import type { Durability, RunStore } from '../store/run-store.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';

/** The default database: `.tributary/tributary.db` in the working directory. */
export const DEFAULT_DB = '.tributary/tributary.db';

/**
 * Open the SQLite store a command works on.
 *
 * @example
 * ```ts
 * const store = openStore('.tributary/tributary.db', 'full');
 * ```
 */
export function openStore(db: string | undefined, durability?: Durability): SqliteStore {
  return SqliteStore.open(
    resolve(db ?? DEFAULT_DB),
    durability === undefined ? {} : { durability },
  );
}

/**
 * Open the store, run `fn` with it and close it, whatever `fn` does.
 *
 * @example
 * ```ts
 * const runs = await withStore(options.db, (store) => store.listRuns({ limit: 10 }));
 * ```
 */
export async function withStore<T>(
  db: string | undefined,
  fn: (store: RunStore) => Promise<T>,
): Promise<T> {
  const store = openStore(db);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
