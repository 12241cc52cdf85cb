/**
 * Objects kept for the life of the process, so that their hidden classes live as long.
 *
 * V8 gives an object a hidden class for each set of fields it has had, and keeps those
 * classes only while some object has them. A run makes its graph, engine and attempt objects
 * and drops them all when it ends: after a full collection the classes were gone, and the
 * optimized code of every method that reads those objects, which names the classes, was
 * thrown away and compiled again in the next run (`--trace-deopt`: "embedded weak objects
 * cleared", on every run). One small instance of each such class, built by the same steps as
 * a run's, keeps them.
 */
const kept: object[] = [];

/**
 * Keep `instance` (and so its hidden class) for the life of the process.
 *
 * @example
 * ```ts
 * keepHiddenClass(new RunGraph());
 * ```
 */
export function keepHiddenClass<T extends object>(instance: T): T {
  kept.push(instance);
  return instance;
}

/**
 * The instances kept so far, for tests: a run's objects must have the hidden class of the kept
 * instance of their class, or keeping it keeps nothing they use.
 *
 * @example
 * ```ts
 * keptInstances().find((o) => o instanceof RunGraph);
 * ```
 */
export function keptInstances(): readonly object[] {
  return kept;
}
