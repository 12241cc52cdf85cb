import { TributaryError } from '../../src/errors/index.js';
import { RunGraph } from '../../src/graph/run-graph.js';
import type { EdgeSpec, NodeSpec } from '../../src/engine/node-spec.js';
import { RunEngine, type EngineOptions, type EngineObserver } from '../../src/engine/run-engine.js';

/** Shared helpers for the engine tests: build run graphs, snapshot an engine, catch errors. */

export type Spec = Omit<NodeSpec, 'name'>;

/**
 * A run graph from node names (or `[name, spec]` pairs) and `from>to` edges, nodes added in
 * the order given, so ids follow the listing.
 */
export function graphOf(
  nodes: readonly (string | readonly [string, Spec])[],
  edges: readonly (string | readonly [string, string, EdgeSpec])[] = [],
): RunGraph<NodeSpec, EdgeSpec> {
  const graph = new RunGraph<NodeSpec, EdgeSpec>();
  for (const node of nodes) {
    const [name, spec] = typeof node === 'string' ? [node, {}] : node;
    graph.addNode(name, { name, ...spec });
  }
  for (const edge of edges) {
    if (typeof edge === 'string') {
      const [from, to] = edge.split('>');
      graph.addEdge(from!, to!);
    } else graph.addEdge(edge[0], edge[1], edge[2]);
  }
  return graph;
}

export function engineOf(
  nodes: readonly (string | readonly [string, Spec])[],
  edges: readonly (string | readonly [string, string, EdgeSpec])[] = [],
  options: EngineOptions = {},
  observer: EngineObserver = {},
): RunEngine {
  return new RunEngine(graphOf(nodes, edges), options, observer);
}

/** The state of a node by name. */
export function stateOf(engine: RunEngine, name: string): string {
  const id = engine.graph.idOf(name);
  if (id === undefined) throw new Error(`no live node "${name}"`);
  return engine.stateOf(id);
}

/** Every live node's state by name. */
export function states(engine: RunEngine): Record<string, string> {
  const out: Record<string, string> = {};
  for (const id of engine.graph.ids()) out[engine.graph.nameOf(id)] = engine.stateOf(id);
  return out;
}

/** Start the node `name` (it must be the best ready one) and return its attempt. */
export function start(engine: RunEngine, name: string, at = 0): number {
  const next = engine.startNext(at);
  if (next?.name !== name)
    throw new Error(`expected "${name}" to start next, got ${next?.name ?? 'nothing'}`);
  return next.attempt;
}

export function succeed(engine: RunEngine, name: string, result: unknown = name, at = 0): void {
  engine.apply({
    type: 'task_succeeded',
    node: name,
    attempt: engine.attemptOf(engine.graph.idOf(name)!),
    at,
    result,
  });
}

export function fail(engine: RunEngine, name: string, at = 0): void {
  engine.apply({
    type: 'task_failed',
    node: name,
    attempt: engine.attemptOf(engine.graph.idOf(name)!),
    at,
    error: new Error(`${name} failed`),
  });
}

/**
 * Everything observable about a run except its audit trail: nodes with their specs, states,
 * attempts, results and depths; edges with their data; the maintained order; counts and status.
 */
export function snapshot(engine: RunEngine): unknown {
  const g = engine.graph;
  const nodes = [...g.ids()].map((id) => ({
    id,
    name: g.nameOf(id),
    spec: g.data(id),
    state: engine.stateOf(id),
    attempt: engine.attemptOf(id),
    result: engine.resultOf(id),
    error: engine.errorOf(id),
    retryAt: engine.retryAtOf(id),
    startedAt: engine.startedAt(id),
    attemptStartedAt: engine.attemptStartedAt(id),
    finishedAt: engine.finishedAt(id),
    failedAttempts: engine.failedAttemptsOf(id),
    depth: engine.depthOf(id),
    order: g.orderOf(id),
    out: g.successorIds(id).map((w) => [g.nameOf(w), g.edgeData(id, w)]),
    in: g.predecessorIds(id).map((w) => g.nameOf(w)),
  }));
  return {
    nodes,
    nodeCount: g.nodeCount,
    edgeCount: g.edgeCount,
    idLimit: g.idLimit,
    topo: g.topologicalOrder(),
    counts: { ...engine.counts },
    status: engine.status,
    finished: engine.isFinished,
    terminalOrder: [...engine.terminalOrder],
  };
}

/** True when every edge goes forward in the graph's maintained order. */
export function orderRespectsEdges(engine: RunEngine): boolean {
  const g = engine.graph;
  for (const u of g.ids()) {
    const ou = g.orderOf(u);
    if (typeof ou !== 'number') return false;
    for (const v of g.successorIds(u)) if (!(ou < g.orderOf(v))) return false;
  }
  return true;
}

/** Run `fn`, which must throw a TributaryError, and return it. */
export function catchError(fn: () => unknown): TributaryError {
  try {
    fn();
  } catch (error) {
    if (error instanceof TributaryError) return error;
    throw error;
  }
  throw new Error('expected a TributaryError');
}
