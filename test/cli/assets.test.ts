import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliJson, cliSpawn, LIB, projectFolder, until } from './helpers.js';

// The data-aware commands against a project on the SQLite default, each in a process of its
// own: `asset emit` starts the DAG that runs on an external asset (through a scheduler
// process), `backfill --dry-run` writes nothing, `backfill` makes a durable backfill that the
// scheduler runs, `backfills` shows it, `partitions` reports the status strip, `cancel bf-...`
// stops a backfill, and bad input exits 2 quoting it.

const { dir, write } = projectFolder('tributary-cli-assets-');

write(
  'dags/chain.dag.ts',
  `import { dailyPartitions, defineDag } from ${JSON.stringify(LIB)};
const days = dailyPartitions({ start: '2026-01-01' });
export const ingest = defineDag({ id: 'ingest', dag: (b) => b.addNode('load'),
  tasks: { load: () => 1 }, partitions: days, produces: ['warehouse://raw'] });
export const report = defineDag({ id: 'report', dag: (b) => b.addNode('build'),
  tasks: { build: () => 2 }, partitions: days, dependsOn: [{ dag: 'ingest' }] });
export const fx = defineDag({ id: 'fx', dag: (b) => b.addNode('rates'),
  tasks: { rates: () => 3 }, onAssets: 'file://partner/fx.csv' });`,
);
write(
  'tributary.config.ts',
  `import { defineProject } from ${JSON.stringify(LIB)};
export default defineProject({ name: 'data', dags: ['dags/*.dag.ts'], assets: ['file://partner/fx.csv'] });`,
);

interface Backfill {
  id: string;
  state: string;
  counts: Record<string, number>;
}

describe('the data-aware commands', () => {
  it('emit, backfill, backfills, partitions and cancel work against a scheduler process', async () => {
    const db = join(dir, 'data.db');
    // A dry run plans and writes nothing.
    const dry = cliJson<{ dryRun: boolean; rows: unknown[] }>(
      ['backfill', 'ingest', '--from', '2026-01-01', '--to', '2026-01-10', '--dry-run', '--db', db],
      dir,
    );
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.value.rows).toHaveLength(20);
    expect(existsSync(db)).toBe(false);

    const created = cliJson<Backfill>(
      ['backfill', 'ingest', '--from', '2026-01-01', '--to', '2026-01-10', '--db', db],
      dir,
    );
    expect(created.code, created.stderr).toBe(0);
    expect(created.value.counts).toEqual({ planned: 20 });
    const scheduler = cliSpawn(['scheduler', '--db', db], dir);
    const exited = new Promise((resolve) => scheduler.on('exit', resolve));
    try {
      await until(
        () =>
          cliJson<{ backfill: Backfill }>(['backfills', created.value.id, '--db', db], dir).value
            .backfill.state === 'succeeded',
        'the backfill',
        90_000,
      );
      const emitted = cliJson<{ id: number }>(
        ['asset', 'emit', 'file://partner/fx.csv', '--metadata', '{"rows":31}', '--db', db],
        dir,
      );
      expect(emitted.code, emitted.stderr).toBe(0);
      await until(
        () =>
          cliJson<{ status: string }[]>(['runs', '--dag', 'fx', '--db', db], dir).value.some(
            (r) => r.status === 'succeeded',
          ),
        'the run on the emitted asset',
        90_000,
      );
    } finally {
      scheduler.kill('SIGTERM');
      await exited;
    }
    const status = cli(['partitions', 'report', '--to', '2026-01-12', '--db', db], dir);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain('[##########..]');
    expect(status.stdout).toContain('10 succeeded, 2 missing');
    const shown = cli(['asset', 'show', 'warehouse://raw', '--db', db], dir);
    expect(shown.stdout.split('\n').filter((l) => l.includes('2026-01-'))).toHaveLength(10);

    // A backfill cancelled before any scheduler runs it makes nothing.
    const other = cliJson<Backfill>(
      [
        'backfill',
        'report',
        '--from',
        '2026-01-01',
        '--to',
        '2026-01-03',
        '--rerun-succeeded',
        '--db',
        db,
      ],
      dir,
    );
    const cancelled = cliJson<{ cancelled: boolean }>(['cancel', other.value.id, '--db', db], dir);
    expect(cancelled.value.cancelled).toBe(true);
    expect(
      cliJson<{ backfill: Backfill }>(['backfills', other.value.id, '--db', db], dir).value.backfill
        .state,
    ).toBe('cancelled');
  }, 180_000);

  it('refuses bad input with exit 2, quoting it, and writes nothing', () => {
    const db = join(dir, 'bad.db');
    const cases: [string[], string][] = [
      [['backfill', 'ingest', '--from', '2026-02-01', '--to', '2026-01-01'], 'INVALID_RANGE'],
      [['backfill', 'ingest', '--from', '2025-12-31', '--to', '2026-01-01'], 'INVALID_PERIOD_KEY'],
      [['asset', 'emit', 'not a uri'], 'INVALID_ASSET'],
      [['asset', 'emit', 'file://partner/fx.cvs'], 'UNKNOWN_ASSET'],
      [['asset', 'emit', 'file://partner/fx.csv', '--metadata', '[1]'], 'USAGE'],
      [['backfills', 'bf-nope'], 'BACKFILL_NOT_FOUND'],
    ];
    for (const [args, code] of cases) {
      const r = cliJson<{ error: { code: string; message: string } }>([...args, '--db', db], dir);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.value.error.code, args.join(' ')).toBe(code);
    }
    expect(cliJson<Backfill[]>(['backfills', '--db', db], dir).value).toEqual([]);
  });
});
