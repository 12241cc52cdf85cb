/**
 * A binary min-heap of (due, id) pairs: push and pop O(log n), peek O(1). Removal is lazy: a
 * caller skips the ids it no longer cares about as they come out.
 *
 * @example
 * ```ts
 * const heap = new DueHeap();
 * heap.push(20, 1);
 * heap.push(10, 2);
 * heap.pop(); // 2
 * ```
 */
export class DueHeap {
  readonly #due: number[] = [];
  readonly #ids: number[] = [];

  peekDue(): number {
    return this.#due.length === 0 ? Infinity : this.#due[0]!;
  }

  push(due: number, id: number): void {
    let i = this.#due.length;
    this.#due.push(due);
    this.#ids.push(id);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.#due[parent]! <= due) break;
      this.#due[i] = this.#due[parent]!;
      this.#ids[i] = this.#ids[parent]!;
      i = parent;
    }
    this.#due[i] = due;
    this.#ids[i] = id;
  }

  get size(): number {
    return this.#due.length;
  }

  /** The id with the lowest due (call only when not empty). */
  pop(): number {
    const top = this.#ids[0]!;
    const due = this.#due.pop()!;
    const id = this.#ids.pop()!;
    const n = this.#due.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) break;
        const child = left + 1 < n && this.#due[left + 1]! < this.#due[left]! ? left + 1 : left;
        if (this.#due[child]! >= due) break;
        this.#due[i] = this.#due[child]!;
        this.#ids[i] = this.#ids[child]!;
        i = child;
      }
      this.#due[i] = due;
      this.#ids[i] = id;
    }
    return top;
  }
}
