import { invalidArgument } from '../errors/index.js';
import { checkAssetUri } from '../store/index.js';
import { UNPARTITIONED_SPACE, type PeriodSpace } from '../time/index.js';

/** An asset written outside Tributary, with its partitions (see `ProjectOptions.assets`). */
export interface ExternalAssetOptions {
  readonly asset: string;
  /** Its partitions (`dailyPartitions(...)`, `staticPartitions([...])`, ...). Default: none. */
  readonly partitions?: PeriodSpace;
}

/**
 * Check a project's external assets and index them by URI. `INVALID_ASSET` for a bad URI,
 * `INVALID_ARGUMENT` for the rest, quoting the value.
 *
 * @example
 * ```ts
 * externalAssets(['file://landing/orders.csv']).get('file://landing/orders.csv')?.kind; // 'unpartitioned'
 * ```
 */
export function externalAssets(
  given: readonly (string | ExternalAssetOptions)[],
): ReadonlyMap<string, PeriodSpace> {
  if (!Array.isArray(given))
    invalidArgument(
      '`assets` of the project',
      'an array of asset URIs or { asset, partitions }',
      given,
    );
  const out = new Map<string, PeriodSpace>();
  given.forEach((entry, i) => {
    const where = `assets[${i}] of the project`;
    const value: unknown = entry;
    if (typeof value !== 'string' && (typeof value !== 'object' || value === null))
      invalidArgument(where, 'an asset URI or { asset, partitions }', value);
    const options = (typeof value === 'string' ? { asset: value } : value) as ExternalAssetOptions;
    checkAssetUri(options.asset, `the asset of ${where}`);
    const partitions = options.partitions ?? UNPARTITIONED_SPACE;
    if (
      typeof partitions !== 'object' ||
      partitions === null ||
      typeof partitions.parse !== 'function'
    )
      invalidArgument(
        `\`partitions\` of ${where}`,
        'a partition set such as dailyPartitions(...)',
        partitions,
      );
    out.set(options.asset, partitions);
  });
  return out;
}
