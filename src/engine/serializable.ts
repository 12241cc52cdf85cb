/**
 * True for code where the engine expects a task, expander or edge condition: a function, or a
 * value that is not plain data standing in for one (a symbol, a class instance, or a codec's
 * stand-in for a function after a durable journal round trip). A replay must judge such a
 * stand-in as the live run judged the function it replaced, so the checks treat both alike.
 *
 * @example
 * ```ts
 * isCode(() => 1); // true
 * isCode('process'); // false: a name
 * isCode({ unserializable: 'fn' }); // false: a plain object (the codec's stand-in is a class instance)
 * ```
 */
export function isCode(value: unknown): boolean {
  if (typeof value === 'function' || typeof value === 'symbol') return true;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto !== Object.prototype && proto !== null;
}

/**
 * The first value inside `value` that does not survive JSON (functions, symbols, bigints,
 * non-finite numbers, cycles, class instances), with its path (`.a[2].b`); undefined when all
 * of it is plain data.
 *
 * @example
 * ```ts
 * findUnserializable({ when: new Date(0) }); // { path: '.when', value: Date(0) }
 * ```
 */
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
    case 'object':
      break; // null and objects: below
  }
  if (value === null) return undefined;
  const obj: object = value;
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
