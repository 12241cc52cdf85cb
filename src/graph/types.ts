/** Options accepted by `addNode`. */
export interface NodeOptions {
  /** Any value the node carries (a task reference, a config, ...). */
  readonly payload?: unknown;
  /** Free-form, JSON-friendly attributes (owner, tags, ...). */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** Options accepted by `addEdge`. */
export interface EdgeOptions {
  /** A numeric weight (a cost, a transfer time); algorithms that need one default to 1. */
  readonly weight?: number;
  /** A human label shown in renderings. */
  readonly label?: string;
  /**
   * A predicate on the parent's result: when it returns false the edge counts as skipped for
   * the child (see the trigger rules). Code, not data: it is left out of `toJSON`.
   */
  readonly condition?: (result: unknown) => boolean;
}

/** A node as returned by `DAG.nodes()`. */
export interface DagNode {
  readonly name: string;
  readonly payload: unknown;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** An edge as returned by `DAG.edges()`. */
export interface DagEdge {
  readonly from: string;
  readonly to: string;
  readonly weight?: number;
  readonly label?: string;
  readonly condition?: (result: unknown) => boolean;
}

/** Per-node costs: a map or record from node name to a number; a missing entry costs 1. */
export type Costs = ReadonlyMap<string, number> | Readonly<Record<string, number>>;
