import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineDag } from '../../src/durable/index.js';
import { DagRegistry, runLineage, Scheduler, type Project } from '../../src/orchestrator/index.js';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import { cliInProcess } from './helpers.js';

// From the CLI: `validate` refuses a cycle and an undeclared edge between environments, `lint`
// warns (exit 1 only with --strict), `lineage` shows a DAG's upstream and downstream, and `show`
// says what started a run and which runs it started.

const LIB = JSON.stringify(pathToFileURL(join(__dirname, '../../src/index.ts')).href);
let dir = '';

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tributary-dag-graph-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(path: string, text: string): string {
  const file = join(dir, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

/**
 * A project in folder `folder` whose DAG modules are the given sources (after the import of the
 * library). A module is imported once per process: a changed project goes in another folder.
 */
function projectOf(dags: Record<string, string>, config = '', folder = 'p'): string {
  for (const [id, body] of Object.entries(dags)) {
    // A sensor's module gives its own graph (the sensor node before `work`).
    const graph = body.includes('dag: (b)') ? '' : "dag: (b) => b.addNode('work'), ";
    write(
      `${folder}/dags/${id}.dag.ts`,
      `import { defineDag, sensor } from ${LIB};\nexport default defineDag({ id: '${id}', ${graph}tasks: { work: () => 1 }, ${body} });\n`,
    );
  }
  return write(
    `${folder}/tributary.config.ts`,
    `import { defineProject } from ${LIB};\nexport default defineProject({ name: 'shop', dags: ['dags/*.dag.ts'], ${config} });\n`,
  );
}

describe('tributary validate, on the graph of DAGs', () => {
  it('refuses an edge between environments (exit 2), then accepts it with crossEnvironment: true', async () => {
    const config = projectOf(
      {
        extract: "environment: 'staging'",
        report: "dependsOn: [{ dag: 'extract' }]",
      },
      "environment: 'prod'",
    );
    const refused = await cliInProcess(['validate', config]);
    expect(refused.code).toBe(2);
    expect(refused.err.join('\n')).toContain(
      'error CROSS_ENVIRONMENT: DAG "report" (environment prod, dags/report.dag.ts) depends on DAG "extract" (environment staging)',
    );
    const json = await cliInProcess(['validate', config, '--json']);
    expect(JSON.parse(json.out.at(-1)!)).toMatchObject({
      error: {
        code: 'CROSS_ENVIRONMENT',
        context: { edges: [{ from: 'extract', to: 'report', fromEnvironment: 'staging' }] },
      },
    });

    const fixed = projectOf(
      {
        extract: "environment: 'staging'",
        report: "dependsOn: [{ dag: 'extract', crossEnvironment: true }]",
      },
      "environment: 'prod'",
      'fixed',
    );
    const allowed = await cliInProcess(['validate', fixed, '--json']);
    expect(allowed.code).toBe(0);
    const report = JSON.parse(allowed.out.at(-1)!) as {
      dags: { id: string; environment: string }[];
    };
    expect(report.dags.map((d) => [d.id, d.environment])).toEqual([
      ['extract', 'staging'],
      ['report', 'prod'],
    ]);
    // ...and the lineage marks the edge.
    const lineage = await cliInProcess(['lineage', 'report', '--project', fixed]);
    expect(lineage.out).toEqual([
      'report (environment prod)',
      'upstream:',
      '  extract -[dependsOn]-> report [cross-environment: staging -> prod]',
      'downstream:',
      '  (none)',
    ]);
  });

  it('refuses a cycle, naming its path and the kind of every edge', async () => {
    const config = projectOf({
      a: "triggers: [{ dag: 'b' }], dependsOn: [{ dag: 'c' }]",
      b: '',
      c: "sensors: { wait: sensor.run({ dag: 'b' }) }, dag: (b) => b.addEdge('wait', 'work')",
    });
    const r = await cliInProcess(['validate', config]);
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toContain(
      'error CYCLE_DETECTED: The DAGs of the project form a cycle: a -[trigger]-> b -[sensor]-> c -[dependsOn]-> a.',
    );
    // The scheduler loads projects the same way: it refuses to start on it.
    const scheduler = await cliInProcess(['scheduler', config, '--db', join(dir, 'db.sqlite')]);
    expect(scheduler.code).toBe(1);
    expect(scheduler.err.join('\n')).toContain('CYCLE_DETECTED');
  });
});

describe('tributary lint', () => {
  const antiPatterns = {
    extract: "triggers: [{ dag: 'report' }]",
    report: "schedule: '0 6 * * *'",
    audit:
      "sensors: { wait: sensor.run({ dag: 'extract', task: 'work' }) }, dag: (b) => b.addEdge('wait', 'work')",
  };

  it('prints each warning with its fix and exits 0; --strict exits 1; --json', async () => {
    const config = projectOf(antiPatterns);
    const r = await cliInProcess(['lint', config]);
    expect(r.code).toBe(0);
    expect(r.out.filter((l) => l.startsWith('warning '))).toEqual([
      'warning tight-coupling (audit): Sensor "wait" of DAG "audit" waits for task "work" of DAG "extract", not for its run',
      expect.stringMatching(
        /^warning time-based-guessing \(report\): DAG "report" runs on its schedule/,
      ),
    ]);
    expect(r.out.filter((l) => l.startsWith('  fix: '))).toHaveLength(2);
    expect(r.out.at(-1)).toBe('2 warnings in project shop');

    const strict = await cliInProcess(['lint', config, '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.out.at(-1)).toBe('2 warnings in project shop (--strict: exit 1)');

    const json = await cliInProcess(['lint', config, '--json', '--max-nodes', '1']);
    expect(json.code).toBe(0);
    const value = JSON.parse(json.out.at(-1)!) as {
      maxNodes: number;
      maxTriggerDepth: number;
      warnings: { rule: string; dag: string; fix: string }[];
    };
    expect(value.maxNodes).toBe(1);
    expect(value.maxTriggerDepth).toBe(4);
    // audit has two static nodes (its sensor and its task): a Mega-DAG at --max-nodes 1.
    expect(value.warnings.map((w) => `${w.rule} ${w.dag}`)).toEqual([
      'mega-dag audit',
      'tight-coupling audit',
      'time-based-guessing report',
    ]);
    expect(value.warnings.every((w) => w.fix.length > 0)).toBe(true);

    const bad = await cliInProcess(['lint', config, '--max-trigger-depth', 'deep']);
    expect(bad.code).toBe(2);
    expect(bad.err.join('\n')).toContain('--max-trigger-depth');
  });

  it("reads its thresholds from the project's config, and is quiet on a clean project", async () => {
    const config = projectOf(
      { a: "triggers: [{ dag: 'b' }]", b: "triggers: [{ dag: 'c' }]", c: '' },
      'lint: { maxTriggerDepth: 1 }',
    );
    const r = await cliInProcess(['lint', config, '--json']);
    const value = JSON.parse(r.out.at(-1)!) as { warnings: { rule: string; path: string[] }[] };
    expect(value.warnings).toMatchObject([{ rule: 'deep-trigger-chain', path: ['a', 'b', 'c'] }]);
    expect((await cliInProcess(['lint', config, '--max-trigger-depth', '2'])).out).toEqual([
      '✓ project shop: 3 DAGs, no warnings',
    ]);
  });
});

describe('tributary lineage', () => {
  it('shows upstream and downstream with edge kinds, to a depth; JSON; an unknown DAG', async () => {
    const config = projectOf({
      raw: "triggers: [{ dag: 'extract' }]",
      extract: '',
      report:
        "dependsOn: [{ dag: 'extract' }, { signal: 'finance.approved' }], triggers: [{ dag: 'publish' }]",
      publish: '',
    });
    const r = await cliInProcess(['lineage', 'report', '--project', config]);
    expect(r.out).toEqual([
      'report (environment default)',
      'upstream:',
      '  extract -[dependsOn]-> report',
      '  signal:finance.approved -[signal]-> report',
      '    raw -[trigger]-> extract',
      'downstream:',
      '  report -[trigger]-> publish',
    ]);
    const shallow = await cliInProcess([
      'lineage',
      'report',
      '--project',
      config,
      '--depth',
      '1',
      '--json',
    ]);
    const value = JSON.parse(shallow.out.at(-1)!) as {
      dag: string;
      upstream: { from: string; kind: string; depth: number }[];
    };
    expect(value.dag).toBe('report');
    expect(value.upstream.map((e) => [e.from, e.kind, e.depth])).toEqual([
      ['extract', 'dependsOn', 1],
      ['signal:finance.approved', 'signal', 1],
    ]);
    const unknown = await cliInProcess(['lineage', 'nope', '--project', config]);
    expect(unknown.code).toBe(2);
    expect(unknown.err.join('\n')).toContain('DAG_NOT_FOUND');
  });
});

describe('run lineage: tributary show', () => {
  it('says what started a run and which runs it started (its triggers, its tasks)', async () => {
    const db = join(dir, 'db.sqlite');
    const store = SqliteStore.open(db);
    const dags = new DagRegistry(dir);
    const def = (
      id: string,
      extra: object = {},
      work: Parameters<typeof defineDag>[0]['tasks'] = { work: () => id },
    ) => defineDag({ id, dag: (b) => b.addNode('work'), tasks: work, ...extra });
    dags.add(
      def(
        'extract',
        { triggers: [{ dag: 'report' }] },
        {
          work: (ctx) => {
            ctx.trigger('audit');
            return 1;
          },
        },
      ),
      join(dir, 'extract.ts'),
    );
    dags.add(def('report'), join(dir, 'report.ts'));
    dags.add(def('audit'), join(dir, 'audit.ts'));
    const project: Project = { name: 'p', config: join(dir, 'c.ts'), root: dir, modules: [], dags };
    const scheduler = new Scheduler({ project, store });
    try {
      expect(await scheduler.acquire()).toBe(true);
      await store.addTriggers([
        { dagId: 'extract', periodKey: '', runKey: 'k', origin: 'cli:ann', at: Date.now() },
      ]);
      // Passes until the three runs have ended (ordering, not time, decides).
      for (let pass = 0; pass < 50; pass++) {
        await scheduler.step();
        await scheduler.idle();
        const runs = await store.listRuns();
        if (runs.length === 3 && runs.every((r) => r.status === 'succeeded')) break;
      }
    } finally {
      await scheduler.idle();
    }
    const [extract] = await store.listRuns({ dagId: 'extract' });
    const [report] = await store.listRuns({ dagId: 'report' });
    const [audit] = await store.listRuns({ dagId: 'audit' });
    expect(report?.origin).toBe(`run:${extract!.runId}`);
    expect(audit?.origin).toBe(`task:${extract!.runId}/work`);
    const lineage = await runLineage(store, extract!.runId);
    expect(lineage.origin).toEqual({ kind: 'person', via: 'cli', user: 'ann' });
    expect(lineage.started.map((r) => r.dagId).sort()).toEqual(['audit', 'report']);
    await store.close();

    const shown = await cliInProcess(['show', extract!.runId, '--db', db]);
    expect(shown.code).toBe(0);
    expect(shown.out).toContain('started by ann (cli)');
    const started = shown.out.find((l) => l.startsWith('started ') && !l.startsWith('started by'));
    expect(started).toContain(`report run ${report!.runId}: succeeded`);
    expect(started).toContain(`audit run ${audit!.runId}: succeeded (task:${extract!.runId}/work)`);

    const child = await cliInProcess(['show', report!.runId, '--db', db]);
    expect(child.out).toContain(`started by a trigger of run ${extract!.runId} (extract)`);
    expect(child.out).toContain('started no run');
    const viaTask = await cliInProcess(['show', audit!.runId, '--db', db, '--json']);
    expect(JSON.parse(viaTask.out.at(-1)!)).toMatchObject({
      lineage: {
        origin: { kind: 'task', runId: extract!.runId, node: 'work' },
        startedBy: `task work of run ${extract!.runId} (extract)`,
        started: [],
      },
    });
  });
});
