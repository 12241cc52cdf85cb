import type { RunControlOutcome } from '../durable/index.js';
import { TributaryError } from '../errors/index.js';
import type { Output } from './output.js';

/**
 * A `--wait <ms>` value: how long a command waits for a run's owner to apply its request.
 *
 * @example
 * ```ts
 * parseWait('30000'); // 30000
 * ```
 */
export function parseWait(text: string | undefined): number {
  if (text === undefined) return 30_000;
  const ms = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(ms)) {
    throw new TributaryError(
      'INVALID_ARGUMENT',
      `Expected --wait to be a whole number of milliseconds >= 0, got \`${text}\``,
      { context: { received: text } },
    );
  }
  return ms;
}

/**
 * Print what a clear or a mark did (`what`: "Cleared", "Marked") and return the exit code: 0
 * when applied, 1 while the owner has not answered (the request stays queued for it).
 *
 * @example
 * ```ts
 * return reportControl(await clearRun(def, runId, selection, { store }), 'Cleared', output);
 * ```
 */
export function reportControl(outcome: RunControlOutcome, what: string, output: Output): number {
  if (output.json) {
    output.out(JSON.stringify(outcome));
    return outcome.state === 'applied' ? 0 : 1;
  }
  const { runId } = outcome;
  if (outcome.state === 'pending') {
    output.out(
      `The owner (${outcome.owner}) has not applied request ${outcome.requestId} yet; it stays queued.`,
    );
    return 1;
  }
  const nodes = outcome.nodes.join(', ');
  const by = outcome.appliedBy === 'owner' ? ' by its owner' : '';
  const next =
    outcome.status === 'queued'
      ? `: the run is queued again; the scheduler runs it, or run it now with \`tributary resume ${runId}\``
      : outcome.status === 'running'
        ? outcome.appliedBy === 'owner'
          ? ': the run goes on'
          : `: the run's owner is gone; continue it with \`tributary resume ${runId}\``
        : `: the run is ${outcome.status}`;
  output.out(`${what} ${nodes} in run ${runId}${by}${next}.`);
  return 0;
}
