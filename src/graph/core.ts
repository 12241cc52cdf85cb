import { TributaryError } from '../errors/index.js';

/**
 * The immutable, index-based representation behind a `DAG`: nodes are dense integer ids in
 * insertion order, adjacency is stored in compressed sparse rows (CSR) for both directions.
 * Every algorithm in `src/graph` works on ids; names are translated only at the boundary.
 */
export interface DagCore {
  readonly names: readonly string[];
  readonly ids: ReadonlyMap<string, number>;
  readonly payloads: readonly unknown[];
  readonly metadata: readonly (Readonly<Record<string, unknown>> | undefined)[];
  /** Successors of `v` are `outTo[outStart[v] .. outStart[v + 1])`; `outEdge` holds edge ids. */
  readonly outStart: Int32Array;
  readonly outTo: Int32Array;
  readonly outEdge: Int32Array;
  /** Predecessors of `v` are `inFrom[inStart[v] .. inStart[v + 1])`. */
  readonly inStart: Int32Array;
  readonly inFrom: Int32Array;
  readonly inEdge: Int32Array;
  /** Edges by id, in insertion order. */
  readonly edgeFrom: Int32Array;
  readonly edgeTo: Int32Array;
  readonly edgeWeight: readonly (number | undefined)[];
  readonly edgeLabel: readonly (string | undefined)[];
  /** Edge conditions by edge id (absent when no edge has one). */
  readonly edgeCondition?: readonly (((result: unknown) => boolean) | undefined)[];
  /** A deterministic topological order (Kahn, FIFO seeded in id order). */
  readonly topo: Int32Array;
  /** The inverse of `topo`: each node's position in it. */
  readonly topoPos: Int32Array;
}

/** Raw material for {@link buildCore}. Endpoints are ids into `names`. */
export interface CoreInput {
  readonly names: readonly string[];
  readonly payloads: readonly unknown[];
  readonly metadata: readonly (Readonly<Record<string, unknown>> | undefined)[];
  readonly edgeFrom: readonly number[] | Int32Array;
  readonly edgeTo: readonly number[] | Int32Array;
  readonly edgeWeight: readonly (number | undefined)[];
  readonly edgeLabel: readonly (string | undefined)[];
  readonly edgeCondition?: readonly (((result: unknown) => boolean) | undefined)[];
}

/**
 * Build a core from raw lists: O(V + E). Throws `DUPLICATE_NODE` for a repeated name,
 * `DUPLICATE_EDGE` for a repeated edge and `CYCLE_DETECTED` (naming the cycle) for a cycle.
 */
export function buildCore(input: CoreInput): DagCore {
  const n = input.names.length;
  const m = input.edgeFrom.length;
  const ids = new Map<string, number>();
  for (let v = 0; v < n; v++) {
    const name = input.names[v]!;
    if (ids.has(name)) {
      throw new TributaryError('DUPLICATE_NODE', `Node "${name}" is defined twice`, {
        context: { node: name },
      });
    }
    ids.set(name, v);
  }
  const outStart = new Int32Array(n + 1);
  const inStart = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) {
    outStart[input.edgeFrom[e]! + 1]!++;
    inStart[input.edgeTo[e]! + 1]!++;
  }
  for (let v = 0; v < n; v++) {
    outStart[v + 1]! += outStart[v]!;
    inStart[v + 1]! += inStart[v]!;
  }
  const outTo = new Int32Array(m);
  const outEdge = new Int32Array(m);
  const inFrom = new Int32Array(m);
  const inEdge = new Int32Array(m);
  const outFill = outStart.slice(0, n);
  const inFill = inStart.slice(0, n);
  for (let e = 0; e < m; e++) {
    const from = input.edgeFrom[e]!;
    const to = input.edgeTo[e]!;
    const o = outFill[from]!++;
    outTo[o] = to;
    outEdge[o] = e;
    const i = inFill[to]!++;
    inFrom[i] = from;
    inEdge[i] = e;
  }
  rejectDuplicateEdges(input.names, outStart, outTo);
  const topo = kahn(n, outStart, outTo, inStart);
  if (topo === undefined) {
    const path = findCyclePath(n, outStart, outTo).map((v) => input.names[v]!);
    throw cycleError(path);
  }
  return {
    names: input.names,
    ids,
    payloads: input.payloads,
    metadata: input.metadata,
    outStart,
    outTo,
    outEdge,
    inStart,
    inFrom,
    inEdge,
    edgeFrom: Int32Array.from(input.edgeFrom),
    edgeTo: Int32Array.from(input.edgeTo),
    edgeWeight: input.edgeWeight,
    edgeLabel: input.edgeLabel,
    ...(input.edgeCondition === undefined ? {} : { edgeCondition: input.edgeCondition }),
    topo,
    topoPos: inverse(topo),
  };
}

