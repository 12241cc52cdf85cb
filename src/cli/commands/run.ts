import { runNotFound, type Durability, type RunRecord } from '../../store/index.js';
import { resumeRun, startRun } from '../../durable/index.js';
import type { DagDefinition } from '../../durable/define.js';
import type { ExecutionResult } from '../../executor/execution-result.js';
import { loadDefinitions, pickDefinition } from '../load-definitions.js';
import { countsLine, duration, table, type Output } from '../output.js';
import { parseParams } from '../params.js';
import { Progress } from '../progress.js';
import { openStore } from '../store.js';
import { TributaryError } from '../../errors/index.js';

/** Options of `tributary run` and `tributary resume`, as commander parses them. */
export interface RunOptions {
  readonly dag?: string;
  readonly param?: readonly string[];
  readonly db?: string;
  readonly durability?: Durability;
  readonly module?: string;
  readonly force?: boolean;
}

/** The definition a stored run was started from: its recorded module, or `--module`. */
export async function runDefinition(run: RunRecord, modulePath?: string): Promise<DagDefinition> {
  const path = modulePath ?? run.module;
  if (path === undefined) {
    throw new TributaryError(
      'INVALID_ARGUMENT',
      `Run "${run.runId}" has no recorded module: pass --module`,
      { context: { runId: run.runId } },
    );
  }
  return pickDefinition((await loadDefinitions(path)).dags, run.dagId, path);
}

/** Exit code for a finished run: 0 for succeeded or partially succeeded, 1 otherwise. */
function exitCodeOf(result: ExecutionResult): number {
  return result.status === 'succeeded' || result.status === 'partially_succeeded' ? 0 : 1;
}

/** `tributary run <module>`: start a durable run and follow it to the end. */
export async function runCommand(
  modulePath: string,
  options: RunOptions,
  output: Output,
): Promise<number> {
  const { path, dags } = await loadDefinitions(modulePath);
  const def = pickDefinition(dags, options.dag, modulePath);
  const store = openStore(options.db, options.durability);
  try {
    return await follow(def, output, (hooks, signal) =>
      startRun(def, {
        store,
        ...(options.durability === undefined ? {} : { durability: options.durability }),
        params: parseParams(options.param ?? []),
        module: path,
        hooks,
        signal,
      }),
    );
  } finally {
    await store.close();
  }
}

/** `tributary resume <runId>`: continue a run after a crash. */
export async function resumeCommand(
  runId: string,
  options: RunOptions,
  output: Output,
): Promise<number> {
  const store = openStore(options.db, options.durability);
  try {
    const run = await store.getRun(runId);
    if (run === undefined) throw runNotFound(runId);
    if (run.status !== 'running') {
      output.out(
        output.json
          ? JSON.stringify({ runId, resumed: false, status: run.status })
          : `Run ${runId} already finished (${run.status}): nothing to resume.`,
      );
      return run.status === 'succeeded' || run.status === 'partially_succeeded' ? 0 : 1;
    }
    const def = await runDefinition(run, options.module);
    let interrupted: readonly string[] = [];
    const code = await follow(def, output, async (hooks, signal) => {
      const outcome = await resumeRun(def, runId, {
        store,
        hooks,
        signal,
        ...(options.force === true ? { force: true } : {}),
      });
      if (!outcome.resumed)
        throw new TributaryError('RUN_FINISHED', `Run ${runId} finished meanwhile`, {
          context: { runId },
        });
      interrupted = outcome.interrupted;
      return outcome.result;
    });
    if (!output.json && interrupted.length > 0)
      output.out(`Re-ran interrupted attempts: ${interrupted.join(', ')}`);
    return code;
  } finally {
    await store.close();
  }
}

async function follow(
  def: DagDefinition,
  output: Output,
  go: (hooks: ReturnType<Progress['hooks']>, signal: AbortSignal) => Promise<ExecutionResult>,
): Promise<number> {
  const progress = new Progress(output, def.dag.nodeNames());
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  progress.start();
  let result: ExecutionResult;
  try {
    result = await go(progress.hooks(), stop.signal);
  } finally {
    progress.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  report(def, result, output);
  return exitCodeOf(result);
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
