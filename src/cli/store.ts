import { resolve } from 'node:path';
import { TributaryError } from '../errors/index.js';
import type { Durability, RunStore } from '../store/index.js';
import type { SqliteStore } from '../store/sqlite/index.js';

/**
 * The default database: `.tributary/tributary.db` in the working directory.
 *
 * @example
 * ```ts
 * resolve(options.db ?? DEFAULT_DB);
 * ```
 */
export const DEFAULT_DB = '.tributary/tributary.db';

/**
 * Options of {@link openStore}.
 *
 * @example
 * ```ts
 * const options: OpenStoreOptions = { mustExist: true };
 * ```
 */
export interface OpenStoreOptions {
  readonly durability?: Durability;
  /** Fail with `STORE_NOT_FOUND` instead of creating a database that is not there. */
  readonly mustExist?: boolean;
}

/**
 * Open the SQLite store a command works on. Only `run`, `signal set`, `pause`, `unpause`, `backfill`, `asset emit` and `partition-keys add` create a database; every other command
 * passes `mustExist`, so a mistyped `--db` fails instead of leaving an empty database behind.
 *
 * The SQLite module is imported here, not when the CLI loads: a better-sqlite3 built for another
 * Node version then fails inside the command, with a typed error and exit code, and commands
 * that need no store (`validate`, `graph`, `--help`) still work.
 *
 * @example
 * ```ts
 * const store = await openStore(options.db, { mustExist: true });
 * ```
 */
export async function openStore(
  db: string | undefined,
  options: OpenStoreOptions = {},
): Promise<SqliteStore> {
  const path = resolve(db ?? DEFAULT_DB);
  const { SqliteStore } = await import('../store/sqlite/index.js');
  try {
    return SqliteStore.open(path, {
      ...(options.durability === undefined ? {} : { durability: options.durability }),
      ...(options.mustExist === true ? { create: false } : {}),
    });
  } catch (error) {
    throw error instanceof TributaryError && error.code === 'STORE_NOT_FOUND'
      ? storeNotFound(path, db, error)
      : error;
  }
}

/** `STORE_NOT_FOUND` with what a CLI user can do about it. */
function storeNotFound(path: string, db: string | undefined, cause: Error): TributaryError {
  const given = db ?? DEFAULT_DB;
  const which = db === undefined ? 'the default database; pass --db to name another' : 'check --db';
  return new TributaryError(
    'STORE_NOT_FOUND',
    `No database at ${path}${given === path ? '' : ` (from \`${given}\`)`}: ${which} (only \`run\`, \`signal set\`, \`pause\`, \`unpause\`, \`backfill\`, \`asset emit\` and \`partition-keys add\` create one)`,
    { context: { received: given, path }, cause },
  );
}

/**
 * Open an existing store (`STORE_NOT_FOUND` otherwise; `create` makes a missing one), run `fn`
 * with it and close it, whatever `fn` does.
 *
 * @example
 * ```ts
 * const runs = await withStore(options.db, (store) => store.listRuns({ limit: 10 }));
 * ```
 */
export async function withStore<T>(
  db: string | undefined,
  fn: (store: RunStore) => Promise<T>,
  options: { readonly create?: boolean } = {},
): Promise<T> {
  const store = await openStore(db, { mustExist: options.create !== true });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
