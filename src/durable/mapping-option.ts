import { invalidArgument } from '../errors/index.js';
import type { PartitionMapping } from '../time/index.js';

/**
 * Check a `mapping` option as data (it comes from a user's module, whatever its type says):
 * an object with a `name` and `upstream` / `downstream` functions.
 *
 * @throws `INVALID_ARGUMENT` naming `where` and quoting the value.
 * @example
 * ```ts
 * checkMappingOption(identityMapping, 'the `mapping` of dependsOn[0] of "report"');
 * ```
 */
export function checkMappingOption(
  mapping: unknown,
  where: string,
): asserts mapping is PartitionMapping {
  const m = mapping as Record<string, unknown> | null;
  if (
    typeof m !== 'object' ||
    m === null ||
    typeof m.name !== 'string' ||
    typeof m.upstream !== 'function' ||
    typeof m.downstream !== 'function'
  )
    invalidArgument(
      where,
      'a PartitionMapping (identityMapping, sameWindowMapping, timeWindowMapping(...), ...)',
      mapping,
    );
}
