import { TributaryError } from '../errors/index.js';

/** `RUN_NOT_FOUND` quoting the id that was asked for. */
export function runNotFound(runId: string): TributaryError {
  return new TributaryError('RUN_NOT_FOUND', `No run with id "${runId}"`, { context: { runId } });
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
    `Journal of run "${runId}" expected seq ${expected} next, got ${got}: another process is writing this run`,
    { context: { runId, expected, got } },
  );
}

/** `RUN_EXISTS` for a run id that is already taken. */
export function runExists(runId: string): TributaryError {
  return new TributaryError('RUN_EXISTS', `A run with id "${runId}" already exists`, {
    context: { runId },
  });
}
