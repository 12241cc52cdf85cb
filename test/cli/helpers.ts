import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll } from 'vitest';

export const BIN = fileURLToPath(new URL('../../bin/tributary.js', import.meta.url));
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The library's entry, as a file URL a project's modules in a temporary folder import. */
export const LIB = pathToFileURL(join(ROOT, 'src/index.ts')).href;

/**
 * A temporary project folder for a test file, removed after its tests: its path, and `write`,
 * which writes a file in it (folders made as needed) and returns the file's path.
 */
export function projectFolder(prefix: string): {
  dir: string;
  write: (path: string, text: string) => string;
} {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (path: string, text: string): string => {
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    return file;
  };
  return { dir, write };
}

/** Run the CLI to completion in a child process. */
export function cli(
  args: readonly string[],
  cwd = ROOT,
  env: Readonly<Record<string, string>> = {},
): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, FORCE_COLOR: '0', ...env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** `cli` for commands with `--json`: the parsed last line of stdout. */
export function cliJson<T>(
  args: readonly string[],
  cwd = ROOT,
  env: Readonly<Record<string, string>> = {},
): { code: number; value: T; stderr: string } {
  const r = cli([...args, '--json'], cwd, env);
  const last = r.stdout.trim().split('\n').pop() ?? '';
  let value: T;
  try {
    value = JSON.parse(last) as T;
  } catch {
    throw new Error(`CLI printed no JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
  return { code: r.code, value, stderr: r.stderr };
}

/** Start the CLI in the background. */
export function cliSpawn(args: readonly string[], cwd = ROOT): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Resolve once `ready()` holds, checking every 5 ms (ordering, not timing, decides). */
export async function until(
  ready: () => boolean | Promise<boolean>,
  what: string,
  limitMs = 30_000,
): Promise<void> {
  const start = Date.now();
  while (!(await ready())) {
    if (Date.now() - start > limitMs) throw new Error(`Gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Drive the CLI in this process (no spawn): the exit code and the lines written to each stream. */
export async function cliInProcess(
  args: readonly string[],
): Promise<{ code: number; out: string[]; err: string[] }> {
  const { createProgram } = await import('../../src/cli/main.js');
  const out: string[] = [];
  const err: string[] = [];
  const program = createProgram({ out: (t) => out.push(t), err: (t) => err.push(t), isTTY: false });
  const code = await program.run(args);
  return { code, out, err };
}
