import { toError, TributaryError } from '../errors/index.js';
import {
  exportSnapshot,
  importColumns,
  openSnapshot,
  type EngineColumns,
  type EngineScalars,
  type EngineSnapshot,
  type EngineSnapshotV1,
} from './engine-snapshot.js';
import type { EngineGraph, EngineObserver, EngineOptions, RunStatus } from './engine-options.js';
import { eventNodeState, type CancelReason, type MarkState, type RunEvent } from './events.js';
import {
  checkModificationShape,
  DEFAULT_LIMITS,
  batchOf,
  describeModification,
  recordOf,
  type DynamicModification,
  type ModificationDiff,
  type ModificationRecord,
} from './modification.js';
import { checkAgainstRun, checkNewNames, type ModificationPolicy } from './modification-rules.js';
import { NO_FAILED_ATTEMPTS, type FailedAttempt } from './attempts.js';
import { assertTransition, isOpen, isTerminal, type NodeState } from './node-state.js';
import { isCritical, triggerRuleOf, type EdgeSpec, type NodeSpec } from './node-spec.js';
import { computeBottomLevels, extendBottomLevels } from './priority.js';
import { ReadyQueue } from './ready-queue.js';
import { initialStateOf, rememberInitialState, type InitialState } from './initial-state.js';
import { decide, edgeOutcome, type EdgeCounts } from './trigger-rules.js';
import { WorkList } from './work-list.js';
import { keepHiddenClass, RunGraph } from '../graph/index.js';

