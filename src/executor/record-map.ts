/**
 * A record read in place as a `ReadonlyMap` of its own enumerable string keys: no copy, so a
 * run given `{ [node]: fn }` for 100k nodes builds no 100k-entry Map. Reads go to the record
 * each time: changes to it show through (as they would with a Map the caller passed).
 *
 * @example
 * ```ts
 * const tasks = new RecordMap({ extract: () => 1 });
 * tasks.get('extract'); // the function
 * tasks.get('toString'); // undefined: inherited keys are not entries
 * ```
 */
export class RecordMap<V> implements ReadonlyMap<string, V> {
  readonly #record: Readonly<Record<string, V>>;

  constructor(record: Readonly<Record<string, V>>) {
    this.#record = record;
  }

  get(key: string): V | undefined {
    return Object.hasOwn(this.#record, key) ? this.#record[key] : undefined;
  }

  has(key: string): boolean {
    return Object.hasOwn(this.#record, key);
  }

  get size(): number {
    return Object.keys(this.#record).length;
  }

  forEach(
    fn: (value: V, key: string, map: ReadonlyMap<string, V>) => void,
    thisArg?: unknown,
  ): void {
    const record = this.#record;
    for (const key of Object.keys(record)) fn.call(thisArg, record[key]!, key, this);
  }

  *entries(): MapIterator<[string, V]> {
    for (const key of Object.keys(this.#record)) yield [key, this.#record[key]!];
  }

  *keys(): MapIterator<string> {
    yield* Object.keys(this.#record);
  }

  *values(): MapIterator<V> {
    for (const key of Object.keys(this.#record)) yield this.#record[key]!;
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }
}
