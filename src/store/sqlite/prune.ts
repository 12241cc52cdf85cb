import type { Database } from 'better-sqlite3';
import {
  lowestCursor,
  PRUNABLE_STATUSES,
  type PruneOptions,
  type PruneResult,
  type SpaceReclaimed,
} from '../retention.js';

interface Candidate {
  run_id: string;
  lease_owner: string | null;
  lease_expires_at: number | null;
}

const FINISHED = PRUNABLE_STATUSES.map((s) => `'${s}'`).join(', ');

/**
 * The SQLite side of `RunStore.prune` (rules in `retention.ts`): counts with SELECTs, then,
 * unless a dry run, deletes the same rows. The caller runs it in one transaction (a write one
 * unless dry), so the runs it chose cannot change under it. `now` is the wall clock that leases
 * run on. O(runs pruned × their rows) plus one range scan of the feed and of the triggers.
 */
export function pruneSqlite(db: Database, options: PruneOptions, now: number): PruneResult {
  const dry = options.dryRun === true;
  const drop = options.keepSummaries === false;
  const dag = options.dagId ?? null;
  const candidates = db
    .prepare(
      `SELECT runs.run_id, leases.owner AS lease_owner, leases.expires_at AS lease_expires_at
       FROM runs LEFT JOIN leases ON leases.key = 'run:' || runs.run_id
       WHERE runs.finished_at < @before AND runs.status IN (${FINISHED})
         AND (@dag IS NULL OR runs.dag_id = @dag) AND (@drop = 1 OR runs.pruned_at IS NULL)
       ORDER BY runs.finished_at, runs.run_id`,
    )
    .all({ before: options.before, dag, drop: drop ? 1 : 0 }) as Candidate[];
  const leased: string[] = [];
  const runIds: string[] = [];
  for (const c of candidates) {
    const held = c.lease_owner !== null && c.lease_owner !== '' && c.lease_expires_at! > now;
    (held ? leased : runIds).push(c.run_id);
  }

  const count = (sql: string) => db.prepare(sql).pluck();
  const counts = {
    journal: count('SELECT ifnull(sum(last_seq - first_seq + 1), 0) FROM journal WHERE run_id = ?'),
    snapshots: count('SELECT count(*) FROM snapshots WHERE run_id = ?'),
    logs: count('SELECT count(*) FROM logs WHERE run_id = ?'),
    artifacts: count('SELECT count(*) FROM artifacts WHERE run_id = ?'),
    requests: count('SELECT count(*) FROM requests WHERE run_id = ?'),
  };
  const details = ['journal', 'snapshots', 'logs', 'artifacts', 'requests'].map((table) =>
    db.prepare(`DELETE FROM ${table} WHERE run_id = ?`),
  );
  const markPruned = db.prepare('UPDATE runs SET pruned_at = ? WHERE run_id = ?');
  const dropRun = [
    db.prepare('DELETE FROM runs WHERE run_id = ?'),
    db.prepare('DELETE FROM run_graphs WHERE run_id = ?'),
    db.prepare(`DELETE FROM leases WHERE key = 'run:' || ?`),
  ];
  let journalEntries = 0;
  let snapshots = 0;
  let logLines = 0;
  let artifacts = 0;
  let requests = 0;
  for (const runId of runIds) {
    journalEntries += counts.journal.get(runId) as number;
    snapshots += counts.snapshots.get(runId) as number;
    logLines += counts.logs.get(runId) as number;
    artifacts += counts.artifacts.get(runId) as number;
    requests += counts.requests.get(runId) as number;
    if (dry) continue;
    for (const statement of details) statement.run(runId);
    if (drop) for (const statement of dropRun) statement.run(runId);
    else markPruned.run(now, runId);
  }

  const marks = db.prepare('SELECT name, value FROM marks').raw().all() as [string, string][];
  const cursor = lowestCursor(marks);
  const feedWhere = `seq < @cursor AND at < @before AND (@dag IS NULL OR dag_id = @dag)`;
  const feedArgs = { cursor: cursor ?? 0, before: options.before, dag };
  const triggerWhere = `state IN ('done', 'refused') AND at < @before AND (@dag IS NULL OR dag_id = @dag)`;
  const triggerArgs = { before: options.before, dag };
  // The latest entry of each (name, period) is the signal's current value: always kept.
  const signalWhere = `set_at < @before AND id NOT IN (SELECT max(id) FROM signals GROUP BY name, period_key)`;
  const signalArgs = { before: options.before };
  const feedChanges =
    cursor === undefined
      ? 0
      : (count(`SELECT count(*) FROM feed WHERE ${feedWhere}`).get(feedArgs) as number);
  const triggers = count(`SELECT count(*) FROM triggers WHERE ${triggerWhere}`).get(
    triggerArgs,
  ) as number;
  const signalEntries =
    dag !== null
      ? 0
      : (count(`SELECT count(*) FROM signals WHERE ${signalWhere}`).get(signalArgs) as number);
  if (!dry) {
    if (feedChanges > 0) db.prepare(`DELETE FROM feed WHERE ${feedWhere}`).run(feedArgs);
    if (triggers > 0) db.prepare(`DELETE FROM triggers WHERE ${triggerWhere}`).run(triggerArgs);
    if (signalEntries > 0) db.prepare(`DELETE FROM signals WHERE ${signalWhere}`).run(signalArgs);
  }
  return {
    dryRun: dry,
    runs: runIds.length,
    runIds,
    summariesDropped: drop ? runIds.length : 0,
    journalEntries,
    snapshots,
    logLines,
    artifacts,
    requests,
    feedChanges,
    triggers,
    signalEntries,
    leased,
  };
}

/**
 * Give free pages back to the file system: `VACUUM` when `full`, else `PRAGMA incremental_vacuum`
 * on a database created with `auto_vacuum = INCREMENTAL` (every database Tributary creates), else
 * nothing. Then a WAL checkpoint, so the file's size on disk follows. Sizes are
 * `page_count × page_size`. Outside any transaction (VACUUM cannot run inside one).
 */
export function reclaimSqlite(db: Database, full: boolean): SpaceReclaimed {
  const size = (): number =>
    (db.pragma('page_count', { simple: true }) as number) *
    (db.pragma('page_size', { simple: true }) as number);
  const bytesBefore = size();
  let method: SpaceReclaimed['method'] = 'none';
  if (full) {
    db.exec('VACUUM');
    method = 'vacuum';
  } else if ((db.pragma('auto_vacuum', { simple: true }) as number) === 2) {
    db.pragma('incremental_vacuum');
    method = 'incremental';
  }
  if (method !== 'none') db.pragma('wal_checkpoint(TRUNCATE)');
  return { method, bytesBefore, bytesAfter: size() };
}