export type { EngineSnapshot, EngineSnapshotV1 } from './engine-snapshot.js';
export type { EngineGraph, EngineObserver, EngineOptions, RunStatus } from './engine-options.js';

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
  /** Read only when a modification is checked, never on the hot path. */
  readonly #policy: ModificationPolicy;
  // Observer callbacks and flags live in fields of their own: the hot paths then never read a
  // per-run options or observer object, whose hidden class would die with the run and throw
  // away the optimized code of every engine (V8 "weak objects" deoptimizations, run after run).
  #onEvent: EngineObserver['onEvent'];
  #onTransition: EngineObserver['onTransition'];
  #onModification: EngineObserver['onModification'];
  #onStopped: EngineObserver['onStopped'];
  readonly #failFast: boolean;
  readonly #waitReason: EngineOptions['waitReason'];
  #queue = new ReadyQueue();
  // Per-node arrays indexed by graph id.
  #state: NodeState[] = [];
  #succeeded: number[] = [];
  #failed: number[] = [];
  #skipped: number[] = [];
  /** Of the failed edge counts, those whose parent never ran to an outcome (see `EdgeCounts`). */
  #upstreamFailed: number[] = [];
  #attempt: number[] = [];
  readonly #result: unknown[] = [];
  /** The error of the node's latest failed attempt, until an attempt succeeds. */
  readonly #error: (Error | undefined)[] = [];
  /** When the node's first attempt started, -1 before. */
  #startedAt: number[] = [];
  /** When its current (or last) attempt started, -1 before the first. */
  #attemptStartedAt: number[] = [];
  #finishedAt: number[] = [];
  /** The due time of the node's last retry, -1 before any; current only while it is `retrying`. */
  #retryAt: number[] = [];
  #depth: number[] = [];
  #key: number[] = [];
  #terminalOrder: number[] = [];
  /** Failed attempts by node id, oldest first; only nodes that failed have an entry. */
  readonly #failedAttempts = new Map<number, FailedAttempt[]>();
  readonly #modifications: ModificationRecord[] = [];
  #counts: Record<NodeState, number> = {
    pending: 0,
    ready: 0,
    running: 0,
    waiting: 0,
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
  #applying = false;
  readonly #deferred: RunEvent[] = [];
  /** Nodes whose trigger rule must be evaluated; drained iteratively (no deep recursion). */
  readonly #work = new WorkList();
  /** Scratch of `#evaluate`: the edge counts of the node being decided. */
  readonly #edgeCounts: { -readonly [K in keyof EdgeCounts]: EdgeCounts[K] } = {
    total: 0,
    succeeded: 0,
    failed: 0,
    skipped: 0,
    upstreamFailed: 0,
  };
  /**
   * True while `#key` and `#depth` are the per-DAG initial state's own arrays (shared with other
   * runs): the first modification copies them before writing.
   */
  #sharedLevels = false;
  /** Scratch of modifications: a node is affected once per stamp. */
  #seen = new Int32Array(0);
  #stamp = 0;

  constructor(
    graph: EngineGraph,
    options: EngineOptions = {},
    observer: EngineObserver = {},
    /** @internal Use {@link RunEngine.restore}. */
    from?: EngineSnapshot,
  ) {
    this.graph = graph;
    this.#policy = {
      limits: { ...DEFAULT_LIMITS, ...options.limits },
      requireSerializable: options.requireSerializable === true,
      registry: options.registry,
    };
    this.#failFast = options.failFast === true;
    this.#waitReason = options.waitReason;
    this.observe(observer);
    if (from !== undefined) {
      this.#load(from);
      return;
    }
    // A graph still equal to its DAG's shared base starts from the state every run of that DAG
    // starts from, computed once: no per-node work here. Not with observers: they must see the
    // roots' transitions happen.
    const base =
      observer.onEvent === undefined &&
      observer.onTransition === undefined &&
      observer.onModification === undefined &&
      observer.onStopped === undefined
        ? graph.pristineBase
        : undefined;
    const initial = base === undefined ? undefined : initialStateOf(base);
    if (initial !== undefined) {
      this.#adopt(initial);
      return;
    }
    const ids = [...graph.ids()];
    for (const id of ids) this.#initNode(id, 0);
    computeBottomLevels(graph, ids, this.#key);
    for (const id of ids) this.#work.push(id);
    this.#drain();
    this.#work.release();
    if (base !== undefined)
      rememberInitialState(base, this.#columns(), this.#scalars(), this.#queue);
  }

  /** Start from a per-DAG initial state: O(V) copies of its columns, no per-node logic. */
  #adopt(initial: InitialState): void {
    const c = initial.columns;
    this.#state = c.state.slice();
    this.#succeeded = c.succeeded.slice();
    this.#failed = c.failed.slice();
    this.#skipped = c.skipped.slice();
    this.#upstreamFailed = c.upstreamFailed.slice();
    this.#attempt = c.attempt.slice();
    this.#startedAt = c.startedAt.slice();
    this.#attemptStartedAt = c.attemptStartedAt.slice();
    this.#finishedAt = c.finishedAt.slice();
    this.#retryAt = c.retryAt.slice();
    this.#terminalOrder = c.terminalOrder.slice();
    this.#counts = { ...c.counts };
    // Read-only on the hot path; copied on the first modification (#sharedLevels).
    this.#key = c.key;
    this.#depth = c.depth;
    this.#sharedLevels = true;
    this.#open = initial.scalars.open;
    this.#criticalFailures = initial.scalars.criticalFailures;
    this.#otherFailures = initial.scalars.otherFailures;
    this.#queue = ReadyQueue.fromState(initial.queue);
  }

  #scalars(): EngineScalars {
    return {
      open: this.#open,
      criticalFailures: this.#criticalFailures,
      otherFailures: this.#otherFailures,
      cancelReason: this.#cancelReason,
      now: this.#now,
    };
  }

  /**
   * The whole state as plain data (results and errors as they are; encode it with a codec).
   * O(V + E). {@link RunEngine.restore} turns it back into an engine that behaves exactly as
   * this one would from here on: same ids, same adjacency order, same ready-queue order.
   *
   * @example
   * ```ts
   * store.putSnapshot(runId, codec.encode(engine.snapshot()));
   * ```
   */
  snapshot(): EngineSnapshot {
    return exportSnapshot(
      this.graph,
      this.#columns(),
      this.#scalars(),
      this.#queue.exportState((id) => this.#state[id] === 'ready' && this.graph.isLive(id)),
    );
  }

  /**
   * An engine from a {@link RunEngine.snapshot}. Edge conditions are code and are not in a
   * snapshot: `condition(from, to)` gives them back (from the definition). Reads the current
   * version (2) and version 1 (a node `retrying` in it is due at the snapshot's last event).
   *
   * @example
   * ```ts
   * const copy = RunEngine.restore(engine.snapshot(), options, () => undefined);
   * ```
   */
  static restore(
    snapshot: EngineSnapshot | EngineSnapshotV1,
    options: EngineOptions,
    condition: (from: string, to: string) => EdgeSpec['condition'],
  ): RunEngine {
    const opened = openSnapshot(snapshot, condition);
    return new RunEngine(opened.graph, options, {}, opened.snapshot);
  }

  /** The per-node columns by reference, for engine-snapshot.ts; the object is not kept. */
  #columns(): EngineColumns {
    return {
      state: this.#state,
      succeeded: this.#succeeded,
      failed: this.#failed,
      skipped: this.#skipped,
      upstreamFailed: this.#upstreamFailed,
      attempt: this.#attempt,
      result: this.#result,
      error: this.#error,
      startedAt: this.#startedAt,
      attemptStartedAt: this.#attemptStartedAt,
      finishedAt: this.#finishedAt,
      retryAt: this.#retryAt,
      depth: this.#depth,
      key: this.#key,
      terminalOrder: this.#terminalOrder,
      failedAttempts: this.#failedAttempts,
      modifications: this.#modifications,
      counts: this.#counts,
    };
  }

  #load(s: EngineSnapshot): void {
    const scalars = importColumns(s, this.#columns());
    this.#open = scalars.open;
    this.#criticalFailures = scalars.criticalFailures;
    this.#otherFailures = scalars.otherFailures;
    this.#cancelReason = scalars.cancelReason;
    this.#now = scalars.now;
    this.#queue = ReadyQueue.fromState(s.queue);
  }

  /** Replace the observer (the executor attaches one after a journal replay). */
  observe(observer: EngineObserver): void {
    this.#onEvent = observer.onEvent?.bind(observer);
    this.#onTransition = observer.onTransition?.bind(observer);
    this.#onModification = observer.onModification?.bind(observer);
    this.#onStopped = observer.onStopped?.bind(observer);
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
  /**
   * The error of the node's latest failed attempt; undefined once an attempt succeeds (earlier
   * failures stay in {@link failedAttemptsOf}).
   */
  errorOf(id: number): Error | undefined {
    return this.#error[id];
  }
  /** When the node's first attempt started. */
  startedAt(id: number): number | undefined {
    return this.#startedAt[id]! < 0 ? undefined : this.#startedAt[id];
  }
  /**
   * When the node's current (or, once it is terminal, last) attempt started. Its own duration
   * runs from here: time spent waiting for a retry or in a crashed process is not in it.
   *
   * @example
   * ```ts
   * const ownMs = engine.finishedAt(id)! - engine.attemptStartedAt(id)!;
   * ```
   */
  attemptStartedAt(id: number): number | undefined {
    return this.#attemptStartedAt[id]! < 0 ? undefined : this.#attemptStartedAt[id];
  }
  /**
   * The node's failed attempts, oldest first, each with its own times, error and timeout flag.
   * Empty for a node that never failed.
   *
   * @example
   * ```ts
   * engine.failedAttemptsOf(id).map((f) => `attempt ${f.attempt}: ${f.error.message}`);
   * ```
   */
  failedAttemptsOf(id: number): readonly FailedAttempt[] {
    return this.#failedAttempts.get(id) ?? NO_FAILED_ATTEMPTS;
  }
  finishedAt(id: number): number | undefined {
    return this.#finishedAt[id]! < 0 ? undefined : this.#finishedAt[id];
  }
  /**
   * When a `retrying` node is due again: the `retryAt` of the failure that put it there. It is
   * part of the state (snapshots keep it), so a resumed run honours it. Undefined in any other
   * state.
   *
   * @example
   * ```ts
   * const due = engine.retryAtOf(id);
   * if (due !== undefined) setTimeout(() => engine.apply({ type: 'task_retry_due', node, at: due }), due - now);
   * ```
   */
  retryAtOf(id: number): number | undefined {
    return this.#state[id] === 'retrying' ? this.#retryAt[id] : undefined;
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
      if (this.#waitReason !== undefined) {
        const reason = this.#waitReason(this.graph.data(id));
        if (reason !== undefined) {
          this.apply({ type: 'node_waiting', node: this.graph.nameOf(id), at, reason });
          return id;
        }
      }
      const onEvent = this.#onEvent;
      if (this.#applying) {
        this.apply({ type: 'task_started', node: this.graph.nameOf(id), attempt, at }); // deferred
      } else if (onEvent === undefined) {
        this.#now = at;
        this.#start(id, attempt, at, true);
      } else {
        // `apply` of the event, by id: the same steps in the same order, without a name lookup.
        this.#applying = true;
        try {
          this.#now = at;
          this.#start(id, attempt, at, true);
          this.#drain();
          onEvent({ type: 'task_started', node: this.graph.nameOf(id), attempt, at });
          if (this.#deferred.length > 0) this.#applyDeferred();
        } finally {
          this.#applying = false;
          if (this.#deferred.length > 0) this.#deferred.length = 0;
        }
      }
      return id;
    }
  }

  /**
   * {@link apply} of a `task_succeeded` without a modification, by node id: the hot path. No
   * name is looked up, and without an `onEvent` observer no event object is built. Same checks,
   * same effects, same order of observer calls, same `INVALID_TRANSITION` as the event.
   *
   * @example
   * ```ts
   * const id = engine.startNextId(now);
   * if (id >= 0) engine.succeedId(id, engine.attemptOf(id), now, 42);
   * ```
   */
  succeedId(id: number, attempt: number, at: number, result: unknown): void {
    if (this.#applying) {
      this.#apply({ type: 'task_succeeded', node: this.graph.nameOf(id), attempt, at, result });
      return;
    }
    this.#applying = true;
    try {
      this.#now = at;
      this.#expectAttempt(id, attempt, 'running');
      this.#result[id] = result;
      if (this.#error[id] !== undefined) this.#error[id] = undefined;
      // Running (checked above) to succeeded: a move the table allows, so no second check.
      this.#set(id, 'running', 'succeeded');
      this.#settled(id, 'succeeded');
      this.#drain();
      // The observer sees the event after its effects, as `apply` does; no name is looked up.
      const onEvent = this.#onEvent;
      if (onEvent !== undefined)
        onEvent({ type: 'task_succeeded', node: this.graph.nameOf(id), attempt, at, result });
      if (this.#deferred.length > 0) this.#applyDeferred();
    } finally {
      this.#applying = false;
      if (this.#deferred.length > 0) this.#deferred.length = 0;
    }
  }

  /** `ready`: the caller saw the node `ready` just now, a move the table allows (no check). */
  #start(id: number, attempt: number, at: number, ready = false): void {
    this.#attempt[id] = attempt;
    if (this.#startedAt[id]! < 0) this.#startedAt[id] = at;
    this.#attemptStartedAt[id] = at;
    if (ready) this.#set(id, 'ready', 'running');
    else this.#transition(id, 'running');
  }

  /** Note a failed attempt in the node's history; the list is made on the node's first failure. */
  #attemptFailed(id: number, at: number, error: Error, timedOut: boolean): void {
    this.#error[id] = error;
    const failure: FailedAttempt = {
      attempt: this.#attempt[id]!,
      startedAt: this.#attemptStartedAt[id]!,
      finishedAt: at,
      error,
      timedOut,
    };
    const list = this.#failedAttempts.get(id);
    if (list === undefined) this.#failedAttempts.set(id, [failure]);
    else list.push(failure);
  }

  /**
   * Apply one input event. Invalid events (a success for a node that is not running, a stale
   * attempt) throw `INVALID_TRANSITION` and change nothing.
   */
  apply(event: RunEvent): void {
    this.#apply(event);
  }

  /**
   * {@link apply}, returning the rejection of the event's own modification (`graph_modified`),
   * or undefined when it has none or it was applied.
   */
  #apply(event: RunEvent): TributaryError | undefined {
    // Observers may cause events (a hook that cancels the run): those wait until the current
    // event is fully applied and observed, so the journal records causes before effects.
    if (this.#applying) {
      this.#deferred.push(event);
      return undefined;
    }
    this.#applying = true;
    try {
      const rejection = this.#applyOne(event);
      if (this.#deferred.length > 0) this.#applyDeferred();
      return rejection;
    } finally {
      this.#applying = false;
      if (this.#deferred.length > 0) this.#deferred.length = 0;
    }
  }

  /** Apply the events observers raised meanwhile, in order (more may be raised meanwhile). */
  #applyDeferred(): void {
    for (let next = this.#deferred.shift(); next !== undefined; next = this.#deferred.shift())
      this.#applyOne(next);
  }

  #applyOne(event: RunEvent): TributaryError | undefined {
    let ownRejection: TributaryError | undefined;
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
          // The error of an earlier attempt is history now (failedAttemptsOf), not the outcome.
          if (this.#error[id] !== undefined) this.#error[id] = undefined;
          this.#finish(id, 'succeeded');
        } else {
          this.#attemptFailed(
            id,
            event.at,
            new TributaryError(
              'MODIFICATION_REJECTED',
              `The expander of "${event.node}" returned a modification that was rejected: ${rejection.message}`,
              { context: { node: event.node, reason: rejection.code }, cause: rejection },
            ),
            false,
          );
          this.#result[id] = event.result;
          this.#finish(id, 'failed');
        }
        break;
      }
      case 'task_failed': {
        const id = this.#require(event.node);
        this.#expectAttempt(id, event.attempt, 'running');
        this.#attemptFailed(id, event.at, event.error, event.timedOut === true);
        const to = eventNodeState(event);
        if (to === 'retrying') {
          this.#retryAt[id] = event.retryAt!;
          this.#transition(id, to);
        } else this.#finish(id, to);
        break;
      }
      case 'task_retry_due': {
        const id = this.#require(event.node);
        this.#expectAttempt(id, this.#attempt[id]!, 'retrying');
        this.#transition(id, eventNodeState(event));
        this.#queue.push(id, this.#key[id]!);
        break;
      }
      case 'task_interrupted': {
        const id = this.#require(event.node);
        this.#expectAttempt(id, event.attempt, 'running');
        this.#transition(id, eventNodeState(event));
        this.#queue.push(id, this.#key[id]!);
        break;
      }
      case 'graph_modified':
        ownRejection = this.#modify(
          event.modification,
          event.actor,
          event.origin === undefined ? 0 : this.#depth[this.#require(event.origin)]! + 1,
        );
        break;
      case 'run_cancelled':
        this.#cancel(event.reason);
        break;
      case 'node_waiting': {
        const id = this.#require(event.node);
        this.#expectAttempt(id, this.#attempt[id]!, 'ready');
        this.#attempt[id]!++;
        if (this.#startedAt[id]! < 0) this.#startedAt[id] = event.at;
        this.#attemptStartedAt[id] = event.at;
        this.#transition(id, 'waiting');
        break;
      }
      case 'wait_ended': {
        const id = this.#require(event.node);
        this.#expectAttempt(id, this.#attempt[id]!, 'waiting');
        if (event.outcome === 'succeeded') this.#result[id] = event.result;
        else if (event.error !== undefined) this.#attemptFailed(id, event.at, event.error, false);
        this.#finish(id, event.outcome);
        break;
      }
      case 'nodes_cleared':
        this.#clear(event.nodes);
        break;
      case 'node_marked':
        this.#mark(event.node, event.state, event.result, event.actor, event.reason);
        break;
    }
    this.#drain();
    this.#onEvent?.(event);
    return ownRejection;
  }

  /**
   * Apply a modification from outside the engine's own flow (an API user, the CLI, a task
   * through its context: then `origin` names its node, for the expansion depth). Throws the
   * validation error when it is rejected; the rejection is in the audit trail either way.
   */
  modify(
    modification: DynamicModification,
    actor: string,
    at: number,
    origin?: string,
  ): ModificationRecord {
    if (this.#applying) {
      throw new TributaryError(
        'INVALID_ARGUMENT',
        'modify() cannot be called from an engine observer; use an expander',
      );
    }
    // This event is applied first (events its observers raise come after): its record is next.
    const seq = this.#modifications.length;
    const rejection = this.#apply({
      type: 'graph_modified',
      at,
      actor,
      modification,
      ...(origin === undefined ? {} : { origin }),
    });
    if (rejection !== undefined) {
      throw new TributaryError(rejection.code, rejection.message, {
        context: { ...rejection.context, actor },
        cause: rejection,
      });
    }
    return this.#modifications[seq]!;
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
    this.#upstreamFailed[id] = 0;
    this.#attempt[id] = 0;
    this.#startedAt[id] = -1;
    this.#attemptStartedAt[id] = -1;
    this.#finishedAt[id] = -1;
    this.#retryAt[id] = -1;
    this.#depth[id] = depth;
    this.#key[id] = 0;
    this.#counts.pending++;
    this.#open++;
  }

  /**
   * {@link #initNode} for the nodes a batch added. When they are many and take the next ids in
   * a row (a batch's new nodes always do), each column grows once to its final length and is
   * filled by index: one allocation per column instead of a growth step every ~1.5x. O(k).
   */
  #initNodes(ids: readonly number[], depth: number): void {
    const k = ids.length;
    const first = k === 0 ? 0 : ids[0]!;
    if (k < 256 || first !== this.#state.length || ids[k - 1] !== first + k - 1) {
      for (let i = 0; i < k; i++) this.#initNode(ids[i]!, depth);
      return;
    }
    const end = first + k;
    const fill = <T>(column: T[], value: T): void => {
      column.length = end;
      column.fill(value, first, end);
    };
    fill(this.#state, 'pending');
    fill(this.#succeeded, 0);
    fill(this.#failed, 0);
    fill(this.#skipped, 0);
    fill(this.#upstreamFailed, 0);
    fill(this.#attempt, 0);
    fill(this.#startedAt, -1);
    fill(this.#attemptStartedAt, -1);
    fill(this.#finishedAt, -1);
    fill(this.#retryAt, -1);
    fill(this.#depth, depth);
    fill(this.#key, 0);
    this.#counts.pending += k;
    this.#open += k;
  }

  #transition(id: number, to: NodeState): void {
    const from = this.#state[id]!;
    assertTransition(from, to, this.graph.nameOf(id));
    this.#set(id, from, to);
  }

  /** Change a node's state without the table's check: the table's own moves, and clears and marks. */
  #set(id: number, from: NodeState, to: NodeState): void {
    this.#state[id] = to;
    this.#counts[from]--;
    this.#counts[to]++;
    this.#onTransition?.(id, from, to);
  }

  /** Move a node to a terminal state and account its outcome on every child edge. */
  #finish(id: number, to: NodeState): void {
    this.#transition(id, to);
    this.#settled(id, to);
  }

  /** The bookkeeping of a node that just reached the terminal state `to`. */
  #settled(id: number, to: NodeState): void {
    this.#finishedAt[id] = this.#now;
    this.#terminalOrder.push(id);
    this.#open--;
    const failed = to === 'failed' || to === 'timed_out';
    let stopAll = false;
    // The spec is read only for failures: successes, the hot path, never look at it.
    if (failed || to === 'upstream_failed') {
      if (isCritical(this.graph.data(id))) {
        this.#criticalFailures++;
        stopAll = failed && this.#failFast && this.#cancelReason === undefined;
      } else this.#otherFailures++;
    }
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
        condition === undefined ? 'succeeded' : edgeOutcome(condition, this.#result[parent]);
      if (outcome === 'succeeded') this.#succeeded[child]! += sign;
      else if (outcome === 'skipped') this.#skipped[child]! += sign;
      else this.#failed[child]! += sign;
    } else if (state === 'skipped') this.#skipped[child]! += sign;
    else if (isTerminal(state)) {
      this.#failed[child]! += sign;
      if (state === 'upstream_failed' || state === 'cancelled')
        this.#upstreamFailed[child]! += sign;
    }
  }

  /** Evaluate queued trigger rules until nothing changes. */
  #drain(): void {
    const work = this.#work;
    if (work.length === 0) return;
    this.#evaluate(work);
    work.clear();
  }

  /**
   * The loop of {@link #drain}, in a method of its own: with the loop followed by more code, V8
   * optimized the method on the stack mid-loop and deoptimized it at the loop's exit, run after
   * run.
   */
  #evaluate(work: WorkList): void {
    // FIFO, so nodes freed by one event become ready in edge order.
    for (let i = 0; i < work.length; i++) {
      const id = work.at(i);
      const state = this.#state[id]!;
      if (!isOpen(state) || !this.graph.isLive(id)) continue;
      // One counts record per engine, refilled per node: `decide` only reads it (no object per
      // evaluation, which V8 does not always avoid on its own).
      const counts = this.#edgeCounts;
      counts.total = this.graph.predecessorIds(id).length;
      counts.succeeded = this.#succeeded[id]!;
      counts.failed = this.#failed[id]!;
      counts.skipped = this.#skipped[id]!;
      counts.upstreamFailed = this.#upstreamFailed[id]!;
      const decision = decide(triggerRuleOf(this.graph.data(id)), counts);
      if (decision === 'ready') {
        if (state === 'pending') {
          // Pending (read above, unchanged since) to ready: allowed by the table, not checked.
          this.#set(id, 'pending', 'ready');
          this.#queue.push(id, this.#key[id]!);
        }
      } else if (decision === 'wait') {
        if (state === 'ready') this.#transition(id, 'pending');
      } else {
        this.#finish(id, decision);
      }
    }
  }

  /**
   * Stop the run: every node not yet terminal ends `cancelled`, or `timed_out` when it was
   * running and the run timed out. Fail-fast spares cleanup nodes: they stay as they are and
   * run once their parents are done (the parents it cancels count as done for `all_done`). A
   * later cancellation or run timeout ends those too; the first reason stays the run's.
   */
  #cancel(reason: CancelReason): void {
    if (this.#open === 0) return;
    if (this.#cancelReason !== undefined) {
      // Already stopped; only the cleanup nodes fail-fast spared can still be open.
      if (this.#cancelReason !== 'fail_fast' || reason === 'fail_fast') return;
    } else this.#cancelReason = reason;
    const spareCleanup = reason === 'fail_fast';
    for (const id of this.graph.ids()) {
      const state = this.#state[id]!;
      if (isTerminal(state)) continue;
      if (spareCleanup && this.graph.data(id).cleanup === true) continue;
      const to = reason === 'timeout' && state === 'running' ? 'timed_out' : 'cancelled';
      this.#finish(id, to);
      if (state === 'running' || state === 'waiting') this.#onStopped?.(id, to);
    }
    // Spared cleanup nodes must see their cancelled parents: keep their pending evaluations.
    if (!spareCleanup) this.#work.clear();
  }

  /** Validate and apply a modification; returns the rejection error, or undefined when applied. */
  #modify(mod: DynamicModification, actor: string, depth: number): TributaryError | undefined {
    let diff: ModificationDiff = {
      addedNodes: [],
      removedNodes: [],
      addedEdges: [],
      removedEdges: [],
    };
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
      checkModificationShape(mod, { durable: this.#policy.requireSerializable });
      diff = describeModification(mod);
      checkAgainstRun(this, mod, diff, depth, this.#policy);
      try {
        this.#applyValidated(mod, depth);
      } catch (rejected) {
        // The batch changed nothing; a duplicate name is the reason to report, if there is one.
        checkNewNames(this, diff);
        throw rejected;
      }
    } catch (caught) {
      const error =
        caught instanceof TributaryError
          ? caught
          : new TributaryError('MODIFICATION_REJECTED', toError(caught).message, { cause: caught });
      this.#record(actor, mod, diff, error);
      return error;
    }
    this.#record(actor, mod, diff, undefined);
    return undefined;
  }

  #record(
    actor: string,
    mod: DynamicModification,
    diff: ModificationDiff,
    error?: TributaryError,
  ): void {
    const record = recordOf(this.#modifications.length + 1, this.#now, actor, mod, diff, error);
    this.#modifications.push(record);
    this.#onModification?.(record);
  }

  #applyValidated(mod: DynamicModification, depth: number): void {
    if (this.#sharedLevels) {
      this.#sharedLevels = false;
      this.#key = this.#key.slice();
      this.#depth = this.#depth.slice();
    }
    // Children of removed nodes lose a parent: collect them before the batch removes the edges.
    const touched: number[] = [];
    for (const name of mod.removeNodes ?? []) {
      for (const child of this.graph.successorIds(this.#require(name))) touched.push(child);
    }
    const result = this.graph.applyBatch(batchOf(mod));
    // Applied: nothing below can fail.
    for (const id of result.removedNodes) {
      this.#counts[this.#state[id]!]--;
      this.#open--;
    }
    this.#initNodes(result.addedNodes, depth);
    // Each affected node is recounted once, O(its in-degree), in the order it was first touched:
    // children of removed nodes, targets of added then of removed edges, then the new nodes.
    const seen = this.#stamps(this.graph.idLimit);
    const stamp = ++this.#stamp;
    const affect = (id: number): void => {
      if (seen[id] === stamp) return;
      seen[id] = stamp;
      if (this.graph.isLive(id) && isOpen(this.#state[id]!)) {
        this.#recount(id);
        this.#work.push(id);
      }
    };
    for (const id of touched) affect(id);
    const edges = result.addedEdgeIds;
    for (let i = 1; i < edges.length; i += 2) affect(edges[i]!);
    for (const [, v] of result.removedEdges) affect(v);
    const addedNodes = result.addedNodes;
    for (let i = 0; i < addedNodes.length; i++) affect(addedNodes[i]!);
    extendBottomLevels(this.graph, result.addedNodes, this.#key, this.#state);
  }

  /** The visit stamps of {@link #applyValidated}, at least `size` long. */
  #stamps(size: number): Int32Array {
    if (this.#seen.length < size) {
      this.#seen = new Int32Array(Math.max(64, size * 2));
      this.#stamp = 0;
    }
    return this.#seen;
  }

  /** Recompute a node's edge counts from its parents: O(in-degree), used after modifications. */
  #recount(id: number): void {
    this.#succeeded[id] = 0;
    this.#failed[id] = 0;
    this.#skipped[id] = 0;
    this.#upstreamFailed[id] = 0;
    for (const parent of this.graph.predecessorIds(id)) this.#count(parent, id, 1);
  }

  /**
   * A clear (`nodes_cleared`). Checks everything before it changes anything: an unknown node is
   * `UNKNOWN_NODE`, a running or retrying one `NODE_ACTIVE`, a node whose run changed the graph
   * `NOT_CLEARABLE` (running it again would apply its change twice), and a list with no finished
   * node `NOT_CLEARABLE`. Open nodes in the list are left as they are. O(cleared + their edges
   * + terminal order), plus O(modifications) to find the nodes that changed the graph.
   */
  #clear(names: readonly string[]): void {
    const changedGraph = this.#nodesThatModified();
    const ids: number[] = [];
    for (const name of names) {
      const id = this.#require(name);
      const state = this.#state[id]!;
      if (state === 'running' || state === 'retrying' || state === 'waiting')
        throw nodeActive(name, state);
      if (changedGraph.has(name)) {
        throw new TributaryError(
          'NOT_CLEARABLE',
          `Node "${name}" changed the graph when it ran: running it again would apply its change twice; clear the nodes it added instead, or start a new run`,
          { context: { node: name } },
        );
      }
      if (!isTerminal(state)) continue;
      this.#checkChildrenIdle(id);
      ids.push(id);
    }
    if (ids.length === 0) {
      throw new TributaryError(
        'NOT_CLEARABLE',
        `Nothing to clear: none of ${names.length === 0 ? 'the (empty) list' : names.map((n) => `"${n}"`).join(', ')} has finished`,
        { context: { received: names } },
      );
    }
    this.#reopen(ids);
    // The run's stop (cancel, deadline, fail-fast) is over once nothing it cancelled stays so.
    if (this.#cancelReason !== undefined && this.#counts.cancelled === 0)
      this.#cancelReason = undefined;
  }

  /**
   * A finished node's outcome may change by hand only while no child acts on it: a running or
   * retrying child would otherwise have started on an outcome that no longer holds.
   */
  #checkChildrenIdle(id: number): void {
    for (const child of this.graph.successorIds(id)) {
      const state = this.#state[child]!;
      if (state !== 'running' && state !== 'retrying' && state !== 'waiting') continue;
      const name = this.graph.nameOf(id);
      const childName = this.graph.nameOf(child);
      throw new TributaryError(
        'NODE_ACTIVE',
        `Node "${name}" cannot be cleared or marked while its child "${childName}" is ${state}: the child started on its outcome`,
        { context: { node: name, child: childName, state } },
      );
    }
  }

  /** Names of the nodes whose task or expander applied a modification (`node:` / `task:` actors). */
  #nodesThatModified(): Set<string> {
    const names = new Set<string>();
    for (const record of this.#modifications) {
      if (record.outcome !== 'applied') continue;
      const actor = record.actor;
      if (actor.startsWith('node:')) names.add(actor.slice(5));
      else if (actor.startsWith('task:')) names.add(actor.slice(5));
    }
    return names;
  }

  /**
   * A mark (`node_marked`): the node takes `to` as if it had run to it. A finished node is
   * reopened first with what its outcome settled below it, unless the run was stopped (then
   * nothing below is decided again: a clear lifts a stop, a mark does not).
   */
  #mark(name: string, to: MarkState, result: unknown, actor: string, reason?: string): void {
    const id = this.#require(name);
    const from = this.#state[id]!;
    if (from === 'running' || from === 'retrying') throw nodeActive(name, from);
    if (to !== 'succeeded' && to !== 'failed' && to !== 'skipped') {
      throw new TributaryError(
        'INVALID_ARGUMENT',
        `A node can be marked succeeded, failed or skipped, got \`${String(to)}\``,
        { context: { node: name, received: to } },
      );
    }
    if (isTerminal(from)) this.#checkChildrenIdle(id);
    // Observers see the mark as one change, `from → to`: the node's own reopening is quiet.
    if (isTerminal(from))
      this.#reopen(this.#cancelReason === undefined ? this.#settledBelow(id) : [id], id);
    this.#result[id] = to === 'succeeded' ? result : undefined;
    this.#error[id] =
      to === 'failed'
        ? new TributaryError(
            'MARKED_FAILED',
            `Marked failed by ${actor}${reason === undefined ? '' : `: ${reason}`}`,
            { context: { node: name } },
          )
        : undefined;
    const current = this.#state[id]!;
    this.#state[id] = to;
    this.#counts[current]--;
    this.#counts[to]++;
    this.#onTransition?.(id, from, to);
    this.#settled(id, to);
  }

  /**
   * `id` and the nodes below it that outcomes settled without running them (`upstream_failed`,
   * or `skipped` before any attempt), through chains of such nodes. O(those nodes' edges).
   */
  #settledBelow(id: number): number[] {
    const out = [id];
    const seen = this.#stamps(this.graph.idLimit);
    const stamp = ++this.#stamp;
    seen[id] = stamp;
    for (let i = 0; i < out.length; i++) {
      for (const child of this.graph.successorIds(out[i]!)) {
        if (seen[child] === stamp) continue;
        seen[child] = stamp;
        const state = this.#state[child]!;
        if (state === 'upstream_failed' || (state === 'skipped' && this.#attempt[child] === 0))
          out.push(child);
      }
    }
    return out;
  }

  /**
   * Put finished nodes back to `pending`, as if they had never finished (their attempts, failed
   * attempts and first start time stay: history), then recount them and their open children
   * and queue them for evaluation. Observers are not told of `quiet`'s reopening (a mark reports
   * its node's change itself). O(nodes + their edges + terminal order).
   */
  #reopen(ids: readonly number[], quiet = -1): void {
    const seen = this.#stamps(this.graph.idLimit);
    const stamp = ++this.#stamp;
    for (const id of ids) {
      if (seen[id] === stamp) continue;
      seen[id] = stamp;
      const from = this.#state[id]!;
      if (from === 'failed' || from === 'timed_out' || from === 'upstream_failed') {
        if (isCritical(this.graph.data(id))) this.#criticalFailures--;
        else this.#otherFailures--;
      }
      this.#result[id] = undefined;
      this.#error[id] = undefined;
      this.#finishedAt[id] = -1;
      this.#retryAt[id] = -1;
      this.#open++;
      if (id === quiet) {
        this.#state[id] = 'pending';
        this.#counts[from]--;
        this.#counts.pending++;
      } else this.#set(id, from, 'pending');
    }
    this.#terminalOrder = this.#terminalOrder.filter((id) => seen[id] !== stamp);
    for (const id of ids) {
      this.#recount(id);
      this.#work.push(id);
      for (const child of this.graph.successorIds(id)) {
        if (seen[child] === stamp || !isOpen(this.#state[child]!)) continue;
        this.#recount(child);
        this.#work.push(child);
      }
    }
  }
}

// A run's engine dies with the run: keep one so its hidden class outlives it (see
// graph/hidden-classes.ts), taken through a start and a success like a run's, so that its
// fields hold the same kinds of values (a time is a double, not a small integer).
keepHiddenClass(anchorEngine());

function anchorEngine(): RunEngine {
  const graph = new RunGraph<NodeSpec, EdgeSpec>();
  graph.addNode('anchor', { name: 'anchor' });
  const engine = new RunEngine(graph);
  const at = 0.5;
  engine.succeedId(engine.startNextId(at), 1, at, null);
  return engine;
}

function nodeActive(node: string, state: NodeState): TributaryError {
  return new TributaryError(
    'NODE_ACTIVE',
    `Node "${node}" is ${state}: it can be cleared or marked once its attempt has ended`,
    { context: { node, state } },
  );
}
