import type { Command } from 'commander';
import { markNode } from '../../durable/index.js';
import type { MarkState } from '../../engine/index.js';
import { describeValue, toError, TributaryError } from '../../errors/index.js';
import { runNotFound } from '../../store/index.js';
import { cliActor } from '../actor.js';
import { dbOption, jsonOption, type CommandContext } from '../command-context.js';
import { parseWait, reportControl } from '../control.js';
import type { Output } from '../output.js';
import { runDefinition } from '../run-definition.js';
import { withStore } from '../store.js';

/** Options of `tributary mark`, as commander parses them. */
export interface MarkOptions {
  readonly db?: string;
  /** The result of a node marked succeeded, as JSON. */
  readonly result?: string;
  readonly reason?: string;
  readonly module?: string;
  readonly wait?: string;
}

const STATES: readonly string[] = ['succeeded', 'failed', 'skipped'];

/**
 * `tributary mark <runId> <node> <succeeded|failed|skipped>`: settle a node by hand, audited.
 * A finished node's outcome is replaced and what it settled below it is decided again; a node
 * marked succeeded hands `--result` (JSON) to its children.
 *
 * @example
 * ```ts
 * await markCommand('r1', 'extract', 'succeeded', { result: '{"rows": 10}' }, output);
 * ```
 */
export async function markCommand(
  runId: string,
  node: string,
  state: string,
  options: MarkOptions,
  output: Output,
): Promise<number> {
  if (!STATES.includes(state)) {
    throw new TributaryError(
      'USAGE',
      `Expected the state to be succeeded, failed or skipped, got ${describeValue(state)}`,
      { context: { received: state } },
    );
  }
  const result = parseResult(options.result);
  const waitMs = parseWait(options.wait);
  return withStore(options.db, async (store) => {
    const run = await store.getRun(runId);
    if (run === undefined) throw runNotFound(runId);
    const def = await runDefinition(run, options.module);
    const outcome = await markNode(def, runId, node, state as MarkState, {
      store,
      actor: cliActor(),
      waitMs,
      ...(result === undefined ? {} : { result: result.value }),
      ...(options.reason === undefined ? {} : { reason: options.reason }),
    });
    return reportControl(outcome, `Marked ${state}:`, output);
  });
}

function parseResult(text: string | undefined): { value: unknown } | undefined {
  if (text === undefined) return undefined;
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (caught) {
    throw new TributaryError(
      'INVALID_ARGUMENT',
      `Expected --result to be JSON, got ${describeValue(text)}: ${toError(caught).message}`,
      { context: { received: text } },
    );
  }
}

/**
 * Register `tributary mark` on the program.
 *
 * @example
 * ```ts
 * registerMark(program, ctx);
 * ```
 */
export function registerMark(program: Command, ctx: CommandContext): void {
  program
    .command('mark')
    .description('set a node succeeded, failed or skipped by hand (audited)')
    .argument('<runId>')
    .argument('<node>')
    .argument('<state>', 'succeeded, failed or skipped')
    .option('--result <json>', 'the result a node marked succeeded hands its children')
    .option('--reason <text>', 'why: kept in the journal')
    .option('--module <path>', 'definition module (default: the one the run started from)')
    .option('--wait <ms>', 'how long to wait for a live owner to apply it', '30000')
    .addOption(dbOption())
    .addOption(jsonOption())
    .action((runId: string, node: string, state: string, o: MarkOptions & { json?: boolean }) =>
      ctx.finish(markCommand(runId, node, state, o, ctx.output(o.json))),
    );
}
