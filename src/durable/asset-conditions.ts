import { invalidArgument } from '../errors/index.js';
import { checkAssetUri } from '../store/index.js';
import type { PartitionMapping } from '../time/index.js';
import { checkMappingOption } from './mapping-option.js';

/**
 * When an asset-driven DAG runs: a tree of asset updates. A leaf is one asset (with the mapping
 * from the consumer's partitions to the asset's, for partitioned assets); `allOf` needs every
 * branch updated, `anyOf` one of them.
 *
 * "Updated" is partition-aware when both the consumer and the asset are partitioned: for the
 * consumer's period P, the asset partitions P maps to meet the mapping's requirement (all, at
 * least N, ...) and at least one of them has an event the consumer has not consumed. Otherwise
 * it is recency: the asset has an event the consumer has not consumed.
 *
 * @example
 * ```ts
 * const when: AssetCondition = allOf('warehouse://orders', anyOf('warehouse://fx', 'file://rates'));
 * ```
 */
export type AssetCondition =
  | {
      readonly kind: 'asset';
      readonly asset: string;
      /** From the consumer's periods to the asset's. Default: the same window (time) or the same key. */
      readonly mapping?: PartitionMapping;
    }
  | { readonly kind: 'allOf'; readonly of: readonly AssetCondition[] }
  | { readonly kind: 'anyOf'; readonly of: readonly AssetCondition[] };

/** What `allOf`, `anyOf` and a DAG's `onAssets` take: conditions, or bare asset URIs. */
export type AssetConditionInput = AssetCondition | string;

/**
 * A leaf of an asset condition: one asset, with an explicit mapping when the default (the same
 * window, or the same key) is not the right one.
 *
 * @example
 * ```ts
 * asset('warehouse://sales/hourly', { mapping: timeWindowMapping({ take: 'all' }) });
 * ```
 */
export function asset(
  uri: string,
  options: { readonly mapping?: PartitionMapping } = {},
): AssetCondition {
  checkAssetUri(uri, 'the asset of a condition');
  const { mapping } = options;
  if (mapping !== undefined) checkMappingOption(mapping, `the mapping of asset \`${uri}\``);
  return Object.freeze({
    kind: 'asset',
    asset: uri,
    ...(mapping === undefined ? {} : { mapping }),
  });
}

/**
 * Updated when every branch is.
 *
 * @example
 * ```ts
 * allOf('warehouse://orders', 'warehouse://customers');
 * ```
 */
export function allOf(...conditions: readonly AssetConditionInput[]): AssetCondition {
  return Object.freeze({ kind: 'allOf', of: branches('allOf', conditions) });
}

/**
 * Updated when any branch is.
 *
 * @example
 * ```ts
 * anyOf('warehouse://orders', 'file://landing/orders.csv');
 * ```
 */
export function anyOf(...conditions: readonly AssetConditionInput[]): AssetCondition {
  return Object.freeze({ kind: 'anyOf', of: branches('anyOf', conditions) });
}

/**
 * Check a DAG's `onAssets` and make it a condition: a URI, a condition, or an array (all of).
 * `INVALID_ASSET` / `INVALID_ARGUMENT` quoting what was wrong.
 *
 * @example
 * ```ts
 * assetConditionOf('report', ['warehouse://a', 'warehouse://b']).kind; // 'allOf'
 * ```
 */
export function assetConditionOf(
  id: string,
  given: AssetConditionInput | readonly AssetConditionInput[] | undefined,
): AssetCondition | undefined {
  if (given === undefined) return undefined;
  if (Array.isArray(given)) {
    if (given.length === 0) invalidArgument(`\`onAssets\` of "${id}"`, 'at least one asset', given);
    return allOf(...(given as readonly AssetConditionInput[]));
  }
  return conditionOf(given, `\`onAssets\` of "${id}"`);
}

/**
 * The assets a condition names, each once, in order.
 *
 * @example
 * ```ts
 * conditionAssets(allOf('a://x', anyOf('a://y', 'a://x'))); // ['a://x', 'a://y']
 * ```
 */
export function conditionAssets(condition: AssetCondition): string[] {
  const out = new Set<string>();
  for (const leaf of conditionLeaves(condition)) out.add(leaf.asset);
  return [...out];
}

/** The leaves of a condition, depth first. */
export function conditionLeaves(
  condition: AssetCondition,
): Extract<AssetCondition, { kind: 'asset' }>[] {
  if (condition.kind === 'asset') return [condition];
  return condition.of.flatMap(conditionLeaves);
}

/**
 * Evaluate a condition, given whether each leaf is updated.
 *
 * @example
 * ```ts
 * evaluateCondition(anyOf('a://x', 'a://y'), (leaf) => leaf.asset === 'a://y'); // true
 * ```
 */
export function evaluateCondition(
  condition: AssetCondition,
  updated: (leaf: Extract<AssetCondition, { kind: 'asset' }>) => boolean,
): boolean {
  switch (condition.kind) {
    case 'asset':
      return updated(condition);
    case 'allOf':
      return condition.of.every((branch) => evaluateCondition(branch, updated));
    case 'anyOf':
      return condition.of.some((branch) => evaluateCondition(branch, updated));
  }
}

/**
 * The condition as text, for messages and `tributary dags`.
 *
 * @example
 * ```ts
 * describeCondition(allOf('a://x', anyOf('a://y', 'a://z'))); // 'all of (a://x, any of (a://y, a://z))'
 * ```
 */
export function describeCondition(condition: AssetCondition): string {
  switch (condition.kind) {
    case 'asset':
      return condition.mapping === undefined
        ? condition.asset
        : `${condition.asset} [${condition.mapping.name}]`;
    case 'allOf':
    case 'anyOf':
      return `${condition.kind === 'allOf' ? 'all of' : 'any of'} (${condition.of.map(describeCondition).join(', ')})`;
  }
}

function branches(
  kind: string,
  conditions: readonly AssetConditionInput[],
): readonly AssetCondition[] {
  if (conditions.length === 0) invalidArgument(`\`${kind}(...)\``, 'at least one condition', []);
  return Object.freeze(conditions.map((c, i) => conditionOf(c, `argument ${i + 1} of ${kind}`)));
}

function conditionOf(given: unknown, where: string): AssetCondition {
  if (typeof given === 'string') return asset(given);
  const c = given as { kind?: unknown; asset?: unknown; of?: unknown } | null;
  if (typeof c === 'object' && c !== null) {
    if (c.kind === 'asset' && typeof c.asset === 'string') {
      checkAssetUri(c.asset, `the asset of ${where}`);
      return given as AssetCondition;
    }
    if ((c.kind === 'allOf' || c.kind === 'anyOf') && Array.isArray(c.of))
      return given as AssetCondition;
  }
  return invalidArgument(where, 'an asset URI, asset(...), allOf(...) or anyOf(...)', given);
}
