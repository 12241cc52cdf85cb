import { describeValue, invalidArgument, TributaryError } from '../errors/index.js';
import type { RunGraphBatch } from '../graph/index.js';
import type { EdgeCondition, EdgeSpec, NodeSpec } from './node-spec.js';
import { checkNodeSpecFields } from './node-spec-checks.js';
import { findUnserializable, isCode } from './serializable.js';

export { findUnserializable } from './serializable.js';

/**
 * A node added at runtime (dagron's `DynamicNodeSpec`): `dependencies` become edges into the
 * new node, `dependents` edges out of it.
 */
export interface DynamicNodeSpec<T = unknown, X = unknown> extends NodeSpec<T, X> {
  readonly dependencies?: readonly string[];
  readonly dependents?: readonly string[];
}

/** An edge added at runtime between any two nodes (existing or added by the same modification). */
export interface DynamicEdgeSpec {
  readonly from: string;
  readonly to: string;
  readonly condition?: EdgeCondition;
  readonly label?: string;
}

/**
 * A change to a running graph (dagron's `DynamicModification`, plus edges and a reason). It is
 * validated completely, then applied atomically, or rejected whole.
 */
export interface DynamicModification<T = unknown, X = unknown> {
  readonly addNodes?: readonly DynamicNodeSpec<T, X>[];
  readonly removeNodes?: readonly string[];
  readonly addEdges?: readonly DynamicEdgeSpec[];
  readonly removeEdges?: readonly { readonly from: string; readonly to: string }[];
  /** Why: kept in the audit trail. */
  readonly reason?: string;
}

/** What a modification changed (or would have changed), by name. */
export interface ModificationDiff {
  readonly addedNodes: readonly string[];
  readonly removedNodes: readonly string[];
  readonly addedEdges: readonly (readonly [string, string])[];
  readonly removedEdges: readonly (readonly [string, string])[];
}

/** One entry of the audit trail: every modification, applied or rejected. */
export interface ModificationRecord {
  /** Position in this run's trail, from 1. */
  readonly seq: number;
  /** Epoch milliseconds. */
  readonly at: number;
  /** Who asked: `node:<name>` for an expander, `api:<user>`, `cli`, ... */
  readonly actor: string;
  readonly reason?: string;
  readonly outcome: 'applied' | 'rejected';
  readonly diff: ModificationDiff;
  readonly error?: { readonly code: string; readonly message: string };
}

/** Limits on runtime growth; each rejection names the limit. */
export interface ModificationLimits {
  /** Live nodes in one run. Default 1,000,000. */
  readonly maxNodes?: number;
  /** Nodes added by one modification. Default 100,000. */
  readonly maxNodesPerModification?: number;
  /** Chained expansions: a node added by an expander of depth d has depth d + 1. Default 1,000. */
  readonly maxExpansionDepth?: number;
}

/**
 * The limits a run gets unless its options say otherwise.
 *
 * @example
 * ```ts
 * new DynamicExecutor(dag, { limits: { ...DEFAULT_LIMITS, maxExpansionDepth: 10_000 } });
 * ```
 */
export const DEFAULT_LIMITS: Required<ModificationLimits> = {
  maxNodes: 1_000_000,
  maxNodesPerModification: 100_000,
  maxExpansionDepth: 1_000,
};

/** The diff a modification describes, before validation. */
export function describeModification(mod: DynamicModification): ModificationDiff {
  // The edge list is the bulk of a large diff and only an audit reader needs it: it is built on
  // first read (an enumerable getter, so JSON, codecs and spreads see a plain array).
  let addedEdges: [string, string][] | undefined;
  return {
    addedNodes: (mod.addNodes ?? []).map((s) => s.name),
    removedNodes: [...(mod.removeNodes ?? [])],
    get addedEdges(): readonly (readonly [string, string])[] {
      if (addedEdges === undefined) {
        addedEdges = [];
        for (const spec of mod.addNodes ?? []) {
          for (const dep of spec.dependencies ?? []) addedEdges.push([dep, spec.name]);
          for (const dep of spec.dependents ?? []) addedEdges.push([spec.name, dep]);
        }
        for (const edge of mod.addEdges ?? []) addedEdges.push([edge.from, edge.to]);
      }
      return addedEdges;
    },
    removedEdges: (mod.removeEdges ?? []).map((e) => [e.from, e.to] as const),
  };
}

