import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import { TributaryError } from '../../src/errors/index.js';
import { MemoryStore, runLeaseKey, type RunStore } from '../../src/store/index.js';
import { SqliteStore } from '../../src/store/sqlite/index.js';

/** Shared helpers of the durable-run tests. */

/** An owner on this host whose process does not exist: what a crashed run leaves behind. */
export const DEAD_OWNER = `${hostname()}:2147483646:deadbeef`;

/** Leave `runId` as a crash does: its lease held by a process that is gone. */
export async function crashed(store: RunStore, runId: string): Promise<void> {
  await store.acquireLease(runLeaseKey(runId), DEAD_OWNER, 60_000);
}

/**
 * Stores in a fresh temp directory per test, all closed (and the directory removed) after it,
 * whatever happened. Call once at the top of a test file.
 */
export function tempStores(): {
  sqlite: (file?: string) => SqliteStore;
  memory: () => MemoryStore;
} {
  let dir = '';
  const stores: RunStore[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tributary-durable-'));
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    sqlite: (file = 'db.sqlite') => {
      const store = SqliteStore.open(join(dir, file));
      stores.push(store);
      return store;
    },
    memory: () => {
      const store = new MemoryStore();
      stores.push(store);
      return store;
    },
  };
}

/** The TributaryError a promise rejects with (fails the test if it resolves). */
export async function failure(promise: Promise<unknown>): Promise<TributaryError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TributaryError);
    return error as TributaryError;
  }
  throw new Error('expected a TributaryError');
}

/** Poll until `condition` holds. Only waits for an event; never decides a verdict by time. */
export async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 5));
}
