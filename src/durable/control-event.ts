import { TributaryError } from '../errors/index.js';
import {
  clearSelection,
  type ClearSelection,
  type MarkState,
  type RunEngine,
  type RunEvent,
} from '../engine/index.js';

/** A clear or a mark, as an operator asks for it. */
export type Control =
  | { readonly kind: 'clear'; readonly selection: ClearSelection }
  | {
      readonly kind: 'mark';
      readonly node: string;
      readonly state: MarkState;
      readonly result?: unknown;
    };

/** The body of a `clear` or `mark` request, as stored: the control and why. */
export type ControlRequest = Control & { readonly reason?: string };

/**
 * The journal event of a control request against `engine`'s current state: a clear's selection
 * is resolved here, by whoever applies it, so it names the nodes finished at that moment.
 */
export function controlEvent(
  engine: RunEngine,
  request: ControlRequest,
  actor: string,
  at: number,
): Extract<RunEvent, { type: 'nodes_cleared' | 'node_marked' }> {
  const reason = request.reason === undefined ? {} : { reason: request.reason };
  if (request.kind === 'clear') {
    const nodes = clearSelection(engine, request.selection);
    if (nodes.length === 0) throw nothingToClear(request.selection);
    return { type: 'nodes_cleared', at, actor, nodes, ...reason };
  }
  return {
    type: 'node_marked',
    node: request.node,
    at,
    actor,
    state: request.state,
    ...(request.result === undefined ? {} : { result: request.result }),
    ...reason,
  };
}

/** `NOT_CLEARABLE` for a selection in which no node has finished, saying what was selected. */
function nothingToClear(selection: ClearSelection): TributaryError {
  const what = [
    selection.nodes === undefined ? 'every node' : selection.nodes.map((n) => `"${n}"`).join(', '),
    ...(selection.downstream === true ? ['with its downstream'] : []),
    ...(selection.upstream === true ? ['with its upstream'] : []),
    ...(selection.failedOnly === true ? ['that did not succeed'] : []),
  ].join(' ');
  return new TributaryError(
    'NOT_CLEARABLE',
    `Nothing to clear: no finished node matches the selection (${what})`,
    { context: { received: selection } },
  );
}
