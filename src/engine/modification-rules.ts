import { TributaryError } from '../errors/index.js';
import {
  checkSerializable,
  type DynamicModification,
  type ModificationDiff,
  type ModificationLimits,
} from './modification.js';
import { isOpen, type NodeState } from './node-state.js';

/**
 * The rules a modification must pass against the run it changes, after its shape was checked
 * (`checkModificationShape`). Graph-level rules (known endpoints, no cycle) are checked by the
 * graph's atomic batch; everything that needs node states or run options is here. Every rule
 * only reads: a modification that fails one changes nothing.
 */

/** What the rules read of a run; a `RunEngine` is one. */
export interface RunView {
  readonly graph: {
    readonly nodeCount: number;
    idOf(name: string): number | undefined;
    requireId(name: string): number;
    hasNode(name: string): boolean;
  };
  stateOf(id: number): NodeState;
}

/**
 * The task and expander names a run can resolve (a durable run's definition registers them).
 * Given to the engine, it lets a modification that names something unknown be rejected when it
 * is made, instead of failing a node later.
 *
 * @example
 * ```ts
 * const registry: TaskRegistry = {
 *   hasTask: (name) => def.tasks.has(name),
 *   hasExpander: (name) => def.expanders.has(name),
 * };
 * new RunEngine(graph, { requireSerializable: true, registry });
 * ```
 */
export interface TaskRegistry {
  hasTask(name: string): boolean;
  hasExpander(name: string): boolean;
}

/** The run's options that decide which modifications it accepts. */
export interface ModificationPolicy {
  readonly limits: Required<ModificationLimits>;
  /** Durable runs: data only (see `checkSerializable`). */
  readonly requireSerializable: boolean;
  /** When set, added nodes' task and expander names must be registered (see `checkRegistered`). */
  readonly registry: TaskRegistry | undefined;
}

/**
 * Throw the first rule `mod` breaks against `run`: serializability (durable runs), registered
 * names (when the run has a registry), the limits,
 * removals of started nodes, duplicate names (found with the graph's batch, see below), and new or
 * removed inputs of started nodes
 * (`DEPENDENCY_RACE`). O(size of the modification).
 *
 * @example
 * ```ts
 * checkAgainstRun(engine, mod, describeModification(mod), 1, policy);
 * ```
 */
export function checkAgainstRun(
  run: RunView,
  mod: DynamicModification,
  diff: ModificationDiff,
  depth: number,
  policy: ModificationPolicy,
): void {
  if (policy.requireSerializable) checkSerializable(mod);
  if (policy.registry !== undefined) checkRegistered(mod, policy.registry);
  const limits = policy.limits;
  const added = diff.addedNodes.length;
  if (added > limits.maxNodesPerModification) {
    throw limitError(
      `adds ${added} nodes, above maxNodesPerModification (${limits.maxNodesPerModification})`,
    );
  }
  if (added > 0 && depth > limits.maxExpansionDepth) {
    throw limitError(
      `would reach expansion depth ${depth}, above maxExpansionDepth (${limits.maxExpansionDepth})`,
    );
  }
  const total = run.graph.nodeCount + added - diff.removedNodes.length;
  if (total > limits.maxNodes)
    throw limitError(`would grow the run to ${total} nodes, above maxNodes (${limits.maxNodes})`);
  for (const name of diff.removedNodes) {
    const state = run.stateOf(run.graph.requireId(name));
    if (!isOpen(state)) {
      throw new TributaryError(
        'NODE_ALREADY_STARTED',
        `Cannot remove node "${name}": it is ${state}; only pending or ready nodes can be removed`,
        { context: { node: name, state } },
      );
    }
  }
  // Re-adding a name the run has (a started node's too) or repeating one is DUPLICATE_NODE,
  // which wins over a race and over whatever the graph's batch would refuse. No set of the
  // added names is built and no name is looked up here: the graph's batch rejects a taken or
  // repeated name when it adds the nodes, with the same error, and whenever anything else
  // rejects the modification first (a race below, the batch's removals), `checkNewNames` runs
  // before that error is thrown. So the error reported is exactly the one a full check here,
  // before the race check, would give.
  const removed = new Set(diff.removedNodes);
  // Edge by edge in the diff's order, without building the diff's edge list: a fan-in target is
  // looked up once for a run of edges into it, and an edge into a new node needs no lookup
  // unless that name is also being removed (a new name is in the graph only then).
  let checked: string | undefined;
  const raceCheck = (from: string, to: string): void => {
    if (to === checked) return;
    checked = to;
    const id = run.graph.idOf(to);
    if (id === undefined) return;
    const state = run.stateOf(id);
    if (!isOpen(state)) {
      throw new TributaryError(
        'DEPENDENCY_RACE',
        `Cannot change the inputs of "${to}" (edge from "${from}"): it is already ${state}`,
        { context: { node: to, from, state } },
      );
    }
  };
  try {
    // Index loops: these run once per added node and edge (no iterator objects).
    const specs = mod.addNodes ?? [];
    for (let i = 0; i < specs.length; i++) {
      const spec = specs[i]!;
      if (removed.size > 0 && removed.has(spec.name)) {
        for (const dep of spec.dependencies ?? []) raceCheck(dep, spec.name);
      }
      const dependents = spec.dependents;
      if (dependents !== undefined) {
        for (let d = 0; d < dependents.length; d++) raceCheck(spec.name, dependents[d]!);
      }
    }
    for (const edge of mod.addEdges ?? []) raceCheck(edge.from, edge.to);
    for (const [from, to] of diff.removedEdges) raceCheck(from, to);
  } catch (error) {
    checkNewNames(run, diff);
    throw error;
  }
}

