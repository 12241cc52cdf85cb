import { TributaryError, invalidArgument } from '../errors/index.js';
import {
  ALL,
  notMapped,
  type MappingSpaces,
  type PartitionMapping,
  type UpstreamPeriods,
} from './mapping.js';
import { incompatible, requireKinds } from './mapping-check.js';
import type { Period, PeriodSpace } from './period.js';
import { partitionKeyProblem } from './partition-key.js';

/**
 * An explicit map from downstream static keys to the upstream key or keys each depends on:
 * `{ europe: ['fr', 'de'], americas: ['us'] }`. The inverse is computed once; both directions
 * cost a look-up per key. A downstream key missing from the map is not mapped.
 *
 * `check` takes static or dynamic spaces on both sides, every key of the map in its space
 * (static: listed; dynamic: of the key shape).
 *
 * @throws `INVALID_ARGUMENT` quoting the map when it is no object, or the first key or value
 * that is not a partition key (or an empty or repeating list).
 * @example
 * ```ts
 * const mapping = staticMapping({ europe: ['fr', 'de'], americas: 'us' });
 * const spaces = {
 *   upstream: staticPartitions(['fr', 'de', 'us']),
 *   downstream: staticPartitions(['europe', 'americas']),
 * };
 * mapping.upstream(spaces.downstream.parse('europe'), spaces).periods.map((p) => p.key); // ['fr', 'de']
 * ```
 */
export function staticMapping(
  map: Readonly<Record<string, string | readonly string[]>>,
): PartitionMapping {
  if (typeof map !== 'object' || map === null || Array.isArray(map)) {
    invalidArgument(
      'the map of staticMapping',
      'an object of downstream key to upstream key(s)',
      map,
    );
  }
  const forward = new Map<string, readonly string[]>();
  const inverse = new Map<string, string[]>();
  for (const [key, value] of Object.entries(map)) {
    checkKey(`the downstream key \`${key}\` of staticMapping`, key);
    const keys: readonly unknown[] = Array.isArray(value) ? value : [value];
    if (keys.length === 0 || new Set(keys).size !== keys.length) {
      invalidArgument(
        `the upstream keys of \`${key}\` in staticMapping`,
        'a non-empty list of distinct keys',
        value,
      );
    }
    for (const up of keys) checkKey(`an upstream key of \`${key}\` in staticMapping`, up);
    forward.set(key, Object.freeze([...(keys as string[])]));
    for (const up of keys as string[]) {
      const list = inverse.get(up);
      if (list === undefined) inverse.set(up, [key]);
      else list.push(key);
    }
  }
  const shown = [...forward]
    .map(([k, v]) => `${k}: ${v.length === 1 ? v[0] : `[${v.join(', ')}]`}`)
    .join(', ');
  const name = `static({${shown.length > 60 ? `${shown.slice(0, 57)}...` : shown}})`;

  return Object.freeze({
    name,
    upstream(period: Period, { upstream }: MappingSpaces): UpstreamPeriods {
      const keys = forward.get(period.key);
      if (keys === undefined)
        notMapped(name, period, upstream, 'the map has no entry for this key');
      const periods = keys.map((key) => {
        try {
          return upstream.parse(key);
        } catch (error) {
          notMapped(name, period, upstream, `it has no period \`${key}\``, error);
        }
      });
      return { periods, require: ALL };
    },
    *downstream(period: Period, { upstream, downstream }: MappingSpaces): IterableIterator<Period> {
      // Exactly the inverse: a downstream key is mapped only if all its upstream keys are.
      for (const key of inverse.get(period.key) ?? []) {
        const found = parses(downstream, key);
        if (found !== undefined && forward.get(key)!.every((up) => parses(upstream, up))) {
          yield found;
        }
      }
    },
    check(spaces: MappingSpaces): void {
      requireKinds(name, spaces, ['static', 'dynamic'], ['static', 'dynamic']);
      for (const [key, ups] of forward) {
        for (const [side, k] of [
          ['downstream', key] as const,
          ...ups.map((u) => ['upstream', u] as const),
        ]) {
          try {
            spaces[side].parse(k);
          } catch {
            incompatible(name, spaces, `the ${side} space has no key \`${k}\``);
          }
        }
      }
    },
  });
}

function checkKey(what: string, key: unknown): void {
  const problem = partitionKeyProblem(key);
  if (problem !== undefined) invalidArgument(what, `a partition key ${problem}`, key);
}

/** The period `key` names in `space`, or `undefined` when it names none. */
function parses(space: PeriodSpace, key: string): Period | undefined {
  try {
    return space.parse(key);
  } catch (error) {
    if (error instanceof TributaryError && error.code === 'INVALID_PERIOD_KEY') return undefined;
    throw error;
  }
}
