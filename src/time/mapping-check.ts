import { TributaryError } from '../errors/index.js';
import type { MappingSpaces, PartitionMapping } from './mapping.js';
import type { Period, PeriodSpace, PeriodSpaceKind } from './period.js';

/**
 * Whether `mapping` can map between `spaces` at all: a daily DAG cannot depend on an hourly
 * one through `identityMapping` (no daily key is an hourly key), nor a static one through a
 * time mapping. Run once when a dependency is declared, it turns a `PERIOD_NOT_MAPPED` that
 * every run would meet into one error at definition time. A mapping without `check` (one of
 * your own) passes.
 *
 * The built-in rules (time spaces are compared on a few sample windows, from the later of
 * both spaces' starts and `spaces.now`, or 2026-01-01 without it):
 *
 * | mapping                | upstream → downstream                                                          |
 * | ---------------------- | ------------------------------------------------------------------------------ |
 * | `identityMapping`      | same kind; time: the same keys; static: every downstream key is upstream       |
 * | `sameWindowMapping`    | time → time no coarser than the upstream; unpartitioned → any; time → unpartitioned (triggers) |
 * | `timeWindowMapping`    | time → time at least as coarse as the upstream                                 |
 * | `offsetMapping`        | time → time of the same granularity                                            |
 * | `latestMapping`        | time → any                                                                     |
 * | `staticMapping`        | static or dynamic → static or dynamic, every mapped key in its space            |
 *
 * @throws `MAPPING_INCOMPATIBLE` naming the mapping, both spaces and why.
 * @example
 * ```ts
 * const hourly = hourlyPartitions({ start: '2026-01-01T00:00' });
 * const daily = dailyPartitions({ start: '2026-01-01' });
 * checkMapping(timeWindowMapping(), { upstream: hourly, downstream: daily }); // fine
 * checkMapping(identityMapping, { upstream: hourly, downstream: daily }); // throws MAPPING_INCOMPATIBLE
 * ```
 */
export function checkMapping(mapping: PartitionMapping, spaces: MappingSpaces): void {
  mapping.check?.(spaces);
}

/**
 * Throw `MAPPING_INCOMPATIBLE`: `mapping` cannot map `spaces`, because `why`.
 *
 * @example
 * ```ts
 * incompatible('offset(-1)', spaces, 'the upstream is not partitioned by time');
 * ```
 */
export function incompatible(mapping: string, spaces: MappingSpaces, why: string): never {
  const { upstream, downstream } = spaces;
  throw new TributaryError(
    'MAPPING_INCOMPATIBLE',
    `Mapping \`${mapping}\` cannot map ${downstream.description} (downstream) onto ` +
      `${upstream.description} (upstream): ${why}`,
    {
      context: {
        mapping,
        upstream: upstream.description,
        downstream: downstream.description,
        received: mapping,
      },
    },
  );
}

/**
 * Throw `MAPPING_INCOMPATIBLE` unless the upstream space is of one of `upstream` kinds and the
 * downstream of one of `downstream` kinds.
 *
 * @example
 * ```ts
 * requireKinds('offset(-1)', spaces, ['time'], ['time']);
 * ```
 */
export function requireKinds(
  mapping: string,
  spaces: MappingSpaces,
  upstream: readonly PeriodSpaceKind[],
  downstream: readonly PeriodSpaceKind[],
): void {
  for (const [side, kinds] of [
    ['upstream', upstream],
    ['downstream', downstream],
  ] as const) {
    const kind = spaces[side].kind;
    if (!kinds.includes(kind)) {
      incompatible(
        mapping,
        spaces,
        `the ${side} is ${article(kind)} ${kind} space; it takes ${kinds.map((k) => `${article(k)} ${k}`).join(' or ')} one`,
      );
    }
  }
}

/** Without `spaces.now`, time spaces are compared from here (or from their starts, if later). */
const REFERENCE = Date.UTC(2026, 0, 1);

/**
 * A few consecutive periods of the downstream space, from the later of both spaces' first
 * periods and `spaces.now` (2026-01-01 without it): the windows a check compares.
 *
 * @example
 * ```ts
 * for (const window of sampleWindows(spaces)) spaces.upstream.containing(window.start);
 * ```
 */
export function sampleWindows(spaces: MappingSpaces, count = 3): Period[] {
  const at = spaces.now ?? REFERENCE;
  const from = Math.max(
    at,
    firstFrom(spaces.upstream, at)?.start ?? at,
    firstFrom(spaces.downstream, at)?.start ?? at,
  );
  const sample: Period[] = [];
  for (const period of spaces.downstream.periods(from, Infinity)) {
    sample.push(period);
    if (sample.length >= count) break;
  }
  return sample;
}

/**
 * Whether `outer`'s window encloses `inner`'s and is longer: a period of a coarser space.
 *
 * @example
 * ```ts
 * strictlyCovers(day, hour); // true
 * strictlyCovers(hour, hour); // false
 * ```
 */
export function strictlyCovers(outer: Period, inner: Period): boolean {
  return (
    outer.start <= inner.start &&
    inner.end <= outer.end &&
    outer.end - outer.start > inner.end - inner.start
  );
}

function firstFrom(space: PeriodSpace, at: number): Period | undefined {
  for (const period of space.periods(at, Infinity)) return period;
  return undefined;
}

function article(kind: string): string {
  return /^[aeiou]/.test(kind) ? 'an' : 'a';
}
