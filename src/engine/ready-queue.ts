/** A {@link ReadyQueue} as plain data. */
export interface ReadyQueueState {
  readonly ids: readonly number[];
  readonly keys: readonly number[];
  readonly seqs: readonly number[];
  readonly seq: number;
}

/**
 * A run of entries of one key, in push order: `ids[head..tail)` with their sequence numbers.
 * The arrays keep their storage when the bucket is reused (`tail` is the live length).
 */
interface Bucket {
  key: number;
  readonly ids: number[];
  readonly seqs: number[];
  head: number;
  tail: number;
}

/** A bucket compacts once this many popped entries sit before its head (and half of it). */
const COMPACT_AT = 1_024;

/** True when bucket `a` pops before bucket `b`: higher key, then older head entry. */
function before(a: Bucket, b: Bucket): boolean {
  return a.key > b.key || (a.key === b.key && a.seqs[a.head]! < b.seqs[b.head]!);
}

/**
 * Node ids in pop order: highest key (priority, bottom level) first, FIFO among equal keys.
 *
 * Entries are kept in buckets: a push appends to the bucket of the previous push when the key
 * is the same, else starts a new bucket. Invariants: `#heap` is a binary heap of the non-empty
 * buckets ordered by {@link before}; a bucket's entries are in sequence order; and only the
 * newest bucket is ever appended to, so two buckets of one key hold disjoint runs of sequence
 * numbers, the older run wholly before the newer. Hence the next entry is the head of the
 * heap's top bucket, and popping it never changes the heap's order until the bucket empties.
 * A pop is O(1), or O(log b) when its bucket empties (b buckets queued); a push is O(1) into
 * the current bucket, O(log b) otherwise. A fan-out readies many nodes of one key in a row:
 * one bucket, no heap work per node. Emptied buckets are pooled with their storage.
 *
 * Stale entries (nodes no longer ready) are skipped by the caller on pop: lazy deletion.
 */
export class ReadyQueue {
  #heap: Bucket[] = [];
  /** The bucket the last push went to, while it is queued. */
  #last: Bucket | undefined;
  readonly #pool: Bucket[] = [];
  #size = 0;
  #seq = 0;

  /** Entries queued, stale ones included. */
  get size(): number {
    return this.#size;
  }

  /**
   * The entries `keep` accepts, in pop order, for engine snapshots. Stale entries are dropped,
   * so two queues that would pop the same live entries export the same state.
   * O(n + b log b).
   */
  exportState(keep: (id: number) => boolean): ReadyQueueState {
    const ids: number[] = [];
    const keys: number[] = [];
    const seqs: number[] = [];
    const order = this.#heap.slice().sort((a, b) => (before(a, b) ? -1 : 1));
    for (let k = 0; k < order.length; k++) {
      const bucket = order[k]!;
      for (let i = bucket.head; i < bucket.tail; i++) {
        const id = bucket.ids[i]!;
        if (!keep(id)) continue;
        ids.push(id);
        keys.push(bucket.key);
        seqs.push(bucket.seqs[i]!);
      }
    }
    return { ids, keys, seqs, seq: this.#seq };
  }

  /** A queue that pops exported entries in the same order the exported one would have. */
  static fromState(state: ReadyQueueState): ReadyQueue {
    const q = new ReadyQueue();
    for (let i = 0; i < state.ids.length; i++)
      q.#add(state.ids[i]!, state.keys[i]!, state.seqs[i]!);
    q.#seq = state.seq;
    return q;
  }

  /** Add `id` with `key` (higher first). O(1) after a push of the same key, else O(log b). */
  push(id: number, key: number): void {
    this.#add(id, key, this.#seq++);
  }

  /** Append an entry whose `seq` is larger than every queued entry's. */
  #add(id: number, key: number, seq: number): void {
    let bucket = this.#last;
    const fresh = bucket === undefined || bucket.key !== key;
    if (fresh) {
      bucket = this.#pool.pop() ?? { key, ids: [], seqs: [], head: 0, tail: 0 };
      bucket.key = key;
      bucket.head = 0;
      bucket.tail = 0;
      this.#last = bucket;
    }
    const b = bucket!;
    b.ids[b.tail] = id;
    b.seqs[b.tail] = seq;
    b.tail++;
    this.#size++;
    if (fresh) this.#heapPush(b);
  }

  /** Remove and return the best id, or -1 when empty. O(1), or O(log b) when a bucket empties. */
  pop(): number {
    if (this.#size === 0) return -1;
    const bucket = this.#heap[0]!;
    const id = bucket.ids[bucket.head++]!;
    this.#size--;
    if (bucket.head === bucket.tail) {
      this.#heapPop();
      if (this.#last === bucket) this.#last = undefined;
      this.#pool.push(bucket);
    } else if (bucket.head >= COMPACT_AT && bucket.head * 2 >= bucket.tail) {
      // Only the newest bucket grows while it is popped: keep its storage bounded.
      bucket.ids.copyWithin(0, bucket.head, bucket.tail);
      bucket.seqs.copyWithin(0, bucket.head, bucket.tail);
      bucket.tail -= bucket.head;
      bucket.head = 0;
    }
    return id;
  }

  #heapPush(bucket: Bucket): void {
    const heap = this.#heap;
    let i = heap.length;
    heap.push(bucket);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(bucket, heap[p]!)) break;
      heap[i] = heap[p]!;
      i = p;
    }
    heap[i] = bucket;
  }

  #heapPop(): void {
    const heap = this.#heap;
    const last = heap.pop()!;
    const n = heap.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && before(heap[c + 1]!, heap[c]!)) c++;
      if (!before(heap[c]!, last)) break;
      heap[i] = heap[c]!;
      i = c;
    }
    heap[i] = last;
  }
}
