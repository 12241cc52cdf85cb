/** A {@link ReadyQueue} as plain data. */
export interface ReadyQueueState {
  readonly ids: readonly number[];
  readonly keys: readonly number[];
  readonly seqs: readonly number[];
  readonly seq: number;
}

/**
 * A binary max-heap of node ids keyed by (priority, bottom level), FIFO among equal keys.
 * Stale entries (nodes no longer ready) are skipped by the caller on pop: lazy deletion keeps
 * push and pop O(log n) without a position index.
 */
export class ReadyQueue {
  #ids: number[] = [];
  #keys: number[] = [];
  #seqs: number[] = [];
  #seq = 0;

  get size(): number {
    return this.#ids.length;
  }

  /**
   * The entries `keep` accepts, in pop order, for engine snapshots. Stale entries are dropped,
   * so two queues that would pop the same live entries export the same state. O(n log n).
   */
  exportState(keep: (id: number) => boolean): ReadyQueueState {
    const order: number[] = [];
    for (let i = 0; i < this.#ids.length; i++) if (keep(this.#ids[i]!)) order.push(i);
    order.sort((a, b) => this.#keys[b]! - this.#keys[a]! || this.#seqs[a]! - this.#seqs[b]!);
    return {
      ids: order.map((i) => this.#ids[i]!),
      keys: order.map((i) => this.#keys[i]!),
      seqs: order.map((i) => this.#seqs[i]!),
      seq: this.#seq,
    };
  }

  /**
   * A queue that pops exported entries in the same order the exported one would have. Entries
   * in pop order already form a valid heap (every parent precedes its children).
   */
  static fromState(state: ReadyQueueState): ReadyQueue {
    const q = new ReadyQueue();
    q.#ids = [...state.ids];
    q.#keys = [...state.keys];
    q.#seqs = [...state.seqs];
    q.#seq = state.seq;
    return q;
  }

  /** Add `id` with `key` (higher first). O(log n). */
  push(id: number, key: number): void {
    const ids = this.#ids;
    const keys = this.#keys;
    const seqs = this.#seqs;
    const seq = this.#seq++;
    let i = ids.length;
    ids.push(id);
    keys.push(key);
    seqs.push(seq);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (keys[p]! > key || (keys[p] === key && seqs[p]! < seq)) break;
      ids[i] = ids[p]!;
      keys[i] = keys[p]!;
      seqs[i] = seqs[p]!;
      i = p;
    }
    ids[i] = id;
    keys[i] = key;
    seqs[i] = seq;
  }

  /** Remove and return the best id, or -1 when empty. O(log n). */
  pop(): number {
    const ids = this.#ids;
    if (ids.length === 0) return -1;
    const keys = this.#keys;
    const seqs = this.#seqs;
    const top = ids[0]!;
    const lastId = ids.pop()!;
    const lastKey = keys.pop()!;
    const lastSeq = seqs.pop()!;
    const n = ids.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        const r = c + 1;
        if (r < n && (keys[r]! > keys[c]! || (keys[r] === keys[c] && seqs[r]! < seqs[c]!))) c = r;
        if (keys[c]! < lastKey || (keys[c] === lastKey && seqs[c]! > lastSeq)) break;
        ids[i] = ids[c]!;
        keys[i] = keys[c]!;
        seqs[i] = seqs[c]!;
        i = c;
      }
      ids[i] = lastId;
      keys[i] = lastKey;
      seqs[i] = lastSeq;
    }
    return top;
  }
}
