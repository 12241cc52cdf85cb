import { TributaryError } from '../errors/index.js';
import type { DagCore } from './core.js';

/**
 * Above this many nodes the V²/8-byte index is refused with `LIMIT_EXCEEDED` (1.25 GB).
 *
 * @example
 * ```ts
 * if (dag.nodeCount <= REACHABILITY_NODE_LIMIT) dag.reachabilityIndex();
 * ```
 */
export const REACHABILITY_NODE_LIMIT = 100_000;

/**
 * A transitive-closure index: one bitset of descendants per node, packed in `Uint32Array`
 * words, so `reaches` is a single word lookup.
 *
 * Memory: V·⌈V/32⌉·4 ≈ V²/8 bytes (10,000 nodes ≈ 12.5 MB). Build: one pass in reverse
 * topological order, O(V + E·log(deg) + E′·V/32) where E′ counts the edges of the transitive
 * reduction: a child already reached through an earlier child (in topological order) is
 * skipped, and that same test marks the edge redundant, so the index also yields the
 * transitive reduction for free.
 *
 * Throws `LIMIT_EXCEEDED` above {@link REACHABILITY_NODE_LIMIT} nodes.
 *
 * @example
 * ```ts
 * const index = new Reachability(coreOf(dag));
 * index.reaches(ids.get('extract')!, ids.get('load')!); // true
 * ```
 */
export class Reachability {
  /** Number of nodes indexed. */
  readonly nodeCount: number;
  /** Words per row: ⌈V/32⌉. */
  readonly #words: number;
  /** Row `v` (descendants of `v`, `v` excluded) is `#bits[v·#words .. (v+1)·#words)`. */
  readonly #bits: Uint32Array;
  /** `#redundant[e]` is 1 when edge `e` is implied by a longer path. */
  readonly #redundant: Uint8Array;

  constructor(core: DagCore) {
    const n = core.names.length;
    if (n > REACHABILITY_NODE_LIMIT) {
      throw new TributaryError(
        'LIMIT_EXCEEDED',
        `A reachability index over ${n} nodes needs ~${formatBytes((n * n) / 8)}; ` +
          `the limit is ${REACHABILITY_NODE_LIMIT} nodes`,
        { context: { nodeCount: n, limit: REACHABILITY_NODE_LIMIT } },
      );
    }
    this.nodeCount = n;
    this.#words = (n + 31) >>> 5;
    this.#bits = new Uint32Array(n * this.#words);
    this.#redundant = new Uint8Array(core.edgeFrom.length);
    this.#build(core);
  }

  /**
   * True when a non-empty path leads from `from` to `to`; O(1). `reaches(v, v)` is false in a
   * DAG. Ids are trusted (validated at the `DAG` boundary).
   *
   * @example
   * ```ts
   * index.reaches(0, 3);
   * ```
   */
  reaches(from: number, to: number): boolean {
    return ((this.#bits[from * this.#words + (to >>> 5)]! >>> (to & 31)) & 1) === 1;
  }

  /**
   * True when edge `edgeId` is implied by a longer path (absent from the transitive reduction).
   *
   * @example
   * ```ts
   * index.isRedundant(0);
   * ```
   */
  isRedundant(edgeId: number): boolean {
    return this.#redundant[edgeId] === 1;
  }

  /**
   * Descendants of `v` in increasing id order; O(V/32 + result).
   *
   * @example
   * ```ts
   * index.descendants(0); // [1, 2, 5]
   * ```
   */
  descendants(v: number): number[] {
    const out: number[] = [];
    const base = v * this.#words;
    for (let k = 0; k < this.#words; k++) {
      let word = this.#bits[base + k]!;
      while (word !== 0) {
        const low = word & -word;
        out.push((k << 5) + (31 - Math.clz32(low)));
        word ^= low;
      }
    }
    return out;
  }

  /** Bytes held by the bitsets. @example `index.byteLength` */
  get byteLength(): number {
    return this.#bits.byteLength;
  }

  #build(core: DagCore): void {
    const n = this.nodeCount;
    const words = this.#words;
    const bits = this.#bits;
    const position = new Int32Array(n);
    for (let i = 0; i < n; i++) position[core.topo[i]!] = i;
    const children: number[] = [];
    for (let i = n - 1; i >= 0; i--) {
      const u = core.topo[i]!;
      const row = u * words;
      // Children in topological order: any child reachable through a sibling comes after it.
      children.length = 0;
      for (let k = core.outStart[u]!; k < core.outStart[u + 1]!; k++) children.push(k);
      children.sort((a, b) => position[core.outTo[a]!]! - position[core.outTo[b]!]!);
      for (const k of children) {
        const w = core.outTo[k]!;
        const slot = row + (w >>> 5);
        const mask = 1 << (w & 31);
        if ((bits[slot]! & mask) !== 0) {
          this.#redundant[core.outEdge[k]!] = 1;
          continue; // everything below w is already in the row
        }
        bits[slot]! |= mask;
        const other = w * words;
        for (let j = 0; j < words; j++) bits[row + j]! |= bits[other + j]!;
      }
    }
  }
}

function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.ceil(bytes / 1e3)} kB`;
}
