import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonCodec } from '../../src/codec/codec.js';
import { TributaryError } from '../../src/errors/index.js';

const roundTrip = (value: unknown): unknown => jsonCodec.decode(jsonCodec.encode(value));

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TributaryError);
    return (error as TributaryError).code;
  }
  throw new Error('expected a TributaryError');
}

describe('jsonCodec round trips', () => {
  it.each([
    ['null', null],
    ['true', true],
    ['false', false],
    ['a string', 'héllo "quoted" \\ \n 🌊'],
    ['an empty string', ''],
    ['an integer', 42],
    ['a fraction', 1234.5678],
    ['a large double', Number.MAX_VALUE],
    ['a tiny double', Number.MIN_VALUE],
    ['an empty array', []],
    ['an empty object', {}],
  ])('%s', (_, value) => {
    expect(roundTrip(value)).toStrictEqual(value);
  });

  it('undefined, at the top level, in arrays and as an object value (the key is kept)', () => {
    expect(roundTrip(undefined)).toBeUndefined();
    const arr = roundTrip([1, undefined, 3]) as unknown[];
    expect(arr).toStrictEqual([1, undefined, 3]);
    expect(arr).toHaveLength(3);
    const obj = roundTrip({ a: undefined, b: 1 }) as Record<string, unknown>;
    expect(Object.keys(obj)).toEqual(['a', 'b']);
    expect(obj.a).toBeUndefined();
  });

  it('non-finite numbers and negative zero', () => {
    expect(roundTrip(NaN)).toBeNaN();
    expect(roundTrip(Infinity)).toBe(Infinity);
    expect(roundTrip(-Infinity)).toBe(-Infinity);
    expect(Object.is(roundTrip(-0), -0)).toBe(true);
    expect(Object.is(roundTrip(0), 0)).toBe(true);
    expect(roundTrip([NaN, -0, Infinity])).toStrictEqual([NaN, -0, Infinity]);
  });

  it('BigInt, small, huge and negative', () => {
    for (const value of [0n, 1n, -1n, 2n ** 200n, -(3n ** 150n)])
      expect(roundTrip(value)).toBe(value);
  });

  it('Date, including the epoch, negative times and an invalid date', () => {
    for (const time of [0, 1_700_000_000_123, -86_400_000]) {
      const decoded = roundTrip(new Date(time));
      expect(decoded).toBeInstanceOf(Date);
      expect((decoded as Date).getTime()).toBe(time);
    }
    const invalid = roundTrip(new Date(NaN));
    expect(invalid).toBeInstanceOf(Date);
    expect((invalid as Date).getTime()).toBeNaN();
  });

  it('Map with non-string keys, in insertion order', () => {
    const key = { id: 1 };
    const map = new Map<unknown, unknown>([
      ['b', 1],
      [2, 'two'],
      [key, [1, 2]],
      [3n, new Date(5)],
      [undefined, null],
    ]);
    const decoded = roundTrip(map) as Map<unknown, unknown>;
    expect(decoded).toBeInstanceOf(Map);
    expect([...decoded.keys()]).toStrictEqual(['b', 2, { id: 1 }, 3n, undefined]);
    expect(decoded).toStrictEqual(map);
  });

  it('Set, in insertion order', () => {
    const set = new Set<unknown>([3, 'a', 1n, { x: [1] }, undefined]);
    const decoded = roundTrip(set) as Set<unknown>;
    expect(decoded).toBeInstanceOf(Set);
    expect([...decoded]).toStrictEqual([3, 'a', 1n, { x: [1] }, undefined]);
  });

  it('everything nested inside everything', () => {
    const value = {
      list: [new Map([['k', new Set([new Date(1), 2n, NaN])]]), { deep: { deeper: [undefined] } }],
      map: new Map<unknown, unknown>([[new Set([1]), new Map([[-0, -Infinity]])]]),
      when: new Date(1_000),
      nothing: null,
    };
    expect(roundTrip(value)).toStrictEqual(value);
  });

  it('a class instance keeps its own fields and comes back as a non-plain object', () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y: { $t: string },
      ) {}
      get norm(): number {
        return this.x;
      }
    }
    const decoded = roundTrip({ at: new Point(3, { $t: 'date' }) }) as { at: object };
    expect(decoded.at).toEqual({ x: 3, y: { $t: 'date' } });
    expect(Object.keys(decoded.at)).toEqual(['x', 'y']);
    expect(Object.getPrototypeOf(decoded.at)).not.toBe(Object.prototype);
    expect(decoded.at).not.toBeInstanceOf(Point);
    const text = jsonCodec.encode(new Point(1, { $t: 'x' }));
    expect(jsonCodec.encode(jsonCodec.decode(text))).toBe(text);
    // Objects without a prototype are plain data, as with JSON.
    const bare = Object.assign(Object.create(null) as object, { a: 1 });
    expect(Object.getPrototypeOf(roundTrip(bare))).toBe(Object.prototype);
  });

  it('a shared (non-circular) reference is encoded at each place it appears', () => {
    const shared = { n: 1 };
    const decoded = roundTrip({ a: shared, b: [shared, shared] }) as {
      a: unknown;
      b: unknown[];
    };
    expect(decoded).toStrictEqual({ a: { n: 1 }, b: [{ n: 1 }, { n: 1 }] });
  });
});

