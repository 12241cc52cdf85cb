/** How a node's wait ended. */
export interface WaitOutcome {
  readonly outcome: 'succeeded' | 'failed' | 'skipped';
  /** What a met condition hands the node's children. */
  readonly result?: unknown;
  /** Why it failed or was skipped. */
  readonly error?: Error;
}

/**
 * What watches a run's waiting nodes (sensors) for the driver: the node holds no worker slot
 * while it waits; the watcher calls `end` once, when the condition is met, cannot be met or
 * its time is up. One watcher serves every waiting node of a run (no timer per node).
 *
 * @example
 * ```ts
 * const waits: NodeWaits = {
 *   watch: (id, node, since, end) => setTimeout(() => end({ outcome: 'succeeded' }), 10),
 *   unwatch: () => undefined,
 * };
 * ```
 */
export interface NodeWaits {
  /** Start watching node `id`, waiting since `since` (epoch ms: a resumed wait keeps it). */
  watch(id: number, node: string, since: number, end: (outcome: WaitOutcome) => void): void;
  /** Stop watching: the node left `waiting` another way (the run stopped, a mark). */
  unwatch(id: number): void;
}
