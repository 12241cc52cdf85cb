import { describeValue, TributaryError } from '../errors/index.js';
import type { EdgeCondition, NodeSpec } from './node-spec.js';
import { isTriggerRule } from './trigger-rules.js';
import { checkDuration, checkRetryPolicy } from './policy-checks.js';

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
  const addedEdges: [string, string][] = [];
  for (const spec of mod.addNodes ?? []) {
    for (const dep of spec.dependencies ?? []) addedEdges.push([dep, spec.name]);
    for (const dep of spec.dependents ?? []) addedEdges.push([spec.name, dep]);
  }
  for (const edge of mod.addEdges ?? []) addedEdges.push([edge.from, edge.to]);
  return {
    addedNodes: (mod.addNodes ?? []).map((s) => s.name),
    removedNodes: [...(mod.removeNodes ?? [])],
    addedEdges,
    removedEdges: (mod.removeEdges ?? []).map((e) => [e.from, e.to] as const),
  };
}

function reject(message: string, received: unknown): never {
  throw new TributaryError('INVALID_ARGUMENT', `${message}, got ${describeValue(received)}`, {
    context: { received: typeof received === 'function' ? '[function]' : received },
  });
}

function checkNameList(value: unknown, where: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) reject(`Expected \`${where}\` to be an array of node names`, value);
  for (const [i, name] of (value as unknown[]).entries()) {
    if (typeof name !== 'string' || name === '')
      reject(`Expected \`${where}[${i}]\` to be a non-empty string`, name);
  }
}

/**
 * Check the shape of a modification that came from user code (an expander, the API): arrays
 * where arrays belong, names as strings, options of the right type. Throws `INVALID_ARGUMENT`
 * quoting the first bad field.
 */
export function checkModificationShape(mod: unknown): asserts mod is DynamicModification {
  if (typeof mod !== 'object' || mod === null || Array.isArray(mod)) {
    reject(
      'Expected a modification object `{ addNodes?, removeNodes?, addEdges?, removeEdges?, reason? }`',
      mod,
    );
  }
  const m = mod as Record<string, unknown>;
  for (const key of Object.keys(m)) {
    if (!['addNodes', 'removeNodes', 'addEdges', 'removeEdges', 'reason'].includes(key)) {
      reject(`Unknown modification field \`${key}\``, m[key]);
    }
  }
  if (m.reason !== undefined && typeof m.reason !== 'string')
    reject('Expected `reason` to be a string', m.reason);
  checkNameList(m.removeNodes, 'removeNodes');
  if (m.addNodes !== undefined) {
    if (!Array.isArray(m.addNodes))
      reject('Expected `addNodes` to be an array of node specs', m.addNodes);
    for (const [i, spec] of (m.addNodes as unknown[]).entries())
      checkNodeSpec(spec, `addNodes[${i}]`);
  }
  for (const field of ['addEdges', 'removeEdges'] as const) {
    const edges = m[field];
    if (edges === undefined) continue;
    if (!Array.isArray(edges))
      reject(`Expected \`${field}\` to be an array of { from, to }`, edges);
    for (const [i, edge] of (edges as unknown[]).entries()) {
      const e = (edge ?? {}) as Record<string, unknown>;
      if (typeof e.from !== 'string' || typeof e.to !== 'string') {
        reject(`Expected \`${field}[${i}]\` to be { from: string, to: string }`, edge);
      }
      if (e.condition !== undefined && typeof e.condition !== 'function') {
        reject(`Expected \`${field}[${i}].condition\` to be a function`, e.condition);
      }
    }
  }
}

function checkNodeSpec(spec: unknown, where: string): void {
  if (typeof spec !== 'object' || spec === null)
    reject(`Expected \`${where}\` to be a node spec`, spec);
  const s = spec as Record<string, unknown>;
  if (typeof s.name !== 'string' || s.name === '')
    reject(`Expected \`${where}.name\` to be a non-empty string`, s.name);
  checkNameList(s.dependencies, `${where}.dependencies`);
  checkNameList(s.dependents, `${where}.dependents`);
  if (s.triggerRule !== undefined && !isTriggerRule(s.triggerRule)) {
    reject(`Expected \`${where}.triggerRule\` to be a trigger rule`, s.triggerRule);
  }
  if (s.critical !== undefined && typeof s.critical !== 'boolean')
    reject(`Expected \`${where}.critical\` to be a boolean`, s.critical);
  if (s.priority !== undefined && !Number.isFinite(s.priority))
    reject(`Expected \`${where}.priority\` to be a finite number`, s.priority);
  checkDuration(`\`${where}.timeoutMs\``, s.timeoutMs);
  checkRetryPolicy(s.retry, `${where}.retry`);
}

/**
 * Durable runs keep only data: a task must be a registered name, an expander a registered
 * name, the input JSON-serializable, and no edge may carry a closure. Throws `NOT_SERIALIZABLE`
 * naming the offending field when the modification is made, never at recovery.
 */
export function checkSerializable(mod: DynamicModification): void {
  const fail = (where: string, value: unknown, why: string): never => {
    throw new TributaryError(
      'NOT_SERIALIZABLE',
      `\`${where}\` ${why} in a durable run, got ${describeValue(value)}`,
      {
        context: { field: where },
      },
    );
  };
  for (const [i, spec] of (mod.addNodes ?? []).entries()) {
    if (typeof spec.task !== 'string')
      fail(`addNodes[${i}].task`, spec.task, 'must name a registered task');
    if (spec.expander !== undefined && typeof spec.expander !== 'string') {
      fail(`addNodes[${i}].expander`, spec.expander, 'must name a registered expander');
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

/** The first value inside `value` that does not survive JSON (functions, symbols, cycles, class instances). */
export function findUnserializable(
  value: unknown,
  path = '',
  seen: Set<object> = new Set(),
): { path: string; value: unknown } | undefined {
  switch (typeof value) {
    case 'undefined':
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : { path, value };
    case 'function':
    case 'symbol':
    case 'bigint':
      return { path, value };
  }
  if (value === null) return undefined;
  const obj = value as object;
  if (seen.has(obj)) return { path, value: '[circular]' };
  const proto = Object.getPrototypeOf(obj) as unknown;
  if (!Array.isArray(obj) && proto !== Object.prototype && proto !== null) return { path, value };
  seen.add(obj);
  for (const [key, child] of Object.entries(obj)) {
    const found = findUnserializable(
      child,
      Array.isArray(obj) ? `${path}[${key}]` : `${path}.${key}`,
      seen,
    );
    if (found !== undefined) return found;
  }
  seen.delete(obj);
  return undefined;
}
