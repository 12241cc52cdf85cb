import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { toError, TributaryError } from '../../errors/index.js';
import { checkModificationShape, type DynamicModification } from '../../engine/index.js';
import { runNotFound, type RunStore } from '../../store/index.js';
import { cliActor } from '../actor.js';
import { liveOwner } from '../../durable/index.js';
import { dbOption, jsonOption, type CommandContext } from '../command-context.js';
import type { Output } from '../output.js';
import { withStore } from '../store.js';
import { parseWait } from '../control.js';

/** Options of `tributary modify`. */
export interface ModifyOptions {
  readonly db?: string;
  readonly file: string;
  readonly reason?: string;
  /** How long to wait for the owner to apply it, in ms. Default 30,000. */
  readonly wait?: string;
}

/**
 * `tributary modify <runId> --file change.json --reason "..."`: ask a running durable run to
 * change its graph. The change is stored as a request; the run's owner applies it through its
 * engine (the same validation, atomicity and audit as an expander, actor `cli:<user>`) and this
 * command prints the outcome: exit 0 when applied, 1 when rejected (with the rule that refused
 * it). A run without a live owner keeps the request for its next `resume`.
 *
 * @example
 * ```ts
 * await modifyCommand(runId, { file: 'change.json', reason: 'add a table' }, output);
 * ```
 */
export async function modifyCommand(
  runId: string,
  options: ModifyOptions,
  output: Output,
): Promise<number> {
  const modification = readModification(options.file, options.reason);
  const waitMs = parseWait(options.wait);
  return withStore(options.db, async (store) => {
    const run = await store.getRun(runId);
    if (run === undefined) throw runNotFound(runId);
    if (run.status !== 'running') {
      throw new TributaryError(
        'RUN_FINISHED',
        `Run ${runId} already finished (${run.status}): it can no longer be modified`,
        { context: { runId, status: run.status } },
      );
    }
    const id = await store.addRequest(runId, {
      kind: 'modify',
      actor: cliActor(),
      at: Date.now(),
      body: JSON.stringify(modification),
    });
    const owner = await liveOwner(store, runId);
    if (owner === undefined) {
      output.out(
        output.json
          ? JSON.stringify({ runId, request: id, state: 'queued' })
          : `Run ${runId} has no live owner: the change (request ${id}) is applied when the run is resumed (tributary resume ${runId}).`,
      );
      return 0;
    }
    const done = await outcome(store, runId, id, waitMs);
    if (done === undefined) {
      output.out(
        output.json
          ? JSON.stringify({ runId, request: id, state: 'pending', owner })
          : `The owner (${owner}) has not applied request ${id} yet; it stays queued.`,
      );
      return 1;
    }
    const detail = JSON.parse(done.outcome) as Record<string, unknown>;
    if (output.json) {
      output.out(JSON.stringify({ runId, request: id, state: done.state, outcome: detail }));
    } else if (done.state === 'applied') {
      const diff = detail.diff as { addedNodes: string[]; removedNodes: string[] } | undefined;
      output.out(
        `Applied to run ${runId} by ${String(detail.actor)}: +${diff?.addedNodes.length ?? 0} nodes, -${diff?.removedNodes.length ?? 0} nodes (audit #${String(detail.seq)}).`,
      );
    } else {
      output.err(`error ${String(detail.code)}: ${String(detail.message)}`);
    }
    return done.state === 'applied' ? 0 : 1;
  });
}

function readModification(file: string, reason: string | undefined): DynamicModification {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (caught) {
    throw new TributaryError(
      'INVALID_ARGUMENT',
      `Cannot read --file ${file}: ${toError(caught).message}`,
      {
        context: { received: file },
      },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (caught) {
    throw new TributaryError(
      'INVALID_ARGUMENT',
      `--file ${file} is not JSON: ${toError(caught).message}`,
      {
        context: { received: file },
      },
    );
  }
  checkModificationShape(parsed);
  return reason === undefined ? parsed : { ...parsed, reason };
}

/** The request once the owner completed it, or undefined after `waitMs`. */
async function outcome(
  store: RunStore,
  runId: string,
  id: number,
  waitMs: number,
): Promise<{ state: 'applied' | 'rejected'; outcome: string } | undefined> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const request = await store.getRequest(runId, id);
    if (request !== undefined && request.state !== 'pending')
      return { state: request.state, outcome: request.outcome ?? '{}' };
    if (Date.now() >= deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Register `tributary modify` on the program.
 *
 * @example
 * ```ts
 * registerModify(program, ctx);
 * ```
 */
export function registerModify(program: Command, ctx: CommandContext): void {
  program
    .command('modify')
    .description('change the graph of a running durable run (applied by its owner, audited)')
    .argument('<runId>')
    .requiredOption(
      '--file <path>',
      'the modification as JSON (addNodes, removeNodes, addEdges, removeEdges)',
    )
    .option('--reason <text>', 'why: kept in the audit trail')
    .option('--wait <ms>', 'how long to wait for the owner to apply it', '30000')
    .addOption(dbOption())
    .addOption(jsonOption())
    .action((runId: string, o: ModifyOptions & { json?: boolean }) =>
      ctx.finish(modifyCommand(runId, o, ctx.output(o.json))),
    );
}
