import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { jsonCodec } from '../../src/codec/codec.js';
import { loadJournal } from '../../src/durable/replay.js';
import { cliJson, cliSpawn, until } from './helpers.js';

const FIXTURE = 'test/fixtures/crash-etl.ts';
/**
 * `TRIBUTARY_SOAK=1 npx vitest run test/cli/kill-resume.test.ts`: every kill point, more kills
 * among fast tasks and more resumer races (several minutes). The default suite keeps a sample.
 */
const SOAK = process.env.TRIBUTARY_SOAK === '1';
const dir = mkdtempSync(join(tmpdir(), 'tributary-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface ShowJson {
  run: { runId: string; status: string };
  nodes: { name: string; state: string; attempts: number }[];
}

async function runRecorded(db: string): Promise<boolean> {
  if (!existsSync(db)) return false;
  const store = SqliteStore.open(db);
  try {
    return (await store.listRuns({ limit: 1 })).length > 0;
  } finally {
    await store.close();
  }
}

/** Whether a process with this pid exists (signal 0 checks without signalling). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const lines = (file: string): string[] =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];

/** Kill points whose resume started from an engine snapshot. */
let resumedFromSnapshot = 0;

async function journalState(db: string): Promise<{ runId: string; succeeded: Set<string> }> {
  const store = SqliteStore.open(db);
  try {
    const [run] = await store.listRuns();
    if (run === undefined) return { runId: '', succeeded: new Set() };
    if ((await store.getSnapshot(run.runId)) !== undefined) resumedFromSnapshot++;
    const entries = await loadJournal(store, run.runId, jsonCodec);
    const succeeded = new Set(
      entries.flatMap((e) => (e.type === 'task_succeeded' ? [e.node] : [])),
    );
    // A success whose modification was rejected ends failed: not the case in this fixture.
    return { runId: run.runId, succeeded };
  } finally {
    await store.close();
  }
}

function reference(): ShowJson {
  const db = join(dir, 'reference.db');
  const effects = join(dir, 'reference.log');
  const run = cliJson<{ runId: string; status: string }>([
    'run',
    FIXTURE,
    '--db',
    db,
    '--param',
    `sideEffects=${effects}`,
  ]);
  expect(run.code, run.stderr).toBe(0);
  return cliJson<ShowJson>(['show', run.value.runId, '--db', db]).value;
}

describe('kill -9 and resume', () => {
  const expected = reference();
  const expectedNodes = expected.nodes.map((n) => n.name).sort();

  it('the uncrashed reference run expands twice and succeeds', () => {
    expect(expected.run.status).toBe('succeeded');
    expect(expectedNodes).toEqual(
      [
        'discover',
        'merge',
        'report',
        ...[0, 1, 2, 3, 4, 5].map((i) => `part_${i}`),
        'detail_x',
        'detail_y',
      ].sort(),
    );
  });

  // Kill after k side effects: before discover finished (0), right around the expansion (1),
  // during the parts and the chained expansion (2..9), and near the end (10, 11).
  for (const k of SOAK ? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] : [0, 1, 2, 3, 5, 7, 9, 11]) {
    it(`SIGKILL after ${k} completed tasks, then resume: nothing lost, nothing that succeeded re-ran`, async () => {
      const db = join(dir, `kill-${k}.db`);
      const effects = join(dir, `kill-${k}.log`);
      const child = cliSpawn(['run', FIXTURE, '--db', db, '--param', `sideEffects=${effects}`]);
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await until(
        async () => lines(effects).length >= k && (await runRecorded(db)),
        `${k} side effects`,
      );
      child.kill('SIGKILL');
      await exited;

      const ranBeforeKill = lines(effects).length;
      const { runId, succeeded } = await journalState(db);
      expect(runId).not.toBe('');

      const resumed = cliJson<{ status: string }>(['resume', runId, '--db', db]);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.value.status).toBe('succeeded');

      const shown = cliJson<ShowJson>(['show', runId, '--db', db]).value;
      expect(shown.run.status).toBe('succeeded');
      expect(shown.nodes.map((n) => n.name).sort()).toEqual(expectedNodes);
      for (const node of shown.nodes) expect(node.state, node.name).toBe('succeeded');

      const after = lines(effects).slice(ranBeforeKill);
      for (const node of after)
        expect(succeeded.has(node), `${node} succeeded before the kill and ran again`).toBe(false);
      const runs = new Map<string, number>();
      for (const node of lines(effects)) runs.set(node, (runs.get(node) ?? 0) + 1);
      for (const node of expectedNodes) expect(runs.get(node) ?? 0, node).toBeGreaterThanOrEqual(1);
      for (const node of succeeded) expect(runs.get(node), node).toBe(1);
    });
  }

  it('some of those resumes started from an engine snapshot (the fixture snapshots often)', () => {
    expect(resumedFromSnapshot).toBeGreaterThan(0);
  });
});

