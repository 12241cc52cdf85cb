import type { Database } from 'better-sqlite3';
import { TributaryError } from '../../errors/index.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';

/**
 * The schema version of a database this code can open; reads only. A database written by a
 * newer Tributary fails with `SCHEMA_VERSION`; one that is not a Tributary database fails with
 * `STORE_CORRUPT`.
 */
export function checkVersion(db: Database, path: string): number {
  // One read transaction: the table count and the version come from the same snapshot, even
  // while another process is migrating the file (else: tables seen, version not yet).
  return db.transaction(() => {
    const tables = db
      .prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'`)
      .get() as { n: number };
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new TributaryError(
        'SCHEMA_VERSION',
        `Database ${path} has schema version ${version}; this Tributary reads up to version ${SCHEMA_VERSION}. Upgrade Tributary.`,
        { context: { path, version, supported: SCHEMA_VERSION } },
      );
    }
    if (version === 0 && tables.n > 0) {
      throw new TributaryError(
        'STORE_CORRUPT',
        `Database ${path} has tables but no Tributary schema version`,
        {
          context: { path },
        },
      );
    }
    return version;
  })();
}

/**
 * Bring a database to {@link SCHEMA_VERSION} inside one transaction, checking it with
 * {@link checkVersion} first.
 */
export function migrate(db: Database, path: string): void {
  // IMMEDIATE takes the write lock before reading the version, so processes opening a new file
  // at the same time migrate it once, one after the other.
  db.transaction(() => {
    const version = checkVersion(db, path);
    for (let v = version; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]!);
    if (version < SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
