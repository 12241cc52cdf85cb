import { toError, TributaryError } from '../errors/index.js';
import { RunGraph, type RunGraphState } from '../graph/run-graph.js';
import type { CancelReason, RunEvent } from './events.js';
import {
  checkModificationShape,
  checkSerializable,
  DEFAULT_LIMITS,
  describeModification,
  type DynamicModification,
  type ModificationLimits,
  type ModificationRecord,
} from './modification.js';
import { assertTransition, isOpen, isTerminal, type NodeState } from './node-state.js';
import type { EdgeSpec, NodeSpec } from './node-spec.js';
import { ReadyQueue, type ReadyQueueState } from './ready-queue.js';
import { decide } from './trigger-rules.js';

/** A {@link RunEngine} as plain data; see `RunEngine.snapshot`. */
export interface EngineSnapshot {
  readonly version: 1;
  readonly graph: RunGraphState<NodeSpec, { label?: string }>;
  readonly state: readonly NodeState[];
  readonly succeeded: readonly number[];
  readonly failed: readonly number[];
  readonly skipped: readonly number[];
  readonly attempt: readonly number[];
  readonly result: readonly unknown[];
  readonly error: readonly (Error | null)[];
  readonly startedAt: readonly number[];
  readonly finishedAt: readonly number[];
  readonly depth: readonly number[];
  readonly key: readonly number[];
  readonly terminalOrder: readonly number[];
  readonly modifications: readonly ModificationRecord[];
  readonly counts: Readonly<Record<NodeState, number>>;
  readonly open: number;
  readonly criticalFailures: number;
  readonly otherFailures: number;
  readonly cancelReason: CancelReason | null;
  readonly now: number;
  readonly queue: ReadyQueueState;
}

/** Final (or current) status of a run. */
export type RunStatus = 'running' | 'succeeded' | 'partially_succeeded' | 'failed' | 'cancelled';

/** Options of the state machine. */
export interface EngineOptions {
  readonly limits?: ModificationLimits;
  /** Cancel everything after the first failure of a critical node. */
  readonly failFast?: boolean;
  /** Durable runs: modifications must be data only (see `checkSerializable`). */
  readonly requireSerializable?: boolean;
}

/** Observers of the state machine; all optional, all synchronous. */
export interface EngineObserver {
  /** After every applied input event: the journal hooks in here. */
  onEvent?(event: RunEvent): void;
  /** Every node state change, derived ones included. */
  onTransition?(id: number, from: NodeState, to: NodeState): void;
  /** Every modification, applied or rejected: the audit trail. */
  onModification?(record: ModificationRecord): void;
}

/** The graph type the engine drives. */
export type EngineGraph = RunGraph<NodeSpec, EdgeSpec>;

const PRIORITY_SCALE = 2 ** 22;

/**
 * The run state machine: pure, synchronous and deterministic. It consumes {@link RunEvent}s
 * (`apply`) and derives everything else: which nodes are ready (a priority queue), skips and
 * upstream failures per trigger rule, the run status, and the validated, atomic application of
 * dynamic modifications. It never touches timers, promises or I/O, so the in-process executor,
 * the journal replay and distributed schedulers all drive the same code.
 *
 * Costs: starting or finishing a node is O(out-degree + log ready); a modification is
 * O(size of the change + affected region), never a re-validation of the whole graph.
 *
 * @example
 * ```ts
 * const engine = new RunEngine(graph);
 * const next = engine.startNext(Date.now());
 * if (next) engine.apply({ type: 'task_succeeded', node: next.name, attempt: 1, at: Date.now(), result: 42 });
 * ```
 */