/**
 * The graph batch that applies a modification: removals (edges, then nodes), then new nodes, then
 * their `dependencies`/`dependents` edges and the added edges. O(size of the modification).
 *
 * @example
 * ```ts
 * graph.applyBatch(batchOf({ addNodes: [{ name: 'x', dependencies: ['a'] }] }));
 * ```
 */
export function batchOf(mod: DynamicModification): RunGraphBatch<NodeSpec, EdgeSpec> {
  const addNodes = mod.addNodes ?? [];
  const edges: { from: string; to: string; data?: EdgeSpec }[] = [];
  for (const edge of mod.addEdges ?? []) {
    const data = edge.condition === undefined && edge.label === undefined ? undefined : { ...edge };
    edges.push(
      data === undefined
        ? { from: edge.from, to: edge.to }
        : { from: edge.from, to: edge.to, data },
    );
  }
  return {
    removeEdges: (mod.removeEdges ?? []).map((e) => [e.from, e.to] as const),
    removeNodes: mod.removeNodes ?? [],
    addNodes: addNodes.map((spec) => ({
      name: spec.name,
      data: spec,
      parents: spec.dependencies,
      children: spec.dependents,
    })),
    addEdges: edges,
  };
}

/**
 * The audit record of a modification, applied (`error` undefined) or rejected. `mod` may be
 * malformed (a rejected one): only a string `reason` is kept from it.
 *
 * @example
 * ```ts
 * recordOf(1, Date.now(), 'cli', mod, describeModification(mod), undefined);
 * ```
 */
export function recordOf(
  seq: number,
  at: number,
  actor: string,
  mod: DynamicModification,
  diff: ModificationDiff,
  error: TributaryError | undefined,
): ModificationRecord {
  const reason =
    typeof (mod as { reason?: unknown } | null)?.reason === 'string' ? mod.reason : undefined;
  return {
    seq,
    at,
    actor,
    ...(reason === undefined ? {} : { reason }),
    outcome: error === undefined ? 'applied' : 'rejected',
    diff,
    ...(error === undefined ? {} : { error: { code: error.code, message: error.message } }),
  };
}

/**
 * `field` of `addNodes[spec]` (or of the modification itself without `spec`) is a list of names.
 * The field's path is built only for a message: no string per list when all is well.
 */
function checkNameList(value: unknown, field: string, spec?: number): void {
  if (value === undefined) return;
  // No closure for the path: this runs twice per added node, and a function object per call
  // was a measurable share of a 100k-node modification.
  if (!Array.isArray(value))
    invalidArgument(`\`${listPath(field, spec)}\``, 'an array of node names', value);
  const list = value as unknown[];
  for (let i = 0; i < list.length; i++) {
    const name = list[i];
    if (typeof name !== 'string' || name === '')
      invalidArgument(`\`${listPath(field, spec)}[${i}]\``, 'a non-empty string', name);
  }
}

function listPath(field: string, spec: number | undefined): string {
  return spec === undefined ? field : `addNodes[${spec}].${field}`;
}

const MODIFICATION_FIELDS = ['addNodes', 'removeNodes', 'addEdges', 'removeEdges', 'reason'];

/**
 * Check the shape of a modification that came from user code (an expander, the API): arrays
 * where arrays belong, names as strings, options of the right type (`checkNodeSpecFields` for
 * added nodes). Throws `INVALID_ARGUMENT` quoting the first bad field.
 *
 * `durable`: the run keeps only data, and `checkSerializable` runs next. Then an edge condition
 * that is not a function but stands for one (the codec's stand-in, when a journal is replayed)
 * passes here, so that it is rejected as the live run rejected the function: `NOT_SERIALIZABLE`.
 *
 * @example
 * ```ts
 * checkModificationShape({ addNodes: [{ name: 'x', critical: 'yes' }] });
 * // INVALID_ARGUMENT: Expected `addNodes[0].critical` of node "x" to be a boolean, got `"yes"` (string)
 * ```
 */
