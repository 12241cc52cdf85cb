/**
 * Deep structural equality of JSON-shaped values: arrays element by element, objects by their
 * own enumerable keys in any order, ignoring keys whose value is `undefined` (as `JSON.stringify`
 * does). `toJSON` is applied first, so dates compare by instant. Primitives compare with
 * `Object.is`; functions, symbols and other values JSON cannot hold compare by identity. Cyclic
 * structures are compared coinductively (a pair already under comparison counts as equal).
 * O(size of the values).
 *
 * @example
 * ```ts
 * jsonEqual({ a: 1, b: [2] }, { b: [2], a: 1 }); // true
 * jsonEqual({ a: 1 }, { a: 1, b: undefined }); // true
 * ```
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  return equal(a, b, new Map());
}

function equal(a: unknown, b: unknown, active: Map<object, Set<object>>): boolean {
  a = toJsonValue(a);
  b = toJsonValue(b);
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  let pairs = active.get(a);
  if (pairs?.has(b)) return true;
  if (pairs === undefined) active.set(a, (pairs = new Set()));
  pairs.add(b);
  try {
    if (Array.isArray(a) && Array.isArray(b)) {
      if (a.length !== b.length) return false;
      for (let i = 0; i < a.length; i++) {
        if (!equal(a[i], b[i], active)) return false;
      }
      return true;
    }
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    const keysA = definedKeys(ra);
    const keysB = definedKeys(rb);
    if (keysA.length !== keysB.length) return false;
    for (const key of keysA) {
      if (!Object.hasOwn(rb, key) || !equal(ra[key], rb[key], active)) return false;
    }
    return true;
  } finally {
    pairs.delete(b);
  }
}

function toJsonValue(value: unknown): unknown {
  if (typeof value === 'object' && value !== null) {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return (toJSON as () => unknown).call(value);
  }
  return value;
}

function definedKeys(record: Record<string, unknown>): string[] {
  return Object.keys(record).filter((key) => record[key] !== undefined);
}