export class RunEngine {
  readonly graph: EngineGraph;
  readonly #options: EngineOptions;
  readonly #limits: Required<ModificationLimits>;
  // Observer callbacks and flags live in fields of their own: the hot paths then never read a
  // per-run options or observer object, whose hidden class would die with the run and throw
  // away the optimized code of every engine (V8 "weak objects" deoptimizations, run after run).
  #onEvent: EngineObserver['onEvent'];
  #onTransition: EngineObserver['onTransition'];
  #onModification: EngineObserver['onModification'];
  readonly #failFast: boolean;
  #queue = new ReadyQueue();
  // Per-node arrays indexed by graph id.
  readonly #state: NodeState[] = [];
  readonly #succeeded: number[] = [];
  readonly #failed: number[] = [];
  readonly #skipped: number[] = [];
  readonly #attempt: number[] = [];
  readonly #result: unknown[] = [];
  readonly #error: (Error | undefined)[] = [];
  readonly #startedAt: number[] = [];
  readonly #finishedAt: number[] = [];
  readonly #depth: number[] = [];
  readonly #key: number[] = [];
  readonly #terminalOrder: number[] = [];
  readonly #modifications: ModificationRecord[] = [];
  readonly #counts: Record<NodeState, number> = {
    pending: 0,
    ready: 0,
    running: 0,
    retrying: 0,
    succeeded: 0,
    failed: 0,
    timed_out: 0,
    skipped: 0,
    upstream_failed: 0,
    cancelled: 0,
  };
  #open = 0;
  #criticalFailures = 0;
  #otherFailures = 0;
  #cancelReason: CancelReason | undefined;
  #now = 0;
  /** The error of the last rejected modification, so `modify` can rethrow it with its context. */
  #lastRejection: TributaryError | undefined;
  #applying = false;
  readonly #deferred: RunEvent[] = [];
  /** Nodes whose trigger rule must be evaluated; drained iteratively (no deep recursion). */
  readonly #work: number[] = [];

  constructor(
    graph: EngineGraph,
    options: EngineOptions = {},
    observer: EngineObserver = {},
    /** @internal Use {@link RunEngine.restore}. */
    from?: EngineSnapshot,
  ) {
    this.graph = graph;
    this.#options = options;
    this.#limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.#failFast = options.failFast === true;
    this.observe(observer);
    if (from !== undefined) {
      this.#load(from);
      return;
    }
    const ids = [...graph.ids()];
    for (const id of ids) this.#initNode(id, 0);
    this.#computeBottomLevels(ids);
    for (const id of ids) this.#work.push(id);
    this.#drain();
  }

  /**
   * The whole state as plain data (results and errors as they are; encode it with a codec).
   * O(V + E). {@link RunEngine.restore} turns it back into an engine that behaves exactly as
   * this one would from here on: same ids, same adjacency order, same ready-queue order.
   */
  snapshot(): EngineSnapshot {
    return {
      version: 1,
      graph: this.graph.exportState((edge) =>
        edge.label === undefined ? undefined : { label: edge.label },
      ),
      state: [...this.#state],
      succeeded: [...this.#succeeded],
      failed: [...this.#failed],
      skipped: [...this.#skipped],
      attempt: [...this.#attempt],
      result: Array.from(this.#result),
      error: Array.from(this.#error, (e) => e ?? null),
      startedAt: [...this.#startedAt],
      finishedAt: [...this.#finishedAt],
      depth: [...this.#depth],
      key: [...this.#key],
      terminalOrder: [...this.#terminalOrder],
      modifications: [...this.#modifications],
      counts: { ...this.#counts },
      open: this.#open,
      criticalFailures: this.#criticalFailures,
      otherFailures: this.#otherFailures,
      cancelReason: this.#cancelReason ?? null,
      now: this.#now,
      queue: this.#queue.exportState((id) => this.#state[id] === 'ready' && this.graph.isLive(id)),
    };
  }

  /**
   * An engine from a {@link RunEngine.snapshot}. Edge conditions are code and are not in a
   * snapshot: `condition(from, to)` gives them back (from the definition).
   *
   * @example
   * ```ts
   * const copy = RunEngine.restore(engine.snapshot(), options, () => undefined);
   * ```
   */
  static restore(
    snapshot: EngineSnapshot,
    options: EngineOptions,
    condition: (from: string, to: string) => EdgeSpec['condition'],
  ): RunEngine {
    if (snapshot.version !== 1) {
      throw new TributaryError(
        'SCHEMA_VERSION',
        `Unknown engine snapshot version ${String(snapshot.version)}`,
      );
    }
    const graph = RunGraph.fromState<NodeSpec, EdgeSpec, { label?: string }>(
      snapshot.graph,
      (from, to, data) => {
        const cond = condition(from, to);
        if (cond === undefined && data?.label === undefined) return undefined;
        return {
          ...(cond === undefined ? {} : { condition: cond }),
          ...(data?.label === undefined ? {} : { label: data.label }),
        };
      },
    );
    return new RunEngine(graph, options, {}, snapshot);
  }

  #load(s: EngineSnapshot): void {
    append(this.#state, s.state);
    append(this.#succeeded, s.succeeded);
    append(this.#failed, s.failed);
    append(this.#skipped, s.skipped);
    append(this.#attempt, s.attempt);
    append(this.#result, s.result);
    append(
      this.#error,
      s.error.map((e) => e ?? undefined),
    );
    append(this.#startedAt, s.startedAt);
    append(this.#finishedAt, s.finishedAt);
    append(this.#depth, s.depth);
    append(this.#key, s.key);
    append(this.#terminalOrder, s.terminalOrder);
    append(this.#modifications, s.modifications);
    Object.assign(this.#counts, s.counts);
    this.#open = s.open;
    this.#criticalFailures = s.criticalFailures;
    this.#otherFailures = s.otherFailures;
    this.#cancelReason = s.cancelReason ?? undefined;
    this.#now = s.now;
    this.#queue = ReadyQueue.fromState(s.queue);
  }

  /** Replace the observer (the executor attaches one after a journal replay). */
  observe(observer: EngineObserver): void {
    this.#onEvent = observer.onEvent?.bind(observer);
    this.#onTransition = observer.onTransition?.bind(observer);
    this.#onModification = observer.onModification?.bind(observer);
  }

  /** Current run status; `running` until every live node is terminal. */
  get status(): RunStatus {
    if (this.#open > 0) return 'running';
    if (this.#cancelReason === 'cancelled') return 'cancelled';
    if (this.#cancelReason !== undefined || this.#criticalFailures > 0) return 'failed';
    return this.#otherFailures > 0 ? 'partially_succeeded' : 'succeeded';
  }

  get isFinished(): boolean {
    return this.#open === 0;
  }

  /** Why the run was stopped early, if it was. */
  get cancelReason(): CancelReason | undefined {
    return this.#cancelReason;
  }

  /** Live nodes per state. */
  get counts(): Readonly<Record<NodeState, number>> {
    return this.#counts;
  }

  /** Ids of nodes in the order they reached a terminal state. */
  get terminalOrder(): readonly number[] {
    return this.#terminalOrder;
  }

  /** The audit trail: every modification, applied or rejected. */
  get modifications(): readonly ModificationRecord[] {
    return this.#modifications;
  }

  stateOf(id: number): NodeState {
    return this.#state[id]!;
  }
  spec(id: number): NodeSpec {
    return this.graph.data(id);
  }
  attemptOf(id: number): number {
    return this.#attempt[id]!;
  }
  resultOf(id: number): unknown {
    return this.#result[id];
  }
  errorOf(id: number): Error | undefined {
    return this.#error[id];
  }
  startedAt(id: number): number | undefined {
    return this.#startedAt[id]! < 0 ? undefined : this.#startedAt[id];
  }
  finishedAt(id: number): number | undefined {
    return this.#finishedAt[id]! < 0 ? undefined : this.#finishedAt[id];
  }
  /** Expansion depth: 0 for nodes of the definition, d + 1 for nodes added by a depth-d node. */
  depthOf(id: number): number {
    return this.#depth[id]!;
  }

  /**
   * Hand out the best ready node: it moves to `running` with its next attempt number (a
   * `task_started` event). Returns undefined when nothing is ready.
   */
  startNext(
    at: number,
  ): { readonly id: number; readonly name: string; readonly attempt: number } | undefined {
    const id = this.startNextId(at);
    return id < 0 ? undefined : { id, name: this.graph.nameOf(id), attempt: this.#attempt[id]! };
  }

  /**
   * {@link startNext} for the hot path: the started node's id, or -1 when nothing is ready.
   * Without an `onEvent` observer no event object is built.
   */
  startNextId(at: number): number {
    for (;;) {
      const id = this.#queue.pop();
      if (id < 0) return -1;
      if (this.#state[id] !== 'ready' || !this.graph.isLive(id)) continue; // stale entry
      const attempt = this.#attempt[id]! + 1;
      if (this.#onEvent === undefined && !this.#applying) {
        this.#now = at;
        this.#start(id, attempt, at);
      } else {
        this.apply({ type: 'task_started', node: this.graph.nameOf(id), attempt, at });
      }
      return id;
    }
  }

  #start(id: number, attempt: number, at: number): void {
    this.#attempt[id] = attempt;
    if (this.#startedAt[id]! < 0) this.#startedAt[id] = at;
    this.#transition(id, 'running');
  }

  /**
   * Apply one input event. Invalid events (a success for a node that is not running, a stale
   * attempt) throw `INVALID_TRANSITION` and change nothing.
   */
  apply(event: RunEvent): void {
    // Observers may cause events (a hook that cancels the run): those wait until the current
    // event is fully applied and observed, so the journal records causes before effects.
    if (this.#applying) {
      this.#deferred.push(event);
      return;
    }
    this.#applying = true;
    try {
      this.#applyOne(event);
      for (let next = this.#deferred.shift(); next !== undefined; next = this.#deferred.shift())
        this.#applyOne(next);
    } finally {
      this.#applying = false;
      this.#deferred.length = 0;
    }
  }

  #applyOne(event: RunEvent): void {
    this.#now = event.at;
    switch (event.type) {
      case 'task_started': {
        const id = this.#require(event.node);
        this.#expectAttempt(id, event.attempt - 1, 'ready');
        this.#start(id, event.attempt, event.at);
        break;
      }
      case 'task_succeeded': {
        const id = this.#require(event.node);
        this.#expectAttempt(id, event.attempt, 'running');
        const rejection =
          event.modification === undefined
            ? undefined
            : this.#modify(event.modification, `node:${event.node}`, this.#depth[id]! + 1);
        if (rejection === undefined) {
          this.#result[id] = event.result;
          this.#finish(id, 'succeeded');
        } else {
          this.#error[id] = new TributaryError(
            'MODIFICATION_REJECTED',
            `The expander of "${event.node}" returned a modification that was rejected: ${rejection.message}`,
            { context: { node: event.node, reason: rejection.code }, cause: rejection },
          );
          this.#result[id] = event.result;
          this.#finish(id, 'failed');
        }
        break;
      }
      case 'task_failed': {
        const id = this.#require(event.node);
        this.#expectAttempt(id, event.attempt, 'running');
        this.#error[id] = event.error;
        if (event.retryAt !== undefined) this.#transition(id, 'retrying');
        else this.#finish(id, event.timedOut === true ? 'timed_out' : 'failed');
        break;
      }
      case 'task_retry_due': {
        const id = this.#require(event.node);
        this.#expectAttempt(id, this.#attempt[id]!, 'retrying');
        this.#transition(id, 'ready');
        this.#queue.push(id, this.#key[id]!);
        break;
      }
      case 'task_interrupted': {
        const id = this.#require(event.node);
        this.#expectAttempt(id, event.attempt, 'running');
        this.#transition(id, 'ready');
        this.#queue.push(id, this.#key[id]!);
        break;
      }
      case 'graph_modified':
        this.#modify(event.modification, event.actor, 0);
        break;
      case 'run_cancelled':
        this.#cancel(event.reason);
        break;
    }
    this.#drain();
    this.#onEvent?.(event);
  }

  /**
   * Apply a modification from outside the run (an API user, the CLI). Throws the validation
   * error when it is rejected; the rejection is in the audit trail either way.
   */
  modify(modification: DynamicModification, actor: string, at: number): ModificationRecord {
    if (this.#applying) {
      throw new TributaryError(
        'INVALID_ARGUMENT',
        'modify() cannot be called from an engine observer; use an expander',
      );
    }
    this.#lastRejection = undefined;
    this.apply({ type: 'graph_modified', at, actor, modification });
    const record = this.#modifications[this.#modifications.length - 1]!;
    if (record.outcome === 'rejected') {
      const cause = this.#lastRejection as TributaryError | undefined;
      throw new TributaryError(
        (record.error?.code ?? 'MODIFICATION_REJECTED') as TributaryError['code'],
        record.error?.message ?? 'Modification rejected',
        { context: { ...cause?.context, actor }, cause },
      );
    }
    return record;
  }

  #require(name: string): number {
    const id = this.graph.idOf(name);
    if (id === undefined) {
      throw new TributaryError('UNKNOWN_NODE', `Event names unknown node "${name}"`, {
        context: { node: name },
      });
    }
    return id;
  }

  #expectAttempt(id: number, attempt: number, state: NodeState): void {
    if (this.#state[id] !== state || this.#attempt[id] !== attempt) {
      const name = this.graph.nameOf(id);
      throw new TributaryError(
        'INVALID_TRANSITION',
        `Node "${name}" is ${this.#state[id]} at attempt ${this.#attempt[id]}, expected ${state} at attempt ${attempt}`,
        { context: { node: name } },
      );
    }
  }

  #initNode(id: number, depth: number): void {
    this.#state[id] = 'pending';
    this.#succeeded[id] = 0;
    this.#failed[id] = 0;
    this.#skipped[id] = 0;
    this.#attempt[id] = 0;
    this.#startedAt[id] = -1;
    this.#finishedAt[id] = -1;
    this.#depth[id] = depth;
    this.#key[id] = 0;
    this.#counts.pending++;
    this.#open++;
  }

  #transition(id: number, to: NodeState): void {
    const from = this.#state[id]!;
    assertTransition(from, to, this.graph.nameOf(id));
    this.#state[id] = to;
    this.#counts[from]--;
    this.#counts[to]++;
    this.#onTransition?.(id, from, to);
  }

  /** Move a node to a terminal state and account its outcome on every child edge. */
  #finish(id: number, to: NodeState): void {
    this.#transition(id, to);
    this.#finishedAt[id] = this.#now;
    this.#terminalOrder.push(id);
    this.#open--;
    const failed = to === 'failed' || to === 'timed_out';
    const critical = this.graph.data(id).critical !== false;
    if (failed || to === 'upstream_failed') {
      if (critical) this.#criticalFailures++;
      else this.#otherFailures++;
    }
    const stopAll = failed && critical && this.#failFast && this.#cancelReason === undefined;
    this.#propagate(id);
    if (stopAll) this.#cancel('fail_fast');
  }

  /**
   * Account a finished node's outcome on each open child and queue the child for evaluation.
   * A method of its own: a hot loop at the end of a function lets V8 optimize it in the middle
   * of the loop, which here deoptimized the code after it on every run.
   */
  #propagate(id: number): void {
    const children = this.graph.successorIds(id);
    for (let i = 0; i < children.length; i++) {
      const child = children[i]!;
      if (!isOpen(this.#state[child]!)) continue;
      this.#count(id, child, 1);
      this.#work.push(child);
    }
  }

  /** Add (sign 1) or remove (sign -1) the outcome of edge parent -> child from child's counts. */
  #count(parent: number, child: number, sign: 1 | -1): void {
    const state = this.#state[parent]!;
    if (state === 'succeeded') {
      const condition = this.graph.edgeData(parent, child)?.condition;
      const outcome =
        condition === undefined ? 'succeeded' : evaluate(condition, this.#result[parent]);
      if (outcome === 'succeeded') this.#succeeded[child]! += sign;
      else if (outcome === 'skipped') this.#skipped[child]! += sign;
      else this.#failed[child]! += sign;
    } else if (state === 'skipped') this.#skipped[child]! += sign;
    else if (isTerminal(state)) this.#failed[child]! += sign;
  }

  /** Evaluate queued trigger rules until nothing changes. */
  #drain(): void {
    const work = this.#work;
    // FIFO, so nodes freed by one event become ready in edge order.
    for (let i = 0; i < work.length; i++) {
      const id = work[i]!;
      const state = this.#state[id]!;
      if (!isOpen(state) || !this.graph.isLive(id)) continue;
      const decision = decide(this.graph.data(id).triggerRule ?? 'all_success', {
        total: this.graph.predecessorIds(id).length,
        succeeded: this.#succeeded[id]!,
        failed: this.#failed[id]!,
        skipped: this.#skipped[id]!,
      });
      if (decision === 'ready') {
        if (state === 'pending') {
          this.#transition(id, 'ready');
          this.#queue.push(id, this.#key[id]!);
        }
      } else if (decision === 'wait') {
        if (state === 'ready') this.#transition(id, 'pending');
      } else {
        this.#finish(id, decision);
      }
    }
    work.length = 0;
  }

  #cancel(reason: CancelReason): void {
    if (this.#cancelReason !== undefined || this.#open === 0) return;
    this.#cancelReason = reason;
    for (const id of this.graph.ids()) {
      const state = this.#state[id]!;
      if (isTerminal(state)) continue;
      this.#finish(id, reason === 'timeout' && state === 'running' ? 'timed_out' : 'cancelled');
    }
    this.#work.length = 0;
  }

  /** Validate and apply a modification; returns the rejection error, or undefined when applied. */
  #modify(mod: DynamicModification, actor: string, depth: number): TributaryError | undefined {
    let diff = { addedNodes: [], removedNodes: [], addedEdges: [], removedEdges: [] } as ReturnType<
      typeof describeModification
    >;
    try {
      if (
        this.#cancelReason !== undefined ||
        (this.#open === 0 && this.#terminalOrder.length > 0)
      ) {
        throw new TributaryError(
          'RUN_FINISHED',
          'Cannot modify a run that has finished or is being cancelled',
        );
      }
      checkModificationShape(mod);
      diff = describeModification(mod);
      this.#validate(mod, diff, depth);
      this.#applyValidated(mod, depth);
    } catch (caught) {
      const error =
        caught instanceof TributaryError
          ? caught
          : new TributaryError('MODIFICATION_REJECTED', toError(caught).message, { cause: caught });
      this.#lastRejection = error;
      this.#record(actor, mod, diff, error);
      return error;
    }
    this.#record(actor, mod, diff, undefined);
    return undefined;
  }

  #record(
    actor: string,
    mod: DynamicModification,
    diff: ReturnType<typeof describeModification>,
    error?: TributaryError,
  ): void {
    const reason =
      typeof (mod as { reason?: unknown } | null)?.reason === 'string' ? mod.reason : undefined;
    const record: ModificationRecord = {
      seq: this.#modifications.length + 1,
      at: this.#now,
      actor,
      ...(reason === undefined ? {} : { reason }),
      outcome: error === undefined ? 'applied' : 'rejected',
      diff,
      ...(error === undefined ? {} : { error: { code: error.code, message: error.message } }),
    };
    this.#modifications.push(record);
    this.#onModification?.(record);
  }

  /** Every check that needs the run's state; graph-level checks (names, cycles) come in the batch. */
  #validate(
    mod: DynamicModification,
    diff: ReturnType<typeof describeModification>,
    depth: number,
  ): void {
    if (this.#options.requireSerializable === true) checkSerializable(mod);
    const limits = this.#limits;
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
    const total = this.graph.nodeCount + added - diff.removedNodes.length;
    if (total > limits.maxNodes)
      throw limitError(`would grow the run to ${total} nodes, above maxNodes (${limits.maxNodes})`);
    for (const name of diff.removedNodes) {
      const id = this.graph.requireId(name);
      if (!isOpen(this.#state[id]!)) {
        throw new TributaryError(
          'NODE_ALREADY_STARTED',
          `Cannot remove node "${name}": it is ${this.#state[id]}; only pending or ready nodes can be removed`,
          { context: { node: name, state: this.#state[id] } },
        );
      }
    }
    // Before the race check: re-adding the name of a started node is a duplicate, not a race.
    const removed = new Set(diff.removedNodes);
    const names = new Set<string>();
    for (const name of diff.addedNodes) {
      if (names.has(name) || (this.graph.hasNode(name) && !removed.has(name))) {
        throw new TributaryError('DUPLICATE_NODE', `Node "${name}" already exists`, {
          context: { node: name },
        });
      }
      names.add(name);
    }
    const raceCheck = ([from, to]: readonly [string, string]): void => {
      const id = this.graph.idOf(to);
      if (id !== undefined && !isOpen(this.#state[id]!)) {
        throw new TributaryError(
          'DEPENDENCY_RACE',
          `Cannot change the inputs of "${to}" (edge from "${from}"): it is already ${this.#state[id]}`,
          { context: { node: to, from, state: this.#state[id] } },
        );
      }
    };
    diff.addedEdges.forEach(raceCheck);
    diff.removedEdges.forEach(raceCheck);
  }

  #applyValidated(mod: DynamicModification, depth: number): void {
    const addNodes = mod.addNodes ?? [];
    const edges: { from: string; to: string; data?: EdgeSpec }[] = [];
    for (const spec of addNodes) {
      for (const dep of spec.dependencies ?? []) edges.push({ from: dep, to: spec.name });
      for (const dep of spec.dependents ?? []) edges.push({ from: spec.name, to: dep });
    }
    for (const edge of mod.addEdges ?? []) {
      const data =
        edge.condition === undefined && edge.label === undefined ? undefined : { ...edge };
      edges.push(
        data === undefined
          ? { from: edge.from, to: edge.to }
          : { from: edge.from, to: edge.to, data },
      );
    }
    // Children of removed nodes lose a parent: collect them before the batch removes the edges.
    const touched: number[] = [];
    for (const name of mod.removeNodes ?? []) {
      for (const child of this.graph.successorIds(this.#require(name))) touched.push(child);
    }
    const result = this.graph.applyBatch({
      removeEdges: (mod.removeEdges ?? []).map((e) => [e.from, e.to] as const),
      removeNodes: mod.removeNodes ?? [],
      addNodes: addNodes.map((spec) => ({ name: spec.name, data: spec })),
      addEdges: edges,
    });
    // Applied: nothing below can fail.
    for (const id of result.removedNodes) {
      this.#counts[this.#state[id]!]--;
      this.#open--;
    }
    for (const id of result.addedNodes) this.#initNode(id, depth);
    for (const [, v] of result.addedEdges) touched.push(v);
    for (const [, v] of result.removedEdges) touched.push(v);
    // Each affected node is recounted once: O(its in-degree), not once per changed edge.
    const affected = new Set<number>(touched);
    for (const id of result.addedNodes) affected.add(id);
    for (const id of affected) {
      if (this.graph.isLive(id) && isOpen(this.#state[id]!)) {
        this.#recount(id);
        this.#work.push(id);
      }
    }
    this.#extendBottomLevels(result.addedNodes);
  }

  /** Recompute a node's edge counts from its parents: O(in-degree), used after modifications. */
  #recount(id: number): void {
    this.#succeeded[id] = 0;
    this.#failed[id] = 0;
    this.#skipped[id] = 0;
    for (const parent of this.graph.predecessorIds(id)) this.#count(parent, id, 1);
  }

  /**
   * Ready-queue key: explicit priority first, then bottom level (nodes on the critical path of
   * the remaining graph first). Bottom level counts nodes to the farthest leaf.
   */
  #computeBottomLevels(ids: number[]): void {
    const graph = this.graph;
    const sorted = [...ids].sort((a, b) => graph.orderOf(b) - graph.orderOf(a));
    const level: number[] = [];
    for (const id of sorted) {
      let best = 0;
      for (const child of graph.successorIds(id)) best = Math.max(best, level[child] ?? 0);
      level[id] = best + 1;
      this.#key[id] = keyOf(graph.data(id).priority, best + 1);
    }
  }

  /**
   * Bottom levels for added nodes, then raised through not-yet-started ancestors only: nodes
   * that already started no longer wait in the queue. Cost: the new nodes plus the pending
   * ancestors whose level actually grows.
   */
  #extendBottomLevels(added: readonly number[]): void {
    if (added.length === 0) return;
    const graph = this.graph;
    const level = (id: number): number => this.#key[id]! - keyOf(graph.data(id).priority, 0);
    const sorted = [...added].sort((a, b) => graph.orderOf(b) - graph.orderOf(a));
    const raise: number[] = [];
    for (const id of sorted) {
      let best = 0;
      for (const child of graph.successorIds(id)) best = Math.max(best, level(child));
      this.#key[id] = keyOf(graph.data(id).priority, best + 1);
      for (const parent of graph.predecessorIds(id)) raise.push(parent, best + 2);
    }
    while (raise.length > 0) {
      const min = raise.pop()!;
      const id = raise.pop()!;
      if (this.#state[id] !== 'pending' || level(id) >= min) continue;
      this.#key[id] = keyOf(graph.data(id).priority, min);
      for (const parent of graph.predecessorIds(id)) raise.push(parent, min + 1);
    }
  }
}

/**
 * An edge condition's verdict. A condition that throws counts as a failed edge (the child sees
 * an upstream failure) instead of breaking the engine mid-transition. Conditions must be pure:
 * replay evaluates them again.
 */
function evaluate(
  condition: (result: unknown) => boolean,
  result: unknown,
): 'succeeded' | 'skipped' | 'failed' {
  try {
    return condition(result) ? 'succeeded' : 'skipped';
  } catch {
    return 'failed';
  }
}

/** Push every item (a spread of a million items would overflow the stack). */
function append<T>(target: T[], source: readonly T[]): void {
  for (let i = 0; i < source.length; i++) target.push(source[i]!);
}

function keyOf(priority: number | undefined, bottomLevel: number): number {
  return (priority ?? 0) * PRIORITY_SCALE + Math.min(bottomLevel, PRIORITY_SCALE - 1);
}

function limitError(message: string): TributaryError {
  return new TributaryError('LIMIT_EXCEEDED', `Modification ${message}`);
}
