import { TributaryError } from '../errors/index.js';
import { cycleError, unknownNode } from './core.js';
import type { DAG } from './dag.js';
import { RunGraphBase } from './run-graph-base.js';
import { checkName } from './builder.js';
import { keepHiddenClass } from './hidden-classes.js';

/** An edge to add in a {@link RunGraph} batch. */
export interface RunGraphEdge<E> {
  readonly from: string;
  readonly to: string;
  readonly data?: E;
}

/** A node to add in a {@link RunGraph} batch, with edges from `parents` and to `children`. */
export interface RunGraphNode<N> {
  readonly name: string;
  readonly data: N;
  /** Edges `parent -> name`, without data; added after every node of the batch. */
  readonly parents?: readonly string[] | undefined;
  /** Edges `name -> child`, without data; added after this node's `parents`. */
  readonly children?: readonly string[] | undefined;
}

/**
 * An all-or-nothing change to a {@link RunGraph}: removals first, then the nodes, then each
 * node's `parents` and `children` edges in node order, then `addEdges`.
 */
export interface RunGraphBatch<N, E> {
  readonly removeEdges?: readonly (readonly [from: string, to: string])[];
  readonly removeNodes?: readonly string[];
  readonly addNodes?: readonly RunGraphNode<N>[];
  readonly addEdges?: readonly RunGraphEdge<E>[];
}

/**
 * What a successful batch changed, by id (ids of removed nodes are never reused). `addedEdges`
 * is built when first read.
 */
export interface RunGraphBatchResult {
  readonly addedNodes: readonly number[];
  readonly removedNodes: readonly number[];
  readonly addedEdges: readonly (readonly [number, number])[];
  /** The added edges as flat `u, v` pairs, in the order they were added. */
  readonly addedEdgeIds: readonly number[];
  readonly removedEdges: readonly (readonly [number, number])[];
}

const NONE: readonly number[] = Object.freeze([]);
/** Batches adding at least this many nodes grow the per-node arrays once (see `#addNodes`). */
const BULK = 256;
const NO_IDS: ReadonlyMap<string, number> = new Map();

/**
 * A run graph as plain data (see {@link RunGraph.exportState}): arrays by id, removed ids
 * included, so restoring it gives the same ids, adjacency order and topological order.
 */
export interface RunGraphState<N, E> {
  readonly names: readonly (string | null)[];
  readonly live: readonly boolean[];
  readonly data: readonly (N | null)[];
  readonly out: readonly (readonly number[] | null)[];
  readonly in: readonly (readonly number[] | null)[];
  /** Edge data as [from, to, data] triples. */
  readonly edgeData: readonly (readonly [number, number, E])[];
  readonly ord: readonly number[];
  readonly nextOrd: number;
}

/** The undo record of a batch in progress. */
interface Undo<N, E> {
  /** Pairs (id, previous order). */
  readonly ord: number[];
  /** First version of each touched adjacency list of a node that existed before the batch. */
  readonly adjacency: Map<number, [number[] | undefined, number[] | undefined]>;
  /** Previous data of each touched edge, in touch order. */
  readonly edgeData: [number, number, E | undefined][];
  /** Removed nodes: id, name, data. */
  readonly nodes: [number, string, N][];
  readonly edgeCount: number;
  readonly firstNewId: number;
}

/**
 * The mutable graph owned by one run. It keeps a topological order incrementally with the
 * Pearce–Kelly algorithm, so the graph is acyclic at every instant:
 * - an edge that agrees with the current order costs O(1);
 * - otherwise only the affected region (nodes whose order lies between the endpoints and
 *   that are reachable from them) is searched and re-ranked;
 * - a new node takes the next order slot, O(1).
 *
 * Node ids are dense and never reused, so per-node arrays kept elsewhere (the engine's states)
 * can be indexed by id. Each node carries data of type `N`, each edge optional data `E`.
 *
 * @example
 * ```ts
 * const g = new RunGraph<string>();
 * g.addNode('a', 'task-a');
 * g.addNode('b', 'task-b');
 * g.addEdge('a', 'b');
 * g.addEdge('b', 'a'); // throws CYCLE_DETECTED: b -> a -> b
 * ```
 */
