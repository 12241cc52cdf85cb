import { TributaryError } from '../errors/index.js';

/**
 * An option that takes one of a few words (`--state refused`): the word, undefined when the
 * option was not given, or a `USAGE` error quoting what was received.
 *
 * @example
 * ```ts
 * parseChoice('--state', 'done', ['pending', 'done'] as const); // 'done'
 * ```
 */
export function parseChoice<T extends string>(
  option: string,
  value: string | undefined,
  choices: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  const found = choices.find((c) => c === value);
  if (found === undefined) {
    throw new TributaryError(
      'USAGE',
      `Expected ${option} to be one of ${choices.join(', ')}, got \`${value}\``,
      { context: { received: value } },
    );
  }
  return found;
}
