import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCopy } from './cli/build-copy.js';

/**
 * The values each entry point exports, read through package.json's `exports` map from a built
 * copy installed in a project's node_modules, as a user's program sees them. Adding or removing
 * a public value is a deliberate change to this list.
 */
const SURFACE = {
  tributary: [
    'DAG',
    'DAGExecutor',
    'DEFAULT_ENVIRONMENT',
    'DEFAULT_LEASE_MS',
    'DagBuilder',
    'DagRegistry',
    'DynamicExecutor',
    'DynamicPartitionSpace',
    'ErrorCode',
    'MAX_PARTITION_KEY_LENGTH',
    'MemoryStore',
    'NodeState',
    'NonRetryableError',
    'ProjectGraph',
    'Scheduler',
    'StaticPartitionSpace',
    'TributaryError',
    'TriggerRule',
    'UNPARTITIONED',
    'UNPARTITIONED_SPACE',
    'allOf',
    'anyOf',
    'asset',
    'assetPartitionStatus',
    'cancelBackfill',
    'cancelRun',
    'checkMapping',
    'checkProjectGraph',
    'clearRun',
    'closeTaskThreads',
    'countPartitions',
    'createBackfill',
    'cronSchedule',
    'dagLineage',
    'dagPartitionStatus',
    'dailyPartitions',
    'defineDag',
    'defineProject',
    'defineTask',
    'describeRunOrigin',
    'dynamicPartitions',
    'emitAssetEvent',
    'hourlyPartitions',
    'identityMapping',
    'jsonCodec',
    'latestMapping',
    'lintProject',
    'loadProject',
    'mapExpander',
    'markNode',
    'monthlyPartitions',
    'offsetMapping',
    'parseRunOrigin',
    'partitionRange',
    'previewBackfill',
    'requirementMet',
    'resumeRun',
    'runLeaseKey',
    'runLineage',
    'sameWindowMapping',
    'sensor',
    'startRun',
    'staticMapping',
    'staticPartitions',
    'timeWindowMapping',
    'weeklyPartitions',
  ],
  'tributary/engine': [
    'DEFAULT_LIMITS',
    'RunEngine',
    'RunGraph',
    'RunGraphBase',
    'decide',
    'isTerminal',
    'loadJournal',
    'replay',
    'retryDelay',
  ],
  'tributary/sqlite': ['SCHEMA_VERSION', 'SqliteStore'],
};

const dir = mkdtempSync(join(tmpdir(), 'tributary-exports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `node <project>/<file>` with `source` as the file; its stdout parsed as JSON. */
function runInProject(file: string, source: string): unknown {
  writeFileSync(join(dir, 'project', file), source);
  const r = spawnSync(process.execPath, [file], { cwd: join(dir, 'project'), encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe('the package entry points', () => {
  beforeAll(() => {
    buildCopy(join(dir, 'copy'));
    mkdirSync(join(dir, 'project/node_modules'), { recursive: true });
    writeFileSync(join(dir, 'project/package.json'), JSON.stringify({ name: 'p' }));
    symlinkSync(join(dir, 'copy'), join(dir, 'project/node_modules/tributary'), 'dir');
  }, 60_000);

  const specifiers = JSON.stringify(Object.keys(SURFACE));

  it('import() of each entry point gives exactly its listed values', () => {
    const names = runInProject(
      'imports.mjs',
      `const out = {};
for (const s of ${specifiers}) out[s] = Object.keys(await import(s)).sort();
console.log(JSON.stringify(out));
`,
    );
    expect(names).toEqual(SURFACE);
  });

  it('require() of each entry point gives the same values', () => {
    const names = runInProject(
      'requires.cjs',
      `const out = {};
const interop = new Set(['__esModule', 'module.exports']);
for (const s of ${specifiers}) out[s] = Object.keys(require(s)).filter((k) => !interop.has(k)).sort();
console.log(JSON.stringify(out));
`,
    );
    expect(names).toEqual(SURFACE);
  });
});
