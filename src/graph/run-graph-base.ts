import { coreOf, type DAG } from './dag.js';

/**
 * What every run of one DAG starts from, built once per DAG and never mutated: the name index,
 * names, node data, adjacency both ways and edge data, all by run id. Run ids follow the DAG's
 * topological order, so the identity is a valid maintained order (`ord[id] = id`).
 *
 * Runs share it through {@link RunGraph.fromBase}: a run graph reads these arrays in place and
 * copies them only on its own first change (copy-on-write), so starting a run costs O(1)
 * instead of rehashing every name and rebuilding every adjacency list.
 *
 * Invariant: nothing ever writes to a base after {@link RunGraphBase.of} returns; node data is
 * frozen, because every run of the DAG hands out the same objects.
 *
 * @example
 * ```ts
 * const base = RunGraphBase.of(dag, (name) => ({ name }), () => undefined);
 * const run1 = RunGraph.fromBase(base);
 * const run2 = RunGraph.fromBase(base); // shares everything with run1 until one of them changes
 * ```
 */
export class RunGraphBase<N, E> {
  readonly ids: ReadonlyMap<string, number>;
  readonly names: readonly string[];
  readonly live: readonly boolean[];
  readonly data: readonly N[];
  readonly out: readonly (readonly number[] | undefined)[];
  readonly in: readonly (readonly number[] | undefined)[];
  readonly edgeData: readonly (ReadonlyMap<number, E> | undefined)[];
  /** The identity: ids are assigned in topological order. */
  readonly ord: readonly number[];
  readonly edgeCount: number;

  private constructor(
    ids: Map<string, number>,
    names: string[],
    data: N[],
    out: (number[] | undefined)[],
    inn: (number[] | undefined)[],
    edgeData: (Map<number, E> | undefined)[],
    edgeCount: number,
  ) {
    this.ids = ids;
    this.names = names;
    this.live = names.map(() => true);
    this.data = data;
    this.out = out;
    this.in = inn;
    this.edgeData = edgeData;
    this.ord = names.map((_, i) => i);
    this.edgeCount = edgeCount;
  }

  /** Number of nodes. */
  get size(): number {
    return this.names.length;
  }

  /**
   * The base of a validated DAG, O(V + E): `node` maps each node's payload to its data (frozen
   * here), `edge` each edge's label and condition to edge data (undefined: none).
   */
  static of<N, E>(
    dag: DAG,
    node: (name: string, payload: unknown) => N,
    edge: (
      label: string | undefined,
      condition: ((result: unknown) => boolean) | undefined,
    ) => E | undefined,
  ): RunGraphBase<N, E> {
    const core = coreOf(dag);
    const ids = new Map<string, number>();
    const names: string[] = [];
    const data: N[] = [];
    const out: (number[] | undefined)[] = [];
    const inn: (number[] | undefined)[] = [];
    const edgeData: (Map<number, E> | undefined)[] = [];
    for (const v of core.topo) {
      const name = core.names[v]!;
      ids.set(name, names.length);
      names.push(name);
      data.push(Object.freeze(node(name, core.payloads[v])));
      edgeData.push(undefined);
    }
    const pos = core.topoPos;
    for (const v of core.topo) {
      const outs: number[] = [];
      for (let i = core.outStart[v]!; i < core.outStart[v + 1]!; i++) {
        outs.push(pos[core.outTo[i]!]!);
        const e = core.outEdge[i]!;
        const datum = edge(core.edgeLabel[e], core.edgeCondition?.[e]);
        if (datum !== undefined) (edgeData[pos[v]!] ??= new Map()).set(pos[core.outTo[i]!]!, datum);
      }
      const ins: number[] = [];
      for (let i = core.inStart[v]!; i < core.inStart[v + 1]!; i++) ins.push(pos[core.inFrom[i]!]!);
      out.push(outs.length === 0 ? undefined : outs);
      inn.push(ins.length === 0 ? undefined : ins);
    }
    return new RunGraphBase(ids, names, data, out, inn, edgeData, core.edgeFrom.length);
  }
}
