import type { DagDefinition } from '../durable/index.js';
import type { ExecutionResult } from '../executor/index.js';
import { exitCodeForStatus } from './exit-codes.js';
import { countsLine, duration, table, type Output } from './output.js';
import { Progress } from './progress.js';

/**
 * Starts the run that {@link followRun} follows, with its progress hooks and abort signal.
 *
 * @example
 * ```ts
 * const go: StartFollowed = (hooks, signal) => startRun(def, { store, hooks, signal });
 * ```
 */
export type StartFollowed = (
  hooks: ReturnType<Progress['hooks']>,
  signal: AbortSignal,
) => Promise<ExecutionResult | undefined>;

/**
 * Drive a run to its end: live progress on a terminal, SIGINT/SIGTERM abort it, then print the
 * report (a table, or one JSON document with `--json`). Resolves with the exit code, or
 * undefined (nothing reported) when `go` had no run to drive.
 *
 * @example
 * ```ts
 * const code = await followRun(def, output, (hooks, signal) => startRun(def, { store, hooks, signal }));
 * ```
 */
export async function followRun(
  def: DagDefinition,
  output: Output,
  go: StartFollowed,
): Promise<number | undefined> {
  const progress = new Progress(output, def.dag.nodeNames());
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  progress.start();
  let result: ExecutionResult | undefined;
  try {
    result = await go(progress.hooks(), stop.signal);
  } finally {
    progress.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (result === undefined) return undefined;
  report(def, result, output);
  return exitCodeForStatus(result.status);
}

function report(def: DagDefinition, result: ExecutionResult, output: Output): void {
  const nodes = [...result.nodeResults].map(([name, r]) => ({
    name,
    status: r.status,
    attempts: r.attempts,
    durationMs: r.durationMs,
    ...(r.error === undefined ? {} : { error: errorLine(r.error) }),
  }));
  if (output.json) {
    output.out(
      JSON.stringify({
        runId: result.runId,
        dagId: def.id,
        status: result.status,
        counts: {
          succeeded: result.succeeded,
          failed: result.failed,
          skipped: result.skipped,
          cancelled: result.cancelled,
        },
        modifications: result.modifications.length,
        nodes,
      }),
    );
    return;
  }
  const dynamic = new Set(def.dag.nodeNames());
  output.out(
    table(
      ['node', 'status', 'attempts', 'duration', 'error'],
      nodes.map((n) => [
        dynamic.has(n.name) ? n.name : `${n.name} (dynamic)`,
        n.status,
        String(n.attempts),
        duration(n.durationMs),
        n.error ?? '',
      ]),
    ),
  );
  const counts: Record<string, number> = {};
  for (const n of nodes) counts[n.status] = (counts[n.status] ?? 0) + 1;
  output.out(
    `\nRun ${result.runId} of ${def.id}: ${result.status} (${countsLine(counts)}) in ${duration(result.durationMs)}`,
  );
}

function errorLine(error: Error): string {
  const code = (error as Error & { code?: unknown }).code;
  return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
}