export class RunGraph<N, E = undefined> {
  /** The shared per-DAG base this graph started from, if any (never written to). */
  readonly #base: RunGraphBase<N, E> | undefined;
  /** The base's name index; a base name resolves only while its node is live. */
  readonly #baseIds: ReadonlyMap<string, number>;
  /** Names outside the base index: nodes added to this graph (all of them without a base). */
  #ownIds = new Map<string, number>();
  /**
   * True while the per-node arrays below are the base's own (read only). The first change
   * copies them (O(V), once per run); adjacency lists and edge-data maps of base nodes are
   * copied one by one, when first changed.
   */
  #shared: boolean;
  #names: (string | undefined)[];
  /** By id: true while the node is in the graph (ids of removed nodes are never reused). */
  #live: boolean[];
  #data: (N | undefined)[];
  #out: (number[] | undefined)[];
  #in: (number[] | undefined)[];
  #edgeData: (Map<number, E> | undefined)[];
  /** Invariant: for every edge u -> v, #ord[u] < #ord[v]. Slots of removed nodes stay free. */
  #ord: number[];
  /** Scratch for Pearce–Kelly, sized on first use: visit stamps and search parents. */
  #mark = new Int32Array(0);
  #parent = new Int32Array(0);
  /** Scratch for Pearce–Kelly: the two region lists. */
  readonly #forward: number[] = [];
  readonly #backward: number[] = [];
  #stamp = 0;
  #nextOrd: number;
  #edgeCount: number;
  #nodeCount: number;
  /** Set during a batch: what to restore if the batch fails. */
  #undo: Undo<N, E> | undefined;

  constructor(base?: RunGraphBase<N, E>) {
    this.#base = base;
    this.#baseIds = base?.ids ?? NO_IDS;
    this.#shared = base !== undefined;
    // While shared these are the base's arrays, typed mutable but never written (see #own).
    this.#names = (base?.names ?? []) as string[];
    this.#live = (base?.live ?? []) as boolean[];
    this.#data = (base?.data ?? []) as N[];
    this.#out = (base?.out ?? []) as number[][];
    this.#in = (base?.in ?? []) as number[][];
    this.#edgeData = (base?.edgeData ?? []) as Map<number, E>[];
    this.#ord = (base?.ord ?? []) as number[];
    this.#nextOrd = base?.size ?? 0;
    this.#edgeCount = base?.edgeCount ?? 0;
    this.#nodeCount = base?.size ?? 0;
  }

  /**
   * A run graph of a validated DAG in O(V + E), without per-edge checks: the DAG is acyclic and
   * duplicate-free already. Ids are assigned in the DAG's topological order, which becomes the
   * maintained order, so no later edge between these nodes reorders anything. Runs of one DAG
   * should share a {@link RunGraphBase} and use {@link RunGraph.fromBase} instead: O(1).
   *
   * @example
   * ```ts
   * const g = RunGraph.fromDAG(dag, (name) => ({ name }), () => undefined);
   * ```
   */
  static fromDAG<N, E>(
    dag: DAG,
    node: (name: string, payload: unknown) => N,
    edge: (
      label: string | undefined,
      condition: ((result: unknown) => boolean) | undefined,
    ) => E | undefined,
  ): RunGraph<N, E> {
    return new RunGraph(RunGraphBase.of(dag, node, edge));
  }

  /**
   * A run graph that reads `base` in place, O(1): it copies the base's arrays only when it is
   * first changed, so runs that never modify their graph share everything.
   *
   * @example
   * ```ts
   * const base = RunGraphBase.of(dag, (name) => ({ name }), () => undefined);
   * const g = RunGraph.fromBase(base);
   * ```
   */
  static fromBase<N, E>(base: RunGraphBase<N, E>): RunGraph<N, E> {
    return new RunGraph(base);
  }

  /**
   * The base this graph still shares in full, or undefined once it has changed (or when it has
   * none): lets per-DAG memos (the engine's initial state) key on it.
   */
  get pristineBase(): RunGraphBase<N, E> | undefined {
    return this.#shared ? this.#base : undefined;
  }

  /** Take private copies of the per-node arrays before the first change. O(V), once. */
  #own(): void {
    if (!this.#shared) return;
    this.#shared = false;
    this.#names = this.#names.slice();
    this.#live = this.#live.slice();
    this.#data = this.#data.slice();
    this.#out = this.#out.slice();
    this.#in = this.#in.slice();
    this.#edgeData = this.#edgeData.slice();
    this.#ord = this.#ord.slice();
  }