/**
 * `DUPLICATE_NODE` for the first added name (in order) that the run already has (unless the
 * modification removes it) or that an earlier added node takes. O(added nodes), with a set.
 * {@link checkAgainstRun} calls it only on the way to rejecting a modification; the engine
 * calls it when the graph's batch rejects one, so that a duplicate always wins over the other
 * reasons, as if every name were checked first.
 *
 * @example
 * ```ts
 * checkNewNames(engine, describeModification({ addNodes: [{ name: 'a' }, { name: 'a' }] })); // throws
 * ```
 */
export function checkNewNames(run: RunView, diff: ModificationDiff): void {
  const removed = new Set(diff.removedNodes);
  const names = new Set<string>();
  for (const name of diff.addedNodes) {
    if (names.has(name) || (run.graph.hasNode(name) && !removed.has(name))) {
      throw new TributaryError('DUPLICATE_NODE', `Node "${name}" already exists`, {
        context: { node: name },
      });
    }
    names.add(name);
  }
}

/**
 * Every added node's task must be registered: its `task` name, or its own name when it has no
 * `task` (`TASK_NOT_FOUND`); a named expander likewise (`EXPANDER_NOT_FOUND`). Functions are not
 * names and are left to the other rules (`NOT_SERIALIZABLE` in a durable run).
 *
 * @example
 * ```ts
 * checkRegistered({ addNodes: [{ name: 'p1', task: 'proces' }] }, registry); // TASK_NOT_FOUND
 * ```
 */
export function checkRegistered(mod: DynamicModification, registry: TaskRegistry): void {
  for (const [i, spec] of (mod.addNodes ?? []).entries()) {
    if (spec.task === undefined || typeof spec.task === 'string') {
      const task = spec.task ?? spec.name;
      if (!registry.hasTask(task)) {
        throw new TributaryError(
          'TASK_NOT_FOUND',
          `Node "${spec.name}" (addNodes[${i}]) runs task "${task}", which is not registered`,
          { context: { node: spec.name, task, field: `addNodes[${i}].task` } },
        );
      }
    }
    if (typeof spec.expander === 'string' && !registry.hasExpander(spec.expander)) {
      throw new TributaryError(
        'EXPANDER_NOT_FOUND',
        `Node "${spec.name}" (addNodes[${i}]) names expander "${spec.expander}", which is not registered`,
        { context: { node: spec.name, expander: spec.expander, field: `addNodes[${i}].expander` } },
      );
    }
  }
}

function limitError(message: string): TributaryError {
  return new TributaryError('LIMIT_EXCEEDED', `Modification ${message}`);
}
