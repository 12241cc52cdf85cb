import { TributaryError } from '../errors/index.js';

/** Turns values into text and back. Results and events of durable runs go through one. */
export interface Codec {
  /** Recorded with each durable run, so its journal is read back with the same codec. */
  readonly name?: string;
  encode(value: unknown): string;
  decode(text: string): unknown;
}

const TAG = '$t';

/**
 * JSON extended with the values plain JSON loses: `undefined`, `Date` (invalid ones too), `Map`,
 * `Set`, `BigInt`, non-finite numbers and `-0`, and `Error` (name, message, code, context,
 * cause). Tagged objects are `{ "$t": kind, "v": payload }`; a plain object that happens to have
 * a `$t` key is escaped, and a `__proto__` key stays data. Functions and symbols cannot be
 * stored: they are recorded as `{ unserializable: name }` placeholders, so a journal stays
 * readable and a replay sees the same non-function value (and rejects it the same way) as the
 * live run did. Likewise a class instance keeps its own enumerable fields but comes back as a
 * non-plain object (its class is not recorded). A circular structure fails with
 * `NOT_SERIALIZABLE`.
 *
 * @example
 * ```ts
 * const text = jsonCodec.encode({ at: new Date(0), ids: new Set([1n]) });
 * jsonCodec.decode(text); // { at: Date(0), ids: Set { 1n } }
 * ```
 */
export const jsonCodec: Codec = {
  name: 'json',
  encode: (value) => JSON.stringify(isFlatJson(value) ? value : toJson(value, new Set())),
  // Text without a tag is plain JSON: skip the walk (most journal entries).
  decode: (text) => {
    const parsed = JSON.parse(text) as unknown;
    return text.includes('"$t"') ? fromJson(parsed) : parsed;
  },
};

/**
 * What a function or symbol decodes to: `{ unserializable: name }`, frozen. It is an instance
 * of its own class (not a plain object) so that the durable-run checks that reject a function
 * (`findUnserializable`) reject its placeholder too, and a replay decides as the live run did.
 */
/**
 * True for a plain object whose every enumerable value is a string, a boolean or a finite
 * number other than -0, and that has no `$t` key: `toJson` would return an equal copy of it, so
 * it is stringified as it is (journal entries such as `task_started` are all like this).
 */
function isFlatJson(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Object.getPrototypeOf(value) !== Object.prototype || Object.hasOwn(value, TAG)) return false;
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const item = record[key];
    switch (typeof item) {
      case 'string':
      case 'boolean':
        continue;
      case 'number':
        if (Number.isFinite(item) && !Object.is(item, -0)) continue;
        return false;
      case 'bigint':
      case 'function':
      case 'object':
      case 'symbol':
      case 'undefined':
        return false;
    }
  }
  return true;
}

class Unserializable {
  readonly unserializable: string;
  constructor(name: string) {
    this.unserializable = name;
    Object.freeze(this);
  }
}

/**
 * What a class instance decodes to: its own enumerable fields, on a prototype that is not
 * `Object.prototype` (the class itself is not recorded). Checks for plain data reject it after
 * a replay as they rejected the instance in the live run.
 */
class StoredInstance {}

/** `out[key] = value`, except that a `__proto__` key stays an own property (never the prototype). */
function setOwn(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(out, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    out[key] = value;
  }
}

function toJson(value: unknown, seen: Set<object>): unknown {
  switch (typeof value) {
    case 'undefined':
      return { [TAG]: 'undefined' };
    case 'bigint':
      return { [TAG]: 'bigint', v: value.toString() };
    case 'number':
      // -0 is tagged too: JSON writes it as 0.
      return Number.isFinite(value) && !Object.is(value, -0)
        ? value
        : { [TAG]: 'number', v: Object.is(value, -0) ? '-0' : String(value) };
    case 'function':
      return { [TAG]: 'function', v: value.name };
    case 'symbol':
      return { [TAG]: 'function', v: value.toString() };
    case 'string':
    case 'boolean':
      return value;
    case 'object':
      break; // null and objects: below
  }
  if (value === null) return null;
  const obj: object = value;
  if (seen.has(obj))
    throw new TributaryError('NOT_SERIALIZABLE', 'Cannot encode a circular structure');
  seen.add(obj);
  try {
    if (Array.isArray(obj)) return obj.map((item) => toJson(item, seen));
    // An invalid date's time is NaN, which the tagged number keeps.
    if (obj instanceof Date) return { [TAG]: 'date', v: toJson(obj.getTime(), seen) };
    if (obj instanceof Unserializable) return { [TAG]: 'function', v: obj.unserializable };
    if (obj instanceof Map)
      return { [TAG]: 'map', v: [...obj].map(([k, v]) => [toJson(k, seen), toJson(v, seen)]) };
    if (obj instanceof Set) return { [TAG]: 'set', v: [...obj].map((item) => toJson(item, seen)) };
    if (obj instanceof Error) {
      const e = obj as Error & { code?: unknown; context?: unknown };
      return {
        [TAG]: 'error',
        v: {
          name: e.name,
          message: e.message,
          ...(e.code === undefined ? {} : { code: toJson(e.code, seen) }),
          ...(e.context === undefined ? {} : { context: toJson(e.context, seen) }),
          ...(e.cause === undefined ? {} : { cause: toJson(e.cause, seen) }),
        },
      };
    }
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(obj)) setOwn(out, key, toJson(child, seen));
    const proto = Object.getPrototypeOf(obj) as unknown;
    if (proto !== Object.prototype && proto !== null) return { [TAG]: 'instance', v: out };
    return Object.hasOwn(out, TAG) ? { [TAG]: 'object', v: out } : out;
  } finally {
    seen.delete(obj);
  }
}

function fromJson(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(fromJson);
  const obj = value as Record<string, unknown>;
  if (!Object.hasOwn(obj, TAG)) {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(obj)) setOwn(out, key, fromJson(child));
    return out;
  }
  const v = obj.v;
  switch (obj[TAG]) {
    case 'undefined':
      return undefined;
    case 'bigint':
      return BigInt(v as string);
    case 'number':
      return Number(v);
    case 'date':
      return new Date(fromJson(v) as number);
    case 'map':
      return new Map((v as [unknown, unknown][]).map(([k, x]) => [fromJson(k), fromJson(x)]));
    case 'set':
      return new Set((v as unknown[]).map(fromJson));
    case 'error':
      return decodeError(v as Record<string, unknown>);
    case 'function':
      return new Unserializable(String(v));
    case 'object':
    case 'instance': {
      const out = (
        obj[TAG] === 'instance' ? Object.create(StoredInstance.prototype) : {}
      ) as Record<string, unknown>;
      for (const [key, child] of Object.entries(v as Record<string, unknown>))
        setOwn(out, key, fromJson(child));
      return out;
    }
    default:
      throw new TributaryError('STORE_CORRUPT', `Unknown codec tag ${JSON.stringify(obj[TAG])}`);
  }
}

/** A decoded error: the original class is gone, so it comes back as an `Error` with name, code and context. */
function decodeError(info: Record<string, unknown>): Error {
  const cause = info.cause === undefined ? undefined : fromJson(info.cause);
  const error = new Error(String(info.message), cause === undefined ? undefined : { cause });
  error.name = String(info.name);
  const extra = error as Error & { code?: unknown; context?: unknown };
  if (info.code !== undefined) extra.code = fromJson(info.code);
  if (info.context !== undefined) extra.context = fromJson(info.context);
  return error;
}
