/**
 * The rules for the keys of static and dynamic partitions: a non-empty string of at most
 * {@link MAX_PARTITION_KEY_LENGTH} characters, without whitespace or control characters (a key
 * appears in run ids, file names, URLs and command lines).
 */

/**
 * The longest key a static or dynamic partition may have, in UTF-16 code units.
 *
 * @example
 * ```ts
 * 'eu-west'.length <= MAX_PARTITION_KEY_LENGTH; // true
 * ```
 */
export const MAX_PARTITION_KEY_LENGTH = 200;

const FORBIDDEN = /[\s\p{Cc}]/u;

/**
 * Why `key` cannot be the key of a static or dynamic partition, or `undefined` when it can.
 * The reason completes "Expected a partition key ...".
 *
 * @example
 * ```ts
 * partitionKeyProblem('eu-west'); // undefined
 * partitionKeyProblem('eu west'); // 'without whitespace or control characters'
 * ```
 */
export function partitionKeyProblem(key: unknown): string | undefined {
  if (typeof key !== 'string') return 'that is a string';
  if (key === '') return 'that is not empty';
  if (key.length > MAX_PARTITION_KEY_LENGTH) {
    return `of at most ${MAX_PARTITION_KEY_LENGTH} characters (this one has ${key.length})`;
  }
  if (FORBIDDEN.test(key)) return 'without whitespace or control characters';
  return undefined;
}
