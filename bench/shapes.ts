import { DAG } from '../src/graph/dag.js';

/** Workers every executor benchmark uses. */
export const WORKERS = 8;

/** The no-op async task every contender runs. */
export const noop = async (): Promise<void> => undefined;

/** A benchmark DAG as node count and int edges; node `i` is named `n<i>`. */
export interface Shape {
  readonly name: string;
  readonly n: number;
  readonly edges: [number, number][];
}

export const nodeName = (i: number): string => `n${i}`;

/** A chain of `n` nodes. */
export function chain(n: number): Shape {
  return {
    name: `chain ${n / 1000}k`,
    n,
    edges: Array.from({ length: n - 1 }, (_, i) => [i, i + 1] as [number, number]),
  };
}

/** One root fanning out to `n - 2` nodes that all feed one sink. */
export function wide(n: number): Shape {
  const edges: [number, number][] = [];
  for (let i = 1; i < n - 1; i++) edges.push([0, i], [i, n - 1]);
  return { name: `wide ${n / 1000}k`, n, edges };
}

/** A square grid, each node feeding its right and lower neighbours. */
export function lattice(n: number): Shape {
  const side = Math.round(Math.sqrt(n));
  const edges: [number, number][] = [];
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      const v = r * side + c;
      if (r + 1 < side) edges.push([v, v + side]);
      if (c + 1 < side) edges.push([v, v + 1]);
    }
  }
  return { name: `lattice ${(side * side) / 1000}k`, n: side * side, edges };
}

/** The shape as a Tributary DAG. */
export function dagOf(shape: Shape): DAG {
  const b = DAG.builder();
  for (let i = 0; i < shape.n; i++) b.addNode(nodeName(i));
  for (const [u, v] of shape.edges) b.addEdge(nodeName(u), nodeName(v));
  return b.build();
}
