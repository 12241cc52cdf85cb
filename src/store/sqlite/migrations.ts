// No better-sqlite3 import here: `SCHEMA_VERSION` is public (tributary/sqlite), and its
// declarations must not need better-sqlite3's types.

/**
 * Migrations in order; migration i takes the schema from version i to i + 1. Never edit a
 * published migration: append a new one.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE runs (
     run_id TEXT PRIMARY KEY,
     dag_id TEXT NOT NULL,
     status TEXT NOT NULL,
     params TEXT NOT NULL,
     partition_key TEXT,
     graph TEXT NOT NULL,
     created_at REAL NOT NULL,
     updated_at REAL NOT NULL,
     finished_at REAL,
     cancel_requested_at REAL,
     owner TEXT,
     module TEXT
   );
   CREATE INDEX runs_by_dag ON runs (dag_id, created_at);
   CREATE INDEX runs_by_created ON runs (created_at);
   -- One row per commit (a scheduler tick): entries is a JSON array of
   -- [seq, type, node, at, body] for seqs first_seq..last_seq. Reading a journal costs one row per
   -- tick, not one per event.
   CREATE TABLE journal (
     run_id TEXT NOT NULL,
     first_seq INTEGER NOT NULL,
     last_seq INTEGER NOT NULL,
     entries TEXT NOT NULL,
     PRIMARY KEY (run_id, first_seq)
   ) WITHOUT ROWID;
   -- The latest engine snapshot of a run (replay starts from it): one row per run.
   CREATE TABLE snapshots (
     run_id TEXT PRIMARY KEY,
     seq INTEGER NOT NULL,
     body TEXT NOT NULL
   );
   CREATE TABLE artifacts (
     run_id TEXT NOT NULL,
     key TEXT NOT NULL,
     body TEXT NOT NULL,
     PRIMARY KEY (run_id, key)
   ) WITHOUT ROWID;`,
  // 2: ownership leases with fencing, requests to a run's owner, task logs, and the run's
  // durability and codec. The lease and the requests table replace runs.owner and
  // runs.cancel_requested_at. The graph moves to a table of its own: a run row is updated by
  // commits, and SQLite rewrites a whole row (megabytes of graph for a large DAG) on any update.
  `CREATE TABLE run_graphs (
     run_id TEXT PRIMARY KEY,
     graph TEXT NOT NULL
   );
   INSERT INTO run_graphs (run_id, graph) SELECT run_id, graph FROM runs;
   ALTER TABLE runs DROP COLUMN graph;
   ALTER TABLE runs DROP COLUMN owner;
   ALTER TABLE runs DROP COLUMN cancel_requested_at;
   CREATE TABLE leases (
     key TEXT PRIMARY KEY,
     owner TEXT NOT NULL, -- '' once released; the row stays so the fence never goes back
     fence INTEGER NOT NULL,
     expires_at REAL NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE requests (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     run_id TEXT NOT NULL,
     kind TEXT NOT NULL,
     actor TEXT NOT NULL,
     at REAL NOT NULL,
     body TEXT,
     state TEXT NOT NULL,
     outcome TEXT
   );
   CREATE INDEX requests_by_run ON requests (run_id, state, id);
   CREATE TABLE logs (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     run_id TEXT NOT NULL,
     node TEXT NOT NULL,
     attempt INTEGER NOT NULL,
     at REAL NOT NULL,
     level TEXT NOT NULL,
     source TEXT NOT NULL,
     message TEXT NOT NULL,
     fields TEXT
   );
   CREATE INDEX logs_by_run ON logs (run_id, id);
   ALTER TABLE runs ADD COLUMN durability TEXT;
   ALTER TABLE runs ADD COLUMN codec TEXT;`,
  // 3: run identity (dag, period key, run key: a run made before it is its own identity), the
  // store-wide change feed (written in the transaction of each change it describes), signals
  // with their history (an entry per set or clear, never rewritten), and the scheduler's state.
  `ALTER TABLE runs ADD COLUMN run_key TEXT; -- NULL: the run id
   CREATE UNIQUE INDEX runs_identity
     ON runs (dag_id, ifnull(partition_key, ''), ifnull(run_key, run_id));
   CREATE TABLE feed (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     kind TEXT NOT NULL,
     subject TEXT NOT NULL,
     dag_id TEXT,
     period_key TEXT,
     status TEXT,
     at REAL NOT NULL
   );
   CREATE TABLE signals (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     name TEXT NOT NULL,
     period_key TEXT NOT NULL,
     payload TEXT,
     set_by TEXT NOT NULL,
     set_at REAL NOT NULL,
     cleared INTEGER NOT NULL
   );
   CREATE INDEX signals_by_key ON signals (name, period_key, id);
   -- The scheduler's state: named marks (feed cursor, last fired periods), paused DAGs, and the
   -- trigger outbox (written in the transaction of the change that fires a trigger).
   CREATE TABLE marks (
     name TEXT PRIMARY KEY,
     value TEXT NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE paused_dags (
     dag_id TEXT PRIMARY KEY,
     paused_by TEXT NOT NULL,
     paused_at REAL NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE triggers (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     dag_id TEXT NOT NULL,
     period_key TEXT NOT NULL,
     run_key TEXT NOT NULL,
     params TEXT,
     origin TEXT NOT NULL,
     at REAL NOT NULL,
     state TEXT NOT NULL,
     run_id TEXT
   );
   CREATE INDEX triggers_by_state ON triggers (state, id);`,
  // 4: what made each run (a schedule, a trigger of a run or a task, a person), and why a
  // trigger the scheduler could not turn into a run was refused.
  `ALTER TABLE runs ADD COLUMN origin TEXT;
   ALTER TABLE triggers ADD COLUMN reason TEXT;`,
  // 5: retention. A run pruned to its summary keeps its row, with when it was pruned; prune
  // finds finished runs by their finish time.
  `ALTER TABLE runs ADD COLUMN pruned_at REAL;
   CREATE INDEX runs_by_finished ON runs (finished_at) WHERE finished_at IS NOT NULL;`,
  // 6: the notification outbox (alerts of failures, successes and late periods), one row per
  // event and target, with every delivery attempt's outcome.
  `CREATE TABLE notifications (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     key TEXT NOT NULL UNIQUE,
     kind TEXT NOT NULL,
     dag_id TEXT NOT NULL,
     run_id TEXT,
     period_key TEXT,
     target TEXT NOT NULL,
     body TEXT NOT NULL,
     at REAL NOT NULL,
     state TEXT NOT NULL,
     attempts INTEGER NOT NULL,
     next_at REAL NOT NULL,
     last_error TEXT,
     delivered_at REAL
   );
   CREATE INDEX notifications_due ON notifications (state, next_at);`,
  // 7: data-aware scheduling. Asset events (append-only; data_version NULL means `event:<id>`),
  // the latest event of each asset partition (kept with each insert, so reading a partition's
  // state never scans history), the events each run read (with the reading run's DAG and period,
  // so "has DAG d consumed event e of (asset, partition)" is one probe of run_inputs_consumed),
  // dynamic partition keys, and backfills with their plans. runs_latest serves the latest run
  // per period: one ordered scan of the index, never the table.
  `CREATE TABLE asset_events (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     asset TEXT NOT NULL,
     partition_key TEXT NOT NULL,
     data_version TEXT,
     metadata TEXT,
     run_id TEXT,
     node TEXT,
     source TEXT NOT NULL,
     at REAL NOT NULL
   );
   CREATE INDEX asset_events_by_key ON asset_events (asset, partition_key, id);
   CREATE INDEX asset_events_by_run ON asset_events (run_id) WHERE run_id IS NOT NULL;
   CREATE TABLE asset_latest (
     asset TEXT NOT NULL,
     partition_key TEXT NOT NULL,
     event_id INTEGER NOT NULL,
     data_version TEXT NOT NULL,
     PRIMARY KEY (asset, partition_key)
   ) WITHOUT ROWID;
   CREATE TABLE run_inputs (
     run_id TEXT NOT NULL,
     dag_id TEXT NOT NULL,
     period_key TEXT NOT NULL,
     event_id INTEGER NOT NULL,
     asset TEXT NOT NULL,
     partition_key TEXT NOT NULL,
     data_version TEXT NOT NULL,
     PRIMARY KEY (run_id, event_id)
   ) WITHOUT ROWID;
   CREATE INDEX run_inputs_consumed ON run_inputs (dag_id, asset, partition_key, event_id);
   CREATE TABLE partition_keys (
     set_name TEXT NOT NULL,
     key TEXT NOT NULL,
     added_by TEXT NOT NULL,
     added_at REAL NOT NULL,
     ord INTEGER NOT NULL,
     PRIMARY KEY (set_name, key)
   ) WITHOUT ROWID;
   CREATE UNIQUE INDEX partition_keys_by_ord ON partition_keys (set_name, ord);
   CREATE TABLE backfills (
     id TEXT PRIMARY KEY,
     dag_id TEXT NOT NULL,
     spec TEXT NOT NULL,
     created_by TEXT NOT NULL,
     created_at REAL NOT NULL,
     state TEXT NOT NULL,
     updated_at REAL NOT NULL,
     finished_at REAL
   );
   CREATE INDEX backfills_by_created ON backfills (created_at, id);
   CREATE TABLE backfill_partitions (
     backfill_id TEXT NOT NULL,
     ord INTEGER NOT NULL,
     dag_id TEXT NOT NULL,
     period_key TEXT NOT NULL,
     state TEXT NOT NULL,
     run_id TEXT,
     PRIMARY KEY (backfill_id, ord),
     UNIQUE (backfill_id, dag_id, period_key)
   ) WITHOUT ROWID;
   CREATE INDEX runs_latest
     ON runs (dag_id, ifnull(partition_key, ''), created_at, run_id, status);`,
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;
