import { TributaryError } from '../errors/index.js';
import { leaseLost, type Lease } from './lease.js';

/** `RUN_NOT_FOUND` quoting the id that was asked for. */
export function runNotFound(runId: string): TributaryError {
  return new TributaryError('RUN_NOT_FOUND', `No run with id "${runId}"`, { context: { runId } });
}

/** `RUN_PRUNED`: the run's journal and logs were removed by retention; its summary is kept. */
export function runPruned(runId: string, prunedAt: number): TributaryError {
  return new TributaryError(
    'RUN_PRUNED',
    `Run "${runId}" was pruned at ${new Date(prunedAt).toISOString()}: its journal, logs and artifacts are gone; its summary is kept`,
    { context: { runId, prunedAt } },
  );
}

/**
 * Throw {@link journalGap} unless `events` continue a journal whose next seq is `next`, one
 * seq after another. O(events).
 */
export function checkAppend(runId: string, next: number, events: readonly { seq: number }[]): void {
  for (let i = 0; i < events.length; i++) {
    const seq = events[i]!.seq;
    if (seq !== next + i) throw journalGap(runId, next + i, seq);
  }
}

/** `STORE_CORRUPT` for a journal append that does not continue the journal. */
function journalGap(runId: string, expected: number, got: number): TributaryError {
  return new TributaryError(
    'STORE_CORRUPT',
    `Journal of run "${runId}" expected seq ${expected} next, got ${got}`,
    { context: { runId, expected, got } },
  );
}

/** `RUN_EXISTS` for a new run whose identity another run has. */
export function identityTaken(
  record: {
    runId: string;
    dagId: string;
    partitionKey?: string;
    runKey?: string;
  },
  existingRunId: string,
): TributaryError {
  const period = record.partitionKey ?? '';
  return new TributaryError(
    'RUN_EXISTS',
    `DAG "${record.dagId}" already has run "${existingRunId}" for period ${JSON.stringify(period)} with key ${JSON.stringify(record.runKey ?? record.runId)}`,
    {
      context: {
        runId: record.runId,
        existingRunId,
        dagId: record.dagId,
        periodKey: period,
        runKey: record.runKey ?? record.runId,
      },
    },
  );
}

/** `RUN_EXISTS` for a run id that is already taken. */
export function runExists(runId: string): TributaryError {
  return new TributaryError('RUN_EXISTS', `A run with id "${runId}" already exists`, {
    context: { runId },
  });
}

/** Throw `LEASE_LOST` unless `fence` is the fence of the lease that holds `key` now. */
export function checkFence(key: string, fence: number, current: Lease | undefined): void {
  if (current === undefined || current.owner === '' || current.fence !== fence)
    throw leaseLost(
      key,
      fence,
      current === undefined || current.owner === '' ? undefined : current.fence,
    );
}

/** `INVALID_ARGUMENT` for a commit that completes a request the run does not have. */
export function unknownRequest(runId: string, id: number): TributaryError {
  return new TributaryError('INVALID_ARGUMENT', `Run "${runId}" has no request ${id}`, {
    context: { runId, received: id },
  });
}

/** `INVALID_ARGUMENT` for completing a trigger the outbox does not have. */
export function unknownTrigger(id: number): TributaryError {
  return new TributaryError('INVALID_ARGUMENT', `No trigger ${id} in the outbox`, {
    context: { received: id },
  });
}
