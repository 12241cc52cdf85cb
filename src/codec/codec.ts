import { TributaryError } from '../errors/index.js';

/** Turns values into text and back. Results and events of durable runs go through one. */
export interface Codec {
  encode(value: unknown): string;
  decode(text: string): unknown;
}

const TAG = '$t';

/**
 * JSON extended with the values plain JSON loses: `undefined`, `Date`, `Map`, `Set`, `BigInt`,
 * non-finite numbers and `Error` (name, message, code, context, cause). Tagged objects are
 * `{ "$t": kind, "v": payload }`; a plain object that happens to have a `$t` key is escaped.
 * Functions and symbols cannot be stored: they are recorded as `{ unserializable: name }`
 * placeholders, so a journal stays readable and a replay sees the same non-function value
 * (and rejects it the same way) as the live run did.
 *
 * @example
 * ```ts
 * const text = jsonCodec.encode({ at: new Date(0), ids: new Set([1n]) });
 * jsonCodec.decode(text); // { at: Date(0), ids: Set { 1n } }
 * ```
 */
export const jsonCodec: Codec = {
  encode: (value) => JSON.stringify(toJson(value, new Set())),
  decode: (text) => fromJson(JSON.parse(text) as unknown),
};

function toJson(value: unknown, seen: Set<object>): unknown {
  switch (typeof value) {
    case 'undefined':
      return { [TAG]: 'undefined' };
    case 'bigint':
      return { [TAG]: 'bigint', v: value.toString() };
    case 'number':
      return Number.isFinite(value) ? value : { [TAG]: 'number', v: String(value) };
    case 'function':
      return { [TAG]: 'function', v: value.name };
    case 'symbol':
      return { [TAG]: 'function', v: value.toString() };
    case 'string':
    case 'boolean':
      return value;
  }
  if (value === null) return null;
  const obj = value as object;
  if (seen.has(obj))
    throw new TributaryError('NOT_SERIALIZABLE', 'Cannot encode a circular structure');
  seen.add(obj);
  try {
    if (Array.isArray(obj)) return obj.map((item) => toJson(item, seen));
    if (obj instanceof Date) return { [TAG]: 'date', v: obj.getTime() };
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
    for (const [key, child] of Object.entries(obj)) out[key] = toJson(child, seen);
    return TAG in out ? { [TAG]: 'object', v: out } : out;
  } finally {
    seen.delete(obj);
  }
}

function fromJson(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(fromJson);
  const obj = value as Record<string, unknown>;
  if (!(TAG in obj)) {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(obj)) out[key] = fromJson(child);
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
      return new Date(v as number);
    case 'map':
      return new Map((v as [unknown, unknown][]).map(([k, x]) => [fromJson(k), fromJson(x)]));
    case 'set':
      return new Set((v as unknown[]).map(fromJson));
    case 'error':
      return decodeError(v as Record<string, unknown>);
    case 'function':
      return Object.freeze({ unserializable: v });
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(v as Record<string, unknown>))
        out[key] = fromJson(child);
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
