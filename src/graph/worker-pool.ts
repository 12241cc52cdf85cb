/**
 * A worker taken from a {@link WorkerPool}, with the time it became free.
 *
 * @example
 * ```ts
 * const { worker, freeAt }: WorkerSlot = pool.acquire(0);
 * ```
 */
export interface WorkerSlot {
  readonly worker: number;
  readonly freeAt: number;
}

/**
 * The workers of a list schedule: a binary min-heap of busy-until times keyed by
 * (freeAt, worker index). Workers are opened lazily, in index order, only when every opened
 * worker is still busy at the requested time, so an unbounded pool stays compact.
 * `acquire` and `release` are O(log W).
 *
 * @example
 * ```ts
 * const pool = new WorkerPool(2);
 * const slot = pool.acquire(0); // { worker: 0, freeAt: 0 }
 * pool.release(slot.worker, 5);
 * ```
 */
export class WorkerPool {
  readonly #limit: number;
  readonly #heap: WorkerSlot[] = [];
  #opened = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /**
   * Take the earliest free worker. An unopened worker is free at 0, so it is only opened when
   * no opened worker is free by `ready` (either choice would start the node at `ready`).
   *
   * @example
   * ```ts
   * pool.acquire(3).freeAt;
   * ```
   */
  acquire(ready: number): WorkerSlot {
    const top = this.#heap[0];
    if ((top === undefined || top.freeAt > ready) && this.#opened < this.#limit) {
      return { worker: this.#opened++, freeAt: 0 };
    }
    return this.#pop();
  }

  /**
   * Return a worker that is busy until `freeAt`.
   *
   * @example
   * ```ts
   * pool.release(0, 12);
   * ```
   */
  release(worker: number, freeAt: number): void {
    const heap = this.#heap;
    heap.push({ worker, freeAt });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  #pop(): WorkerSlot {
    const heap = this.#heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  }
}

function before(a: WorkerSlot, b: WorkerSlot): boolean {
  return a.freeAt < b.freeAt || (a.freeAt === b.freeAt && a.worker < b.worker);
}