function inverse(order: Int32Array): Int32Array {
  const pos = new Int32Array(order.length);
  for (let i = 0; i < order.length; i++) pos[order[i]!] = i;
  return pos;
}

/** The error for a cycle given as a closed path (`[a, b, c, a]`). */
export function cycleError(path: readonly string[]): TributaryError {
  return new TributaryError('CYCLE_DETECTED', `Cycle detected: ${path.join(' -> ')}`, {
    context: { cyclePath: path },
  });
}

/** The error for a name that is not in the graph. */
export function unknownNode(name: string): TributaryError {
  return new TributaryError('UNKNOWN_NODE', `Unknown node "${name}"`, { context: { node: name } });
}

function rejectDuplicateEdges(names: readonly string[], start: Int32Array, to: Int32Array): void {
  // O(E): a stamp per target, reset per source.
  const seen = new Int32Array(names.length).fill(-1);
  for (let v = 0; v + 1 < start.length; v++) {
    for (let i = start[v]!; i < start[v + 1]!; i++) {
      const w = to[i]!;
      if (seen[w] === v) {
        throw new TributaryError(
          'DUPLICATE_EDGE',
          `Edge "${names[v]}" -> "${names[w]}" is defined twice`,
          { context: { from: names[v], to: names[w] } },
        );
      }
      seen[w] = v;
    }
  }
}

/** Kahn's algorithm with a FIFO queue seeded in id order; undefined when there is a cycle. */
function kahn(
  n: number,
  outStart: Int32Array,
  outTo: Int32Array,
  inStart: Int32Array,
): Int32Array | undefined {
  const indeg = new Int32Array(n);
  for (let v = 0; v < n; v++) indeg[v] = inStart[v + 1]! - inStart[v]!;
  const order = new Int32Array(n);
  let tail = 0;
  for (let v = 0; v < n; v++) if (indeg[v] === 0) order[tail++] = v;
  for (let head = 0; head < tail; head++) {
    const v = order[head]!;
    for (let i = outStart[v]!; i < outStart[v + 1]!; i++) {
      const w = outTo[i]!;
      if (--indeg[w]! === 0) order[tail++] = w;
    }
  }
  return tail === n ? order : undefined;
}

/** Iterative three-colour DFS that returns one cycle as a closed id path. */
function findCyclePath(n: number, outStart: Int32Array, outTo: Int32Array): number[] {
  const colour = new Uint8Array(n); // 0 white, 1 on stack, 2 done
  const parent = new Int32Array(n).fill(-1);
  const cursor = new Int32Array(n);
  for (let root = 0; root < n; root++) {
    if (colour[root] !== 0) continue;
    const stack = [root];
    colour[root] = 1;
    cursor[root] = outStart[root]!;
    while (stack.length > 0) {
      const v = stack[stack.length - 1]!;
      if (cursor[v]! < outStart[v + 1]!) {
        const w = outTo[cursor[v]!++]!;
        if (colour[w] === 1) {
          const path = [w];
          for (let u = v; u !== w; u = parent[u]!) path.push(u);
          path.push(w);
          return path.reverse();
        }
        if (colour[w] === 0) {
          colour[w] = 1;
          parent[w] = v;
          cursor[w] = outStart[w]!;
          stack.push(w);
        }
      } else {
        colour[v] = 2;
        stack.pop();
      }
    }
  }
  return [];
}
