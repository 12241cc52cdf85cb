import { spawn, type ChildProcess } from 'node:child_process';
import { expect } from 'vitest';
import { jsonCodec } from '../../src/codec/index.js';
import { loadJournal } from '../../src/durable/index.js';
import type { RunStore } from '../../src/store/index.js';

// What the tests that kill a scheduler process with SIGKILL share: a seeded generator for where
// the kills land, the child process, what the runs were, and the journal check that nothing
// that succeeded ran again.

/** A seeded generator (mulberry32), so a failing sequence of kills can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The seed of this run: `TRIBUTARY_SEED`, else one from the clock (printed with failures). */
export function seedOfRun(): number {
  return Number(process.env.TRIBUTARY_SEED ?? Date.now() % 1_000_000);
}

/** `tsx <script> ...args` in a child process; `exited` resolves with its exit code. */
export function spawnScript(
  script: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): { child: ChildProcess; exited: Promise<number> } {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, ...env },
  });
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  return { child, exited };
}

/** `dag period status` of every run, sorted: what the scheduler made. */
export async function runsOf(store: RunStore): Promise<string[]> {
  return (await store.listRuns({ limit: 10_000 }))
    .map((r) => `${r.dagId} ${r.partitionKey ?? ''} ${r.status}`)
    .sort();
}

/**
 * Check every run's journal: each node succeeded exactly once, and every earlier start was an
 * attempt lost with its process (a `task_interrupted` each). Returns how many were lost.
 */
export async function checkJournals(store: RunStore, seed: number): Promise<number> {
  let interrupted = 0;
  for (const run of await store.listRuns({ limit: 10_000 })) {
    const byNode = new Map<string, string[]>();
    for (const entry of await loadJournal(store, run.runId, jsonCodec)) {
      if (!('node' in entry)) continue;
      byNode.set(entry.node, [...(byNode.get(entry.node) ?? []), entry.type]);
    }
    for (const [node, types] of byNode) {
      const what = `${run.dagId} ${run.partitionKey ?? ''} ${node} (seed ${seed}): ${types.join()}`;
      expect(
        types.filter((t) => t === 'task_succeeded'),
        what,
      ).toHaveLength(1);
      const starts = types.filter((t) => t === 'task_started').length;
      expect(
        types.filter((t) => t === 'task_interrupted'),
        what,
      ).toHaveLength(starts - 1);
      interrupted += starts - 1;
    }
  }
  return interrupted;
}