describe('kill -9 during thousands of fast tasks', () => {
  it.each(SOAK ? [1, 999, 5_000, 10_000, 19_999] : [10_000])(
    'killed at task %i: loses at most the last bounded group commit, and resume re-runs nothing that was journaled',
    async (killAt) => {
      const db = join(dir, `fast-${killAt}.db`);
      const effects = join(dir, `fast-${killAt}.log`);
      const child = cliSpawn([
        'run',
        'test/fixtures/fast-chain.ts',
        '--db',
        db,
        '--param',
        `sideEffects=${effects}`,
        '--param',
        `killAt=${killAt}`,
      ]);
      const signal = await new Promise<NodeJS.Signals | null>((resolve) =>
        child.once('exit', (_code, sig) => resolve(sig)),
      );
      expect(signal).toBe('SIGKILL');
      const ranBeforeKill = lines(effects);
      expect(ranBeforeKill).toHaveLength(killAt);

      const { runId, succeeded } = await journalState(db);
      // Each task is two entries (started, succeeded); one commit holds at most 1,000 entries.
      expect(succeeded.size).toBeGreaterThanOrEqual(Math.max(0, killAt - 500));
      const raw = new BetterSqlite3(db, { readonly: true });
      try {
        const widest = raw
          .prepare('SELECT max(last_seq - first_seq + 1) AS n FROM journal')
          .get() as { n: number | null }; // null: killed before the first commit
        expect(widest.n ?? 0).toBeLessThanOrEqual(1_000);
      } finally {
        raw.close();
      }

      const resumed = cliJson<{ status: string }>(['resume', runId, '--db', db]);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.value.status).toBe('succeeded');
      const after = lines(effects).slice(killAt);
      for (const node of after)
        expect(succeeded.has(node), `${node} was journaled as succeeded and ran again`).toBe(false);
      expect(new Set(lines(effects)).size).toBe(20_000);
    },
  );
});

describe('many resumers at once', () => {
  it.each(SOAK ? [1, 2, 3, 4, 5] : [1])(
    'six `resume` processes race for one crashed run (trial %i): one runs it, the rest are refused, no task runs twice',
    async (trial) => {
      const db = join(dir, `race-${trial}.db`);
      const effects = join(dir, `race-${trial}.log`);
      // Slow enough tasks that the run cannot finish before the kill lands.
      const child = cliSpawn([
        'run',
        FIXTURE,
        '--db',
        db,
        '--param',
        `sideEffects=${effects}`,
        '--param',
        'delayMs=150',
      ]);
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await until(
        async () => lines(effects).length >= 2 && (await runRecorded(db)),
        '2 side effects',
      );
      child.kill('SIGKILL');
      await exited;
      // Gone from the process table too, as a crashed owner is when its run is resumed.
      await until(() => !processExists(child.pid!), 'the killed process to disappear');
      const ranBeforeKill = lines(effects).length;
      const { runId, succeeded } = await journalState(db);
      const store = SqliteStore.open(db);
      const before = await store.getRun(runId).finally(() => store.close());
      expect(before?.status, 'the run was killed midway').toBe('running');

      const resumers = Array.from({ length: 6 }, () => {
        const p = cliSpawn(['resume', runId, '--db', db, '--json']);
        let stdout = '';
        let stderr = '';
        p.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
        p.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
        return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
          p.once('close', (code) => resolve({ code, stdout, stderr })),
        );
      });
      const results = await Promise.all(resumers);
      const ran = results.filter(
        (r) =>
          r.code === 0 &&
          r.stdout.includes('"status":"succeeded"') &&
          !r.stdout.includes('"resumed":false'),
      );
      const diagnosis = JSON.stringify(
        results.map((r) => ({ code: r.code, stdout: r.stdout.slice(0, 200), stderr: r.stderr })),
      );
      expect(ran, diagnosis).toHaveLength(1);
      for (const r of results) {
        if (r === ran[0]) continue;
        // Refused while the winner ran, or told it had already finished.
        expect(
          r.stderr.includes('RUN_ACTIVE') || r.stdout.includes('"resumed":false'),
          r.stderr,
        ).toBe(true);
      }
      const after = lines(effects).slice(ranBeforeKill);
      expect(new Set(after).size).toBe(after.length);
      for (const node of after) expect(succeeded.has(node), node).toBe(false);
    },
  );
});