describe('jsonCodec escaping of `$t`', () => {
  it('a user object with a `$t` key comes back as that plain object, not a tagged value', () => {
    for (const value of [
      { $t: 'date', v: 0 },
      { $t: 'undefined' },
      { $t: 'bigint', v: '12' },
      { $t: 'object', v: { a: 1 } },
      { $t: 'no-such-tag' },
      { $t: 1, other: [1, { $t: 'set', v: [] }] },
    ]) {
      expect(roundTrip(value)).toStrictEqual(value);
    }
  });

  it('escapes `$t` objects inside maps, sets, arrays and error contexts', () => {
    const tagged = { $t: 'map', v: [] };
    const value = {
      map: new Map([[tagged, tagged]]),
      set: new Set([tagged]),
      arr: [tagged],
    };
    expect(roundTrip(value)).toStrictEqual(value);
    const error = roundTrip(
      Object.assign(new Error('x'), { context: { $t: 'undefined' } }),
    ) as Error & { context: unknown };
    expect(error.context).toStrictEqual({ $t: 'undefined' });
  });

  it('the encoding of an escaped object is still readable JSON', () => {
    expect(JSON.parse(jsonCodec.encode({ $t: 'x', n: 1 }))).toEqual({
      $t: 'object',
      v: { $t: 'x', n: 1 },
    });
  });

  it('keeps an own `__proto__` key as data and never touches prototypes', () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "b": 2}') as Record<
      string,
      unknown
    >;
    const decoded = roundTrip(value) as Record<string, unknown>;
    expect(Object.keys(decoded)).toEqual(['__proto__', 'b']);
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(decoded, '__proto__')?.value).toEqual({
      polluted: true,
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Also when the decoder reads a hand-written journal entry.
    const fromText = jsonCodec.decode('{"__proto__": {"polluted": 1}}') as object;
    expect(Object.getPrototypeOf(fromText)).toBe(Object.prototype);
    expect(Object.keys(fromText)).toEqual(['__proto__']);
  });
});

describe('jsonCodec errors', () => {
  it('keeps name, message, code, context and a chain of causes', () => {
    const root = new TypeError('root cause');
    const middle = new TributaryError('INVALID_ARGUMENT', 'middle', {
      context: { node: 'a', attempts: 2n, at: new Date(7) },
      cause: root,
    });
    const top = Object.assign(new Error('top', { cause: middle }), {
      code: 'E_TOP',
      context: { list: [1, undefined] },
    });
    const decoded = roundTrip(top) as Error & { code?: unknown; context?: unknown };
    expect(decoded).toBeInstanceOf(Error);
    expect(decoded.name).toBe('Error');
    expect(decoded.message).toBe('top');
    expect(decoded.code).toBe('E_TOP');
    expect(decoded.context).toStrictEqual({ list: [1, undefined] });
    const decodedMiddle = decoded.cause as Error & { code?: unknown; context?: unknown };
    expect(decodedMiddle.name).toBe('TributaryError');
    expect(decodedMiddle.message).toBe('middle');
    expect(decodedMiddle.code).toBe('INVALID_ARGUMENT');
    expect(decodedMiddle.context).toStrictEqual({ node: 'a', attempts: 2n, at: new Date(7) });
    const decodedRoot = decodedMiddle.cause as Error;
    expect(decodedRoot.name).toBe('TypeError');
    expect(decodedRoot.message).toBe('root cause');
    expect('cause' in decodedRoot).toBe(false);
  });

  it('an error without code or context decodes without those fields; a non-error cause is kept', () => {
    const decoded = roundTrip(new Error('plain', { cause: { reason: 'x' } })) as Error;
    expect('code' in decoded).toBe(false);
    expect('context' in decoded).toBe(false);
    expect(decoded.cause).toStrictEqual({ reason: 'x' });
  });

  it('errors nested in data', () => {
    const decoded = roundTrip({ failures: [new RangeError('r')] }) as { failures: Error[] };
    expect(decoded.failures[0]).toBeInstanceOf(Error);
    expect(decoded.failures[0]!.name).toBe('RangeError');
    expect(decoded.failures[0]!.message).toBe('r');
  });
});

