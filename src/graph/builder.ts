import { invalidArgument, TributaryError } from '../errors/index.js';
import type { CoreInput } from './core.js';
import type { EdgeOptions, NodeOptions } from './types.js';

/**
 * A fluent, single-use builder for an immutable DAG. `addEdge` between names not yet added
 * creates those nodes; `build()` validates names, edges and acyclicity in O(V + E).
 *
 * @example
 * ```ts
 * const dag = DAG.builder()
 *   .addNode('discover', { metadata: { owner: 'data' } })
 *   .addEdge('discover', 'merge', { label: 'files' })
 *   .build();
 * ```
 */
export class DagBuilder<T> {
  readonly #finish: (input: CoreInput) => T;
  readonly #ids = new Map<string, number>();
  readonly #names: string[] = [];
  readonly #payloads: unknown[] = [];
  readonly #metadata: (Readonly<Record<string, unknown>> | undefined)[] = [];
  readonly #explicit: boolean[] = [];
  readonly #edgeFrom: number[] = [];
  readonly #edgeTo: number[] = [];
  readonly #edgeWeight: (number | undefined)[] = [];
  readonly #edgeLabel: (string | undefined)[] = [];
  readonly #edgeCondition: (((result: unknown) => boolean) | undefined)[] = [];
  #hasConditions = false;
  #built = false;

  /** @internal Use `DAG.builder()`. */
  constructor(finish: (input: CoreInput) => T) {
    this.#finish = finish;
  }

  /**
   * Add a node. A second `addNode` with the same name throws `DUPLICATE_NODE`; a node first
   * created implicitly by `addEdge` may be given its options once by `addNode`.
   */
  addNode(name: string, options: NodeOptions = {}): this {
    this.#assertOpen();
    checkName(name);
    const existing = this.#ids.get(name);
    if (existing !== undefined) {
      if (this.#explicit[existing]) {
        throw new TributaryError('DUPLICATE_NODE', `Node "${name}" is already defined`, {
          context: { node: name },
        });
      }
      this.#explicit[existing] = true;
      this.#payloads[existing] = options.payload;
      this.#metadata[existing] = options.metadata;
      return this;
    }
    this.#add(name, options, true);
    return this;
  }

  /** Add the edge `from -> to`, creating either endpoint if it is not there yet. */
  addEdge(from: string, to: string, options: EdgeOptions = {}): this {
    this.#assertOpen();
    checkName(from);
    checkName(to);
    if (options.weight !== undefined && !Number.isFinite(options.weight)) {
      invalidArgument('`weight`', 'a finite number', options.weight);
    }
    if (options.condition !== undefined && typeof options.condition !== 'function') {
      invalidArgument('`condition`', 'a function', options.condition);
    }
    const u = this.#ids.get(from) ?? this.#add(from, {}, false);
    const v = this.#ids.get(to) ?? this.#add(to, {}, false);
    this.#edgeFrom.push(u);
    this.#edgeTo.push(v);
    this.#edgeWeight.push(options.weight);
    this.#edgeLabel.push(options.label);
    this.#edgeCondition.push(options.condition);
    if (options.condition !== undefined) this.#hasConditions = true;
    return this;
  }

  /** Validate and freeze. Throws `DUPLICATE_EDGE` or `CYCLE_DETECTED` (with the path). */
  build(): T {
    this.#assertOpen();
    this.#built = true;
    return this.#finish({
      names: this.#names,
      payloads: this.#payloads,
      metadata: this.#metadata,
      edgeFrom: this.#edgeFrom,
      edgeTo: this.#edgeTo,
      edgeWeight: this.#edgeWeight,
      edgeLabel: this.#edgeLabel,
      ...(this.#hasConditions ? { edgeCondition: this.#edgeCondition } : {}),
    });
  }

  #add(name: string, options: NodeOptions, explicit: boolean): number {
    const id = this.#names.length;
    this.#ids.set(name, id);
    this.#names.push(name);
    this.#payloads.push(options.payload);
    this.#metadata.push(options.metadata);
    this.#explicit.push(explicit);
    return id;
  }

  #assertOpen(): void {
    if (this.#built) {
      throw new TributaryError('INVALID_ARGUMENT', 'This builder has already built its DAG');
    }
  }
}

/** Node names are non-empty strings. */
export function checkName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0) {
    invalidArgument('a node name', 'a non-empty string', name);
  }
}