  /** The children list of `u`, private to this graph (created or copied from the base). */
  #outList(u: number): number[] {
    const list = this.#out[u];
    if (list === undefined) return (this.#out[u] = []);
    return list === this.#base?.out[u] ? (this.#out[u] = list.slice()) : list;
  }

  #inList(v: number): number[] {
    const list = this.#in[v];
    if (list === undefined) return (this.#in[v] = []);
    return list === this.#base?.in[v] ? (this.#in[v] = list.slice()) : list;
  }

  /** The edge-data map of `u`, private to this graph (created or copied from the base). */
  #dataMap(u: number): Map<number, E> {
    const map = this.#edgeData[u];
    if (map === undefined) return (this.#edgeData[u] = new Map<number, E>());
    return map === this.#base?.edgeData[u] ? (this.#edgeData[u] = new Map(map)) : map;
  }

  /**
   * The whole graph as plain data, O(V + E): what a snapshot of a durable run stores. Edge data
   * goes through `edge` (return undefined to drop a datum that is code, like a condition).
   */
  exportState<X>(edge: (data: E) => X | undefined): RunGraphState<N, X> {
    const edgeData: [number, number, X][] = [];
    this.#edgeData.forEach((map, u) => {
      for (const [v, datum] of map ?? []) {
        const kept = edge(datum);
        if (kept !== undefined) edgeData.push([u, v, kept]);
      }
    });
    return {
      names: this.#names.map((n) => n ?? null),
      live: [...this.#live],
      data: this.#data.map((d) => (d === undefined ? null : d)),
      out: this.#out.map((list) => (list === undefined ? null : [...list])),
      in: this.#in.map((list) => (list === undefined ? null : [...list])),
      edgeData,
      ord: [...this.#ord],
      nextOrd: this.#nextOrd,
    };
  }

  /**
   * Rebuild a graph from {@link RunGraph.exportState} output; `edge` turns stored edge data
   * back into edge data (and may re-attach code, like conditions, from a definition).
   */
  static fromState<N, E, X>(
    state: RunGraphState<N, X>,
    edge: (from: string, to: string, data: X | undefined) => E | undefined,
  ): RunGraph<N, E> {
    const g = new RunGraph<N, E>();
    const stored = new Map<number, Map<number, X>>();
    for (const [u, v, datum] of state.edgeData) {
      let map = stored.get(u);
      if (map === undefined) stored.set(u, (map = new Map<number, X>()));
      map.set(v, datum);
    }
    let edges = 0;
    state.names.forEach((name, id) => {
      g.#names.push(name ?? undefined);
      g.#live.push(state.live[id] === true);
      if (state.live[id] === true) {
        g.#ownIds.set(name!, id);
        g.#nodeCount++;
      }
      const datum = state.data[id];
      g.#data.push(datum === null || datum === undefined ? undefined : datum);
      const out = state.out[id];
      g.#out.push(out === null || out === undefined ? undefined : [...out]);
      const inn = state.in[id];
      g.#in.push(inn === null || inn === undefined ? undefined : [...inn]);
      g.#edgeData.push(undefined);
      g.#ord.push(state.ord[id]!);
      edges += out?.length ?? 0;
    });
    state.out.forEach((out, u) => {
      for (const v of out ?? []) {
        const datum = edge(state.names[u]!, state.names[v]!, stored.get(u)?.get(v));
        if (datum !== undefined) g.#dataMap(u).set(v, datum);
      }
    });
    g.#nextOrd = state.nextOrd;
    g.#edgeCount = edges;
    return g;
  }

  /** Number of live nodes. */
  get nodeCount(): number {
    return this.#nodeCount;
  }

  /** Number of live edges. */
  get edgeCount(): number {
    return this.#edgeCount;
  }

  /** One past the largest id ever assigned: the size for per-node arrays. */
  get idLimit(): number {
    return this.#names.length;
  }

  /** The id of a live node, or undefined. */
  idOf(name: string): number | undefined {
    const id = this.#baseIds.get(name);
    return id !== undefined && this.#live[id] === true ? id : this.#ownIds.get(name);
  }

  /** The id of a live node; `UNKNOWN_NODE` otherwise. */
  requireId(name: string): number {
    const id = this.idOf(name);
    if (id === undefined) throw unknownNode(name);
    return id;
  }

  /** The name of a node id (also of a removed one), for messages and journals. */
  nameOf(id: number): string {
    return this.#names[id] ?? `#${id}`;
  }

  /** True when the id names a live node. */
  isLive(id: number): boolean {
    return this.#live[id] === true;
  }

  hasNode(name: string): boolean {
    return this.idOf(name) !== undefined;
  }

  hasEdge(from: string, to: string): boolean {
    const u = this.idOf(from);
    const v = this.idOf(to);
    return u !== undefined && v !== undefined && this.#hasEdgeId(u, v);
  }

  /** The data of a live node. */
  data(id: number): N {
    return this.#data[id] as N;
  }

  /** Data on the edge u -> v, if any was given. */
  edgeData(u: number, v: number): E | undefined {
    return this.#edgeData[u]?.get(v);
  }

  /** Children of `id` (do not mutate). */
  successorIds(id: number): readonly number[] {
    return this.#out[id] ?? NONE;
  }

  /** Parents of `id` (do not mutate). */
  predecessorIds(id: number): readonly number[] {
    return this.#in[id] ?? NONE;
  }

  /** The position of `id` in the maintained topological order (larger = later). */
  orderOf(id: number): number {
    return this.#ord[id]!;
  }

  /** Live node ids in insertion (id) order. */
  *ids(): IterableIterator<number> {
    for (let id = 0; id < this.#names.length; id++) if (this.isLive(id)) yield id;
  }

  /** Live names in the maintained topological order. O(V log V). */
  topologicalOrder(): string[] {
    const ids = [...this.ids()].sort((a, b) => this.#ord[a]! - this.#ord[b]!);
    return ids.map((id) => this.#names[id]!);
  }

  /** Add a node; it takes the next order slot. `DUPLICATE_NODE` when the name is taken. */
  addNode(name: string, data: N): number {
    checkName(name);
    if (this.hasNode(name)) {
      throw new TributaryError('DUPLICATE_NODE', `Node "${name}" already exists`, {
        context: { node: name },
      });
    }
    this.#own();
    const id = this.#names.length;
    this.#ownIds.set(name, id);
    this.#nodeCount++;
    this.#names.push(name);
    this.#live.push(true);
    this.#data.push(data);
    this.#out.push(undefined);
    this.#in.push(undefined);
    this.#edgeData.push(undefined);
    this.#ord.push(this.#nextOrd++);
    return id;
  }

  /**
   * Add `nodes` in order (ids pushed to `ids`), as {@link addNode} would one by one. A large
   * batch first checks every name (registering it, so a duplicate inside the batch is found),
   * then grows each per-node array once to its final length and fills it by index: one
   * allocation per array instead of a growth step every ~1.5x, which matters because fresh
   * memory is what such a batch mostly costs. On a rejected name, the names registered so far
   * are dropped and nothing else has changed. O(k).
   */
  #addNodes(nodes: readonly RunGraphNode<N>[], ids: number[]): void {
    const k = nodes.length;
    if (k < BULK) {
      for (let i = 0; i < k; i++) ids.push(this.addNode(nodes[i]!.name, nodes[i]!.data));
      return;
    }
    this.#own();
    const first = this.#names.length;
    let i = 0;
    try {
      for (; i < k; i++) {
        const name = nodes[i]!.name;
        checkName(name);
        if (this.hasNode(name)) {
          throw new TributaryError('DUPLICATE_NODE', `Node "${name}" already exists`, {
            context: { node: name },
          });
        }
        this.#ownIds.set(name, first + i);
      }
    } catch (error) {
      for (let j = 0; j < i; j++) this.#ownIds.delete(nodes[j]!.name);
      throw error;
    }
    const end = first + k;
    const names = this.#names;
    const live = this.#live;
    const data = this.#data;
    const out = this.#out;
    const inn = this.#in;
    const edgeData = this.#edgeData;
    const ord = this.#ord;
    names.length = end;
    live.length = end;
    data.length = end;
    out.length = end;
    inn.length = end;
    edgeData.length = end;
    ord.length = end;
    let next = this.#nextOrd;
    for (let id = first; id < end; id++) {
      const node = nodes[id - first]!;
      names[id] = node.name;
      live[id] = true;
      data[id] = node.data;
      out[id] = undefined;
      inn[id] = undefined;
      edgeData[id] = undefined;
      ord[id] = next++;
      ids.push(id);
    }
    this.#nextOrd = next;
    this.#nodeCount += k;
  }

  /**
   * Add `from -> to`. O(1) when it agrees with the order, else Pearce–Kelly over the affected
   * region. `CYCLE_DETECTED` (with the closed path) leaves the graph unchanged.
   */
  addEdge(from: string, to: string, data?: E): void {
    this.addEdgeById(this.requireId(from), this.requireId(to), data);
  }

  /** {@link addEdge} by id. */
  addEdgeById(u: number, v: number, data?: E): void {
    if (this.#hasEdgeId(u, v)) {
      throw new TributaryError(
        'DUPLICATE_EDGE',
        `Edge "${this.nameOf(u)}" -> "${this.nameOf(v)}" already exists`,
        { context: { from: this.nameOf(u), to: this.nameOf(v) } },
      );
    }
    if (u === v) throw cycleError([this.nameOf(u), this.nameOf(u)]);
    this.#own();
    if (this.#ord[u]! > this.#ord[v]!) this.#reorder(u, v);
    this.#touch(u, v, data !== undefined);
    // A node's first edge makes its list with exactly that element (no growth headroom): most
    // nodes added at run time have one parent and one child.
    if (this.#out[u] === undefined) this.#out[u] = [v];
    else this.#outList(u).push(v);
    if (this.#in[v] === undefined) this.#in[v] = [u];
    else this.#inList(v).push(u);
    if (data !== undefined) this.#dataMap(u).set(v, data);
    this.#edgeCount++;
  }

  /** Remove `from -> to`; `UNKNOWN_EDGE` when absent. Removing an edge never breaks the order. */
  removeEdge(from: string, to: string): void {
    const u = this.requireId(from);
    const v = this.requireId(to);
    if (!this.#hasEdgeId(u, v)) {
      throw new TributaryError('UNKNOWN_EDGE', `Unknown edge "${from}" -> "${to}"`, {
        context: { from, to },
      });
    }
    this.#unlink(u, v);
  }

  /** Remove a node and its edges. O(sum of neighbours' degrees). */
  removeNode(name: string): void {
    const id = this.requireId(name);
    this.#own();
    for (const w of [...(this.#out[id] ?? NONE)]) this.#unlink(id, w);
    for (const w of [...(this.#in[id] ?? NONE)]) this.#unlink(w, id);
    this.#ownIds.delete(name);
    this.#nodeCount--;
    this.#live[id] = false;
    this.#data[id] = undefined;
  }

  /**
   * Apply a batch all-or-nothing: removals, then node additions, then edge additions. On any
   * error (unknown or duplicate names, cycles) every step already taken is undone, including
   * order changes, and the error is rethrown: the graph is exactly as before.
   */
  applyBatch(batch: RunGraphBatch<N, E>): RunGraphBatchResult {
    const removedEdges: [number, number][] = [];
    const removedNodes: number[] = [];
    const addedNodes: number[] = [];
    /** Added edges as flat `u, v` pairs: no tuple per edge unless `addedEdges` is read. */
    const added: number[] = [];
    const undo: Undo<N, E> = {
      ord: [],
      adjacency: new Map(),
      edgeData: [],
      nodes: [],
      edgeCount: this.#edgeCount,
      firstNewId: this.#names.length,
    };
    this.#undo = undo;
    try {
      for (const [from, to] of batch.removeEdges ?? []) {
        const u = this.requireId(from);
        const v = this.requireId(to);
        this.removeEdge(from, to);
        removedEdges.push([u, v]);
      }
      for (const name of batch.removeNodes ?? []) {
        const id = this.requireId(name);
        undo.nodes.push([id, name, this.#data[id] as N]);
        this.removeNode(name);
        removedNodes.push(id);
      }
      const nodes = batch.addNodes ?? [];
      this.#addNodes(nodes, addedNodes);
      // A fan-out names the same parent and the same child for every node: resolve a name
      // repeated from the previous node once (one memo for parents, one for children).
      let lastParent: string | undefined;
      let parentId = -1;
      let lastChild: string | undefined;
      let childId = -1;
      for (let i = 0; i < nodes.length; i++) {
        const { parents, children } = nodes[i]!;
        const id = addedNodes[i]!;
        if (parents !== undefined) {
          for (let p = 0; p < parents.length; p++) {
            const name = parents[p]!;
            if (name !== lastParent) {
              parentId = this.requireId(name);
              lastParent = name;
            }
            this.addEdgeById(parentId, id);
            added.push(parentId, id);
          }
        }
        if (children !== undefined) {
          for (let c = 0; c < children.length; c++) {
            const name = children[c]!;
            if (name !== lastChild) {
              childId = this.requireId(name);
              lastChild = name;
            }
            this.addEdgeById(id, childId);
            added.push(id, childId);
          }
        }
      }
      for (const edge of batch.addEdges ?? []) {
        const u = this.requireId(edge.from);
        const v = this.requireId(edge.to);
        this.addEdgeById(u, v, edge.data);
        added.push(u, v);
      }
    } catch (error) {
      this.#undo = undefined;
      this.#rollback(undo, addedNodes);
      throw error;
    }
    this.#undo = undefined;
    let addedEdges: (readonly [number, number])[] | undefined;
    return {
      addedNodes,
      removedNodes,
      addedEdgeIds: added,
      get addedEdges() {
        if (addedEdges === undefined) {
          addedEdges = [];
          for (let i = 0; i < added.length; i += 2) addedEdges.push([added[i]!, added[i + 1]!]);
        }
        return addedEdges;
      },
      removedEdges,
    };
  }

  #rollback(undo: Undo<N, E>, addedNodes: readonly number[]): void {
    // Edge data and order slots first: entries of new nodes must be restored before those
    // nodes' slots are popped, or they would be written past the end of the per-node arrays.
    for (let i = undo.edgeData.length - 1; i >= 0; i--) {
      const [u, v, data] = undo.edgeData[i]!;
      const map = this.#dataMap(u);
      if (data === undefined) map.delete(v);
      else map.set(v, data);
    }
    for (let i = undo.ord.length - 2; i >= 0; i -= 2) this.#ord[undo.ord[i]!] = undo.ord[i + 1]!;
    for (let i = addedNodes.length - 1; i >= 0; i--) this.#dropNewest(addedNodes[i]!);
    for (const [id, [out, inn]] of undo.adjacency) {
      this.#out[id] = out;
      this.#in[id] = inn;
    }
    for (const [id, name, data] of undo.nodes) {
      // A base node's name resolves through the base index again once it is live.
      if (this.#baseIds.get(name) !== id) this.#ownIds.set(name, id);
      this.#nodeCount++;
      this.#live[id] = true;
      this.#data[id] = data;
    }
    this.#edgeCount = undo.edgeCount;
  }

  /** In a batch, keep the first version of every adjacency list and edge datum touched. */
  #touch(u: number, v: number, settingData = false): void {
    const undo = this.#undo;
    if (undo === undefined) return;
    this.#save(undo, u);
    this.#save(undo, v);
    // Only edges that carry data need their datum restored.
    const map = this.#edgeData[u];
    if (map !== undefined || settingData) undo.edgeData.push([u, v, map?.get(v)]);
  }

  #save(undo: Undo<N, E>, id: number): void {
    if (id < undo.firstNewId && !undo.adjacency.has(id)) {
      undo.adjacency.set(id, [this.#out[id]?.slice(), this.#in[id]?.slice()]);
    }
  }

  #hasEdgeId(u: number, v: number): boolean {
    // Scan the shorter adjacency list: O(min(outdeg(u), indeg(v))).
    const out = this.#out[u] ?? NONE;
    const inn = this.#in[v] ?? NONE;
    return out.length <= inn.length ? out.includes(v) : inn.includes(u);
  }

  #unlink(u: number, v: number): void {
    this.#own();
    this.#touch(u, v);
    removeOne(this.#outList(u), v);
    removeOne(this.#inList(v), u);
    if (this.#edgeData[u]?.has(v) === true) this.#dataMap(u).delete(v);
    this.#edgeCount--;
  }

  /** Undo `addNode` of the most recently added id (used only by batch rollback). */
  #dropNewest(id: number): void {
    this.#ownIds.delete(this.#names[id]!);
    this.#nodeCount--;
    this.#names.pop();
    this.#live.pop();
    this.#data.pop();
    this.#out.pop();
    this.#in.pop();
    this.#edgeData.pop();
    this.#ord.pop();
    this.#nextOrd--;
  }

  /**
   * Pearce–Kelly for an edge u -> v with ord[u] > ord[v]. Forward search from v over nodes with
   * ord <= ord[u] (reaching u means a cycle), backward search from u over nodes with
   * ord > ord[v]; then the union's order slots are reassigned, backward set first.
   */
  #reorder(u: number, v: number): void {
    const ord = this.#ord;
    const lb = ord[v]!;
    const ub = ord[u]!;
    if (this.#mark.length < this.#names.length) {
      const size = Math.max(64, this.#names.length * 2);
      this.#mark = new Int32Array(size);
      this.#parent = new Int32Array(size);
      this.#stamp = 0;
    }
    const stamp = ++this.#stamp;
    const mark = this.#mark;
    const parent = this.#parent;
    // The scratch lists keep their storage between calls: they are cut to their used length
    // only at the end (a length of 0 would free it, and the common case has one item each).
    const forward = this.#forward;
    const backward = this.#backward;
    let nf = 0;
    let nb = 0;
    forward[nf++] = v;
    mark[v] = stamp;
    for (let i = 0; i < nf; i++) {
      const w = forward[i]!;
      const children = this.#out[w] ?? NONE;
      for (let c = 0; c < children.length; c++) {
        const x = children[c]!;
        if (x === u) {
          const path = [w];
          for (let p = w; p !== v; p = parent[p]!) path.push(parent[p]!);
          path.reverse();
          throw cycleError([u, ...path, u].map((id) => this.nameOf(id)));
        }
        if (mark[x] !== stamp && ord[x]! < ub) {
          mark[x] = stamp;
          parent[x] = w;
          forward[nf++] = x;
        }
      }
    }
    backward[nb++] = u;
    mark[u] = stamp;
    for (let i = 0; i < nb; i++) {
      const parents = this.#in[backward[i]!] ?? NONE;
      for (let c = 0; c < parents.length; c++) {
        const x = parents[c]!;
        if (mark[x] !== stamp && ord[x]! > lb) {
          mark[x] = stamp;
          backward[nb++] = x;
        }
      }
    }
    if (forward.length !== nf) forward.length = nf;
    if (backward.length !== nb) backward.length = nb;
    // The undo log keeps previous slots of nodes that existed before the batch only: a rollback
    // drops the batch's new nodes, slots and all.
    const log = this.#undo?.ord;
    const firstNew = this.#undo?.firstNewId ?? 0;
    if (forward.length === 1 && backward.length === 1) {
      // The common case (a new node placed before an existing one): swap two slots.
      if (log !== undefined) {
        if (u < firstNew) log.push(u, ub);
        if (v < firstNew) log.push(v, lb);
      }
      ord[u] = lb;
      ord[v] = ub;
      return;
    }
    sortByOrd(backward, ord);
    sortByOrd(forward, ord);
    // Both lists are sorted by slot: merge their slots instead of sorting a third list.
    const slots: number[] = [];
    let i = 0;
    let j = 0;
    while (i < backward.length || j < forward.length) {
      const takeB =
        j >= forward.length || (i < backward.length && ord[backward[i]!]! < ord[forward[j]!]!);
      slots.push(takeB ? ord[backward[i++]!]! : ord[forward[j++]!]!);
    }
    let k = 0;
    for (const x of backward) {
      if (log !== undefined && x < firstNew) log.push(x, ord[x]!);
      ord[x] = slots[k++]!;
    }
    for (const x of forward) {
      if (log !== undefined && x < firstNew) log.push(x, ord[x]!);
      ord[x] = slots[k++]!;
    }
  }
}

/** Sort ids by their slot: insertion sort for the small sets Pearce–Kelly usually sees. */
function sortByOrd(ids: number[], ord: readonly number[]): void {
  if (ids.length > 16) {
    ids.sort((a, b) => ord[a]! - ord[b]!);
    return;
  }
  for (let i = 1; i < ids.length; i++) {
    const x = ids[i]!;
    const key = ord[x]!;
    let j = i - 1;
    while (j >= 0 && ord[ids[j]!]! > key) {
      ids[j + 1] = ids[j]!;
      j--;
    }
    ids[j + 1] = x;
  }
}

function removeOne(list: number[], value: number): void {
  const i = list.lastIndexOf(value);
  if (i >= 0) list.splice(i, 1);
}

// A run's graph dies with the run: keep one so its hidden class outlives it (see hidden-classes.ts).
keepHiddenClass(new RunGraph());
