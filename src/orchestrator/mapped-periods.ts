import type { MappingSpaces, PartitionMapping, Period } from '../time/index.js';

/**
 * The downstream periods `mapping` gives for upstream period `upstream`, those that have
 * started by `spaces.now` (or all, without `now`). A mapping's `downstream` may be lazy and
 * long (with `latestMapping`, every later period maps to the latest closed one, up to the year
 * 2999): a run for a period that has not started yet is never made from it. O(periods taken).
 *
 * @example
 * ```ts
 * mappedDownstream(trigger.mapping, period, { upstream, downstream, now: Date.now() });
 * ```
 */
export function mappedDownstream(
  mapping: PartitionMapping,
  upstream: Period,
  spaces: MappingSpaces,
): Period[] {
  const out: Period[] = [];
  const now = spaces.now;
  for (const period of mapping.downstream(upstream, spaces)) {
    if (now !== undefined && period.start > now) break; // in time order: the rest start later
    out.push(period);
  }
  return out;
}
