import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, cliInProcess, cliJson } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tributary-clear-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const flag = join(dir, 'fixed');
const env = { TRIBUTARY_FIXED_FLAG: flag };

/** Run the fixture, which fails in `transform` until the flag file exists. */
function failedRun(db: string): string {
  const run = cliJson<{ runId: string; status: string }>(
    ['run', 'test/fixtures/broken-until-fixed.ts', '--db', db],
    undefined,
    env,
  );
  expect(run.value.status).toBe('failed');
  return run.value.runId;
}

interface Show {
  run: { status: string };
  nodes: { name: string; state: string; attempts: number }[];
}
const show = (runId: string, db: string): Show => cliJson<Show>(['show', runId, '--db', db]).value;
const nodeStates = (view: Show) => Object.fromEntries(view.nodes.map((n) => [n.name, n.state]));

describe('tributary clear and mark', () => {
  it('clear a failed node and its downstream, then resume: only they run again, audited', () => {
    const db = join(dir, 'clear.db');
    const runId = failedRun(db);
    writeFileSync(flag, 'the warehouse is back');
    try {
      const cleared = cliJson<{ state: string; nodes: string[]; status: string }>([
        'clear',
        runId,
        '--node',
        'transform',
        '--downstream',
        '--reason',
        'warehouse is back',
        '--db',
        db,
      ]);
      expect(cleared.code, cleared.stderr).toBe(0);
      expect(cleared.value).toMatchObject({
        state: 'applied',
        nodes: ['transform', 'load'],
        status: 'queued',
      });
      expect(nodeStates(show(runId, db))).toEqual({
        extract: 'succeeded',
        transform: 'pending',
        load: 'pending',
      });
      const resumed = cli(['resume', runId, '--db', db], undefined, env);
      expect(resumed.code, resumed.stderr).toBe(0);
      const after = show(runId, db);
      expect(after.run.status).toBe('succeeded');
      expect(after.nodes.find((n) => n.name === 'extract')?.attempts).toBe(1);
      expect(after.nodes.find((n) => n.name === 'transform')?.attempts).toBe(2);
      const audit = cli(['audit', runId, '--db', db]);
      expect(audit.stdout).toMatch(/cli:\S+\s+clear\s+\[transform, load\] — warehouse is back/);
    } finally {
      rmSync(flag, { force: true });
    }
  });

  it('mark a failed node succeeded with a result: the rest runs on it', () => {
    const db = join(dir, 'mark.db');
    const runId = failedRun(db);
    const marked = cli([
      'mark',
      runId,
      'transform',
      'succeeded',
      '--result',
      '40',
      '--reason',
      'computed by hand',
      '--db',
      db,
    ]);
    expect(marked.code, marked.stderr).toBe(0);
    expect(marked.stdout).toContain(`Marked succeeded: transform in run ${runId}`);
    expect(marked.stdout).toContain('the run is queued again');
    expect(cli(['resume', runId, '--db', db], undefined, env).code).toBe(0);
    const logs = cliJson<{ run: { status: string } }>(['show', runId, '--db', db]).value;
    expect(logs.run.status).toBe('succeeded');
    const audit = cli(['audit', runId, '--db', db]);
    expect(audit.stdout).toMatch(/marked succeeded\s+transform\s+computed by hand/);
  });

  it('refuses bad input with the exit-code rules, changing nothing', async () => {
    const db = join(dir, 'bad.db');
    const runId = failedRun(db);
    /** The command in this process: its exit code and its JSON error. */
    const refused = async (args: readonly string[]) => {
      const r = await cliInProcess([...args, '--db', db, '--json']);
      const { error } = JSON.parse(r.out.at(-1) ?? '{}') as {
        error: { code: string; message: string };
      };
      return { code: r.code, error };
    };
    expect(await refused(['clear', runId, '--node', 'nope'])).toMatchObject({
      code: 2,
      error: { code: 'UNKNOWN_NODE' },
    });
    expect(await refused(['clear', runId, '--node', 'extract', '--failed'])).toMatchObject({
      code: 1,
      error: { code: 'NOT_CLEARABLE' },
    });
    const state = await refused(['mark', runId, 'load', 'done']);
    expect(state).toMatchObject({ code: 2, error: { code: 'USAGE' } });
    expect(state.error.message).toContain('"done"');
    const result = await refused(['mark', runId, 'load', 'succeeded', '--result', '{oops']);
    expect(result.code).toBe(2);
    expect(result.error.message).toContain('--result to be JSON');
    expect(await refused(['clear'])).toMatchObject({ code: 2, error: { code: 'USAGE' } });
    expect(await refused(['clear', runId, '--dag', 'pipeline'])).toMatchObject({
      code: 2,
      error: { code: 'USAGE' },
    });
    const byIdentity = await refused(['clear', '--dag', 'pipeline', '--period', '2026-12-05']);
    expect(byIdentity).toMatchObject({ code: 2, error: { code: 'RUN_NOT_FOUND' } });
    expect(byIdentity.error.message).toContain('period "2026-12-05"');
    expect(show(runId, db).run.status).toBe('failed');
    // The outbox listings refuse an unknown state the same way.
    expect(await refused(['triggers', '--state', 'nope'])).toMatchObject({
      code: 2,
      error: { code: 'USAGE', message: expect.stringContaining('`nope`') },
    });
    expect(await refused(['alerts', '--state', 'late'])).toMatchObject({
      code: 2,
      error: { code: 'USAGE' },
    });
    const alerts = await cliInProcess(['alerts', '--db', db, '--json']);
    expect([alerts.code, alerts.out]).toEqual([0, ['[]']]);
  });
});