export function checkModificationShape(
  mod: unknown,
  options: { readonly durable?: boolean } = {},
): asserts mod is DynamicModification {
  if (typeof mod !== 'object' || mod === null || Array.isArray(mod)) {
    invalidArgument(
      'a modification',
      'an object `{ addNodes?, removeNodes?, addEdges?, removeEdges?, reason? }`',
      mod,
    );
  }
  const m = mod as Record<string, unknown>;
  for (const key of Object.keys(m)) {
    if (!MODIFICATION_FIELDS.includes(key)) {
      invalidArgument(
        `\`${key}\``,
        'a modification field (`addNodes`, `removeNodes`, `addEdges`, `removeEdges` or `reason`)',
        m[key],
        { field: key },
      );
    }
  }
  if (m.reason !== undefined && typeof m.reason !== 'string')
    invalidArgument('`reason`', 'a string', m.reason);
  checkNameList(m.removeNodes, 'removeNodes');
  if (m.addNodes !== undefined) {
    if (!Array.isArray(m.addNodes))
      invalidArgument('`addNodes`', 'an array of node specs', m.addNodes);
    const specs = m.addNodes as unknown[];
    for (let i = 0; i < specs.length; i++) checkNodeSpec(specs[i], i);
  }
  for (const field of ['addEdges', 'removeEdges'] as const) {
    const edges = m[field];
    if (edges === undefined) continue;
    if (!Array.isArray(edges)) invalidArgument(`\`${field}\``, 'an array of { from, to }', edges);
    for (const [i, edge] of (edges as unknown[]).entries()) {
      const e = (edge ?? {}) as Record<string, unknown>;
      if (typeof e.from !== 'string' || typeof e.to !== 'string')
        invalidArgument(`\`${field}[${i}]\``, '{ from: string, to: string }', edge);
      const condition = e.condition;
      const code =
        typeof condition === 'function' || (options.durable === true && isCode(condition));
      if (condition !== undefined && !code)
        invalidArgument(`\`${field}[${i}].condition\``, 'a function', e.condition);
    }
  }
}

/**
 * `addNodes[i]`: its name and edges here, its options in `checkNodeSpecFields`. O(its edges);
 * field paths are built only for a message.
 */
function checkNodeSpec(spec: unknown, i: number): void {
  const where = `addNodes[${i}]`;
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec))
    invalidArgument(`\`${where}\``, 'a node spec object', spec);
  const s = spec as Record<string, unknown>;
  if (typeof s.name !== 'string' || s.name === '')
    invalidArgument(`\`${where}.name\``, 'a non-empty string', s.name, { field: `${where}.name` });
  checkNameList(s.dependencies, 'dependencies', i);
  checkNameList(s.dependents, 'dependents', i);
  checkNodeSpecFields(s, s.name, where);
}

/**
 * Durable runs keep only data: a task must be a name (or absent: the node's own name is the
 * task's), an expander a name, the input JSON-serializable, and no edge may
 * carry a closure. Throws `NOT_SERIALIZABLE` naming the offending field when the modification is
 * made, never at recovery; code and its stand-ins (after a journal round trip) alike, so a
 * replay decides as the live run did. A task or expander that is plain data but not a name
 * (`task: 5`) is `INVALID_ARGUMENT`. Whether a name is registered is `checkRegistered`'s job.
 *
 * @example
 * ```ts
 * checkSerializable({ addNodes: [{ name: 'x', task: () => 1 }] }); // throws NOT_SERIALIZABLE
 * ```
 */
export function checkSerializable(mod: DynamicModification): void {
  const fail = (where: string, value: unknown, why: string): never => {
    throw new TributaryError(
      'NOT_SERIALIZABLE',
      `\`${where}\` ${why} in a durable run, got ${describeValue(value)}`,
      { context: { field: where } },
    );
  };
  for (const [i, spec] of (mod.addNodes ?? []).entries()) {
    for (const key of ['task', 'expander'] as const) {
      const value: unknown = spec[key];
      if (value === undefined || typeof value === 'string') continue;
      const field = `addNodes[${i}].${key}`;
      if (isCode(value)) fail(field, value, `must name a registered ${key}`);
      invalidArgument(
        `\`${field}\` of node "${spec.name}"`,
        `the name of a registered ${key}`,
        value,
        {
          node: spec.name,
          field,
        },
      );
    }
    const bad = findUnserializable(spec.input);
    if (bad !== undefined)
      fail(`addNodes[${i}].input${bad.path}`, bad.value, 'must be JSON-serializable');
  }
  for (const [i, edge] of (mod.addEdges ?? []).entries()) {
    if (edge.condition !== undefined)
      fail(`addEdges[${i}].condition`, edge.condition, 'cannot be a closure');
  }
}
