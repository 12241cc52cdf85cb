/**
 * The engine's list of node ids whose trigger rule must be evaluated, read first in first out
 * and emptied after every event. Emptied by resetting a count, so its storage is kept from
 * one event to the next: `array.length = 0` frees an array's storage in V8, and the next push
 * allocated it again (about 150 bytes per finished node on a chain).
 */
export class WorkList {
  #items: number[] = [];
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(id: number): void {
    this.#items[this.#length++] = id;
  }

  /** The id at `index` (below {@link length}). */
  at(index: number): number {
    return this.#items[index]!;
  }

  clear(): void {
    this.#length = 0;
  }

  /** Empty it and free its storage: after a pass over every node, which a run makes once. */
  release(): void {
    this.#length = 0;
    this.#items = [];
  }
}
