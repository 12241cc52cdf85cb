import type { Database, Statement } from 'better-sqlite3';
import type { Lease } from '../lease.js';
import type { RunRequest, RunRequestKind } from '../requests.js';

/**
 * The rows and prepared statements of the run tables of a `SqliteStore` (runs, journal,
 * snapshots, artifacts, leases, requests, logs), and the conversions of their rows.
 */

export interface RunRow {
  run_id: string;
  dag_id: string;
  status: string;
  params: string;
  partition_key: string | null;
  graph: string;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
  module: string | null;
  durability: string | null;
  codec: string | null;
  run_key: string | null;
  origin: string | null;
  pruned_at: number | null;
  lease_owner: string | null;
}

export interface LeaseRow {
  key: string;
  owner: string;
  fence: number;
  expires_at: number;
}

export interface RequestRow {
  id: number;
  run_id: string;
  kind: string;
  actor: string;
  at: number;
  body: string | null;
  state: string;
  outcome: string | null;
}

export interface LogRow {
  id: number;
  node: string;
  attempt: number;
  at: number;
  level: string;
  source: string;
  message: string;
  fields: string | null;
}

/** Every run column (the graph is in run_graphs: megabytes for a large DAG), with the lease holder. */
export const SUMMARY_COLUMNS = `runs.run_id, dag_id, status, params, partition_key, created_at, updated_at,
  finished_at, module, durability, codec, run_key, origin, pruned_at, NULLIF(leases.owner, '') AS lease_owner`;
export const FROM_RUNS = `runs LEFT JOIN leases ON leases.key = 'run:' || runs.run_id`;

/** Every statement the store runs, prepared once per connection. */
/** The prepared statements of the run tables, one per operation. */
export type RunStatements = {
  readonly [
    K in
      | 'insertRun'
      | 'findRunId'
      | 'findRun'
      | 'insertGraph'
      | 'selectRun'
      | 'runExists'
      | 'prunedAt'
      | 'runKey'
      | 'insertJournal'
      | 'lastSeq'
      | 'selectJournal'
      | 'putArtifact'
      | 'getArtifact'
      | 'putSnapshot'
      | 'getSnapshot'
      | 'getLease'
      | 'putLease'
      | 'releaseLease'
      | 'insertRequest'
      | 'pendingRequests'
      | 'getRequest'
      | 'completeRequest'
      | 'insertLog'
      | 'selectLogs'
  ]: Statement;
};

export function prepareRunStatements(db: Database): RunStatements {
  const pluck = (sql: string): Statement => db.prepare(sql).pluck();
  return {
    insertRun: db.prepare(
      `INSERT INTO runs (run_id, dag_id, status, params, partition_key, created_at, updated_at, finished_at, module, durability, codec, run_key, origin)
       VALUES (@run_id, @dag_id, @status, @params, @partition_key, @created_at, @updated_at, @finished_at, @module, @durability, @codec, @run_key, @origin)`,
    ),
    findRunId: pluck(
      `SELECT run_id FROM runs WHERE dag_id = ? AND ifnull(partition_key, '') = ? AND ifnull(run_key, run_id) = ?`,
    ),
    findRun: db.prepare(
      `SELECT ${SUMMARY_COLUMNS} FROM ${FROM_RUNS} WHERE dag_id = ? AND ifnull(partition_key, '') = ? AND ifnull(run_key, runs.run_id) = ?`,
    ),
    insertGraph: db.prepare(`INSERT INTO run_graphs (run_id, graph) VALUES (?, ?)`),
    selectRun: db.prepare(
      `SELECT ${SUMMARY_COLUMNS}, run_graphs.graph FROM ${FROM_RUNS}
       JOIN run_graphs ON run_graphs.run_id = runs.run_id WHERE runs.run_id = ?`,
    ),
    runExists: pluck(`SELECT 1 FROM runs WHERE run_id = ?`),
    prunedAt: db.prepare(`SELECT pruned_at FROM runs WHERE run_id = ?`),
    runKey: db.prepare(`SELECT dag_id, partition_key FROM runs WHERE run_id = ?`),
    insertJournal: db.prepare(
      `INSERT INTO journal (run_id, first_seq, last_seq, entries) VALUES (?, ?, ?, ?)`,
    ),
    lastSeq: pluck(`SELECT last_seq FROM journal WHERE run_id = ? ORDER BY first_seq DESC LIMIT 1`),
    selectJournal: pluck(
      `SELECT entries FROM journal WHERE run_id = ? AND last_seq > ? ORDER BY first_seq`,
    ),
    putArtifact: db.prepare(
      `INSERT OR REPLACE INTO artifacts (run_id, key, body) VALUES (?, ?, ?)`,
    ),
    getArtifact: pluck(`SELECT body FROM artifacts WHERE run_id = ? AND key = ?`),
    putSnapshot: db.prepare(
      `INSERT INTO snapshots (run_id, seq, body) VALUES (?, ?, ?)
       ON CONFLICT (run_id) DO UPDATE SET seq = excluded.seq, body = excluded.body WHERE excluded.seq > snapshots.seq`,
    ),
    getSnapshot: db.prepare(`SELECT seq, body FROM snapshots WHERE run_id = ?`),
    getLease: db.prepare(`SELECT key, owner, fence, expires_at FROM leases WHERE key = ?`),
    putLease: db.prepare(
      `INSERT INTO leases (key, owner, fence, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, fence = excluded.fence, expires_at = excluded.expires_at`,
    ),
    releaseLease: db.prepare(
      `UPDATE leases SET owner = '', expires_at = 0 WHERE key = ? AND fence = ? AND owner <> ''`,
    ),
    insertRequest: db.prepare(
      `INSERT INTO requests (run_id, kind, actor, at, body, state) VALUES (?, ?, ?, ?, ?, 'pending')`,
    ),
    pendingRequests: db.prepare(
      `SELECT * FROM requests WHERE run_id = ? AND state = 'pending' ORDER BY id`,
    ),
    getRequest: db.prepare(`SELECT * FROM requests WHERE run_id = ? AND id = ?`),
    completeRequest: db.prepare(
      `UPDATE requests SET state = ?, outcome = ? WHERE run_id = ? AND id = ? AND state = 'pending'`,
    ),
    insertLog: db.prepare(
      `INSERT INTO logs (run_id, node, attempt, at, level, source, message, fields) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    selectLogs: db.prepare(
      `SELECT id, node, attempt, at, level, source, message, fields FROM logs
       WHERE run_id = @run AND id > @after AND (@node IS NULL OR node = @node) ORDER BY id LIMIT @limit`,
    ),
  };
}

/** The stored row as the lease rules see it (a released row keeps its fence, owner ''). */
export function toStoredLease(row: LeaseRow | undefined): Lease | undefined {
  return row === undefined
    ? undefined
    : { key: row.key, owner: row.owner, fence: row.fence, expiresAt: row.expires_at };
}

/** The holder, if any: a released lease is no lease. */
export function toLease(row: LeaseRow | undefined): Lease | undefined {
  return row === undefined || row.owner === '' ? undefined : toStoredLease(row);
}

export function toRequest(row: RequestRow): RunRequest {
  return {
    id: row.id,
    runId: row.run_id,
    kind: row.kind as RunRequestKind,
    actor: row.actor,
    at: row.at,
    ...(row.body === null ? {} : { body: row.body }),
    state: row.state as RunRequest['state'],
    ...(row.outcome === null ? {} : { outcome: row.outcome }),
  };
}
