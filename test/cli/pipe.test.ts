import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, cliJson, ROOT } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tributary-pipe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Reads its stdin 4 KiB at a time with a pause between reads and echoes it. However slow it is,
 * a CLI that lets its output drain before exiting delivers every byte, so the verdict does not
 * depend on timing; the pauses only make a CLI that exits early lose its tail every time.
 */
const SLOW_READER = `
const next = () => {
  const chunk = process.stdin.read(4096);
  if (chunk === null) return void process.stdin.once('readable', next);
  process.stdout.write(chunk);
  setTimeout(next, 2);
};
next();
`;

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** `tributary <args> | <consumer>` through bash: the consumer's stdout, the CLI's stderr and exit code. */
function piped(
  args: readonly string[],
  consumer: string,
): { code: number; stdout: string; stderr: string } {
  const producer = [process.execPath, BIN, ...args].map(quote).join(' ');
  const r = spawnSync('bash', ['-c', `${producer} | ${consumer}; exit "\${PIPESTATUS[0]}"`], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** `tributary <args> | slow reader`: what the reader received and the CLI's exit code. */
function pipedToSlowReader(args: readonly string[]): { code: number; received: string } {
  const r = piped(args, [process.execPath, '-e', SLOW_READER].map(quote).join(' '));
  return { code: r.code, received: r.stdout };
}

describe('output piped into a slow reader arrives whole', () => {
  const db = join(dir, 'big.db');

  it('run --json: a 1 MiB report parses completely', () => {
    const r = pipedToSlowReader([
      'run',
      'test/fixtures/big-output.ts',
      '--db',
      db,
      '--param',
      'kib=128',
      '--json',
    ]);
    expect(r.received.length).toBeGreaterThan(1024 * 1024);
    const report = JSON.parse(r.received) as {
      runId: string;
      status: string;
      nodes: { error: string }[];
    };
    expect(report.nodes).toHaveLength(8);
    for (const node of report.nodes) expect(node.error).toHaveLength(128 * 1024);
    expect(report.status).toBe('partially_succeeded'); // every node is non-critical
    expect(r.code).toBe(0);
  });

  it('show --json: the same errors, read back from the journal, parse completely', () => {
    const [run] = cliJson<{ runId: string }[]>(['runs', '--db', db]).value;
    const r = pipedToSlowReader(['show', run!.runId, '--db', db, '--json']);
    expect(r.code).toBe(0);
    const shown = JSON.parse(r.received) as { nodes: { error: string }[] };
    expect(shown.nodes).toHaveLength(8);
    for (const node of shown.nodes) expect(node.error.length).toBeGreaterThanOrEqual(128 * 1024);
  });

  it('a reader that stops early (| head) ends the CLI quietly, with the exit code of the run', () => {
    const r = piped(['runs', '--db', db, '--json', '--limit', '1'], 'head -c 1 >/dev/null');
    expect(r.code).toBe(0);
    const big = piped(
      ['run', 'test/fixtures/big-output.ts', '--db', db, '--param', 'kib=128', '--json'],
      'head -c 10 >/dev/null',
    );
    expect(big.stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(big.code).toBe(0);
  });
});