describe('jsonCodec values it cannot store', () => {
  it('functions and symbols become `{ unserializable: name }` placeholders', () => {
    function namedTask(): number {
      return 1;
    }
    expect(roundTrip(namedTask)).toEqual({ unserializable: 'namedTask' });
    expect(roundTrip({ fn: namedTask, s: Symbol('tag') })).toEqual({
      fn: { unserializable: 'namedTask' },
      s: { unserializable: 'Symbol(tag)' },
    });
    expect(JSON.parse(jsonCodec.encode(namedTask))).toEqual({ $t: 'function', v: 'namedTask' });
  });

  it('a placeholder is frozen and re-encodes to the same text', () => {
    const text = jsonCodec.encode({ task: () => 1 });
    const decoded = jsonCodec.decode(text) as { task: object };
    expect(Object.isFrozen(decoded.task)).toBe(true);
    expect(jsonCodec.encode(decoded)).toBe(text);
  });

  it('a circular structure fails with NOT_SERIALIZABLE', () => {
    const loop: Record<string, unknown> = { a: 1 };
    loop.self = loop;
    expect(codeOf(() => jsonCodec.encode(loop))).toBe('NOT_SERIALIZABLE');
    const viaMap = new Map<string, unknown>();
    viaMap.set('me', [viaMap]);
    expect(codeOf(() => jsonCodec.encode(viaMap))).toBe('NOT_SERIALIZABLE');
  });

  it('an unknown tag in stored text fails with STORE_CORRUPT', () => {
    expect(codeOf(() => jsonCodec.decode('{"$t":"weird","v":1}'))).toBe('STORE_CORRUPT');
  });
});

/** JSON-ish values plus the extensions the codec promises to keep. */
const { value: extendedValue } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(undefined, NaN, Infinity, -Infinity, -0),
    fc.double(),
    fc.bigInt(),
    fc.date(),
    fc.date({ noInvalidDate: false }),
    fc.array(tie('value'), { maxLength: 4 }),
    // Null-prototype objects come back as plain objects, as with JSON: not generated.
    fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('$t', 'v', '__proto__')), tie('value'), {
      maxKeys: 4,
      noNullPrototype: true,
    }),
    fc
      .array(fc.tuple(fc.oneof(fc.string(), fc.integer(), fc.bigInt()), tie('value')), {
        maxLength: 4,
      })
      .map((entries) => new Map(entries)),
    fc
      .array(fc.oneof(fc.string(), fc.integer(), fc.bigInt(), fc.date()), { maxLength: 4 })
      .map((items) => new Set(items)),
  ),
}));

describe('jsonCodec properties', () => {
  it('decode(encode(x)) deep-equals x for arbitrary JSON-ish values with dates, maps, sets and bigints', () => {
    fc.assert(
      fc.property(extendedValue, (value) => {
        expect(roundTrip(value)).toStrictEqual(value);
      }),
      { numRuns: 500 },
    );
  });

  it('encoding is stable: encode(decode(encode(x))) === encode(x)', () => {
    fc.assert(
      fc.property(extendedValue, (value) => {
        const text = jsonCodec.encode(value);
        expect(jsonCodec.encode(jsonCodec.decode(text))).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});
