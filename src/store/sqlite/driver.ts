import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { toError, TributaryError } from '../../errors/index.js';

type DatabaseConstructor = typeof BetterSqlite3;

let driver: DatabaseConstructor | undefined;

/**
 * better-sqlite3, loaded on first use rather than at import, so that a missing or broken native
 * module is a typed `NATIVE_MODULE` error (see {@link nativeModuleError}) and importing Tributary
 * never fails because of it.
 */
export function loadDriver(): DatabaseConstructor {
  if (driver !== undefined) return driver;
  try {
    driver = createRequire(import.meta.url)('better-sqlite3') as DatabaseConstructor;
    return driver;
  } catch (caught) {
    throw nativeModuleError(caught) ?? caught;
  }
}

/**
 * `NATIVE_MODULE` for better-sqlite3 missing, or built for another Node.js version
 * (`ERR_DLOPEN_FAILED`, a `NODE_MODULE_VERSION` mismatch: the most common problem its users meet
 * after switching Node versions; its binary loads when the first database opens), saying how to
 * fix it. Undefined for any other error.
 */
export function nativeModuleError(caught: unknown): TributaryError | undefined {
  const error = toError(caught);
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'MODULE_NOT_FOUND' && error.message.includes('better-sqlite3')) {
    return new TributaryError(
      'NATIVE_MODULE',
      'The SQLite store needs the better-sqlite3 package: install it with `npm install better-sqlite3`',
      { cause: error },
    );
  }
  if (code !== 'ERR_DLOPEN_FAILED' && !error.message.includes('NODE_MODULE_VERSION'))
    return undefined;
  return new TributaryError(
    'NATIVE_MODULE',
    `better-sqlite3 cannot be loaded by Node.js ${process.version} (${error.message.split('\n')[0]}). ` +
      'It was probably built for another Node.js version: run `npm rebuild better-sqlite3`.',
    { context: { nodeVersion: process.version, code }, cause: error },
  );
}

/** True for an error SQLite raises on a damaged or foreign file. */
export function isCorruption(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT_VTAB';
}

/** True for SQLite's "database is locked" family (`SQLITE_BUSY`, `SQLITE_BUSY_RECOVERY`, ...). */
export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}
