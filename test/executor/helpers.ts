import { DAG } from '../../src/graph/dag.js';
import type { TaskFn } from '../../src/executor/types.js';

/** Shared helpers for the executor tests. */

/** One macrotask turn: lets other tasks and timers interleave (no time is measured). */
export const tick = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

/** A DAG of unconnected nodes. */
export const independent = (names: readonly string[]): DAG => {
  const builder = DAG.builder();
  for (const name of names) builder.addNode(name);
  return builder.build();
};

/** A task that only ends when its signal fires, recording the signal it saw. */
export const untilAborted =
  (seen: Map<string, AbortSignal>): TaskFn =>
  (ctx) =>
    new Promise((resolve) => {
      seen.set(ctx.node, ctx.signal);
      ctx.signal.addEventListener('abort', () => resolve('too late'));
    });
