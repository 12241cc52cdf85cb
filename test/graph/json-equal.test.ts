import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonEqual } from '../../src/graph/json-equal.js';

describe('jsonEqual', () => {
  it('compares structure, ignoring key order and undefined-valued keys', () => {
    expect(jsonEqual({ a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 2 })).toBe(false);
    expect(jsonEqual({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(jsonEqual([1], { 0: 1 })).toBe(false);
    expect(jsonEqual(null, undefined)).toBe(false);
    expect(jsonEqual(Number.NaN, Number.NaN)).toBe(true);
  });

  it('applies toJSON and compares functions by identity', () => {
    expect(jsonEqual(new Date(5), new Date(5))).toBe(true);
    expect(jsonEqual(new Date(5), new Date(6))).toBe(false);
    const run = () => 1;
    expect(jsonEqual({ run }, { run })).toBe(true);
    expect(jsonEqual({ run }, { run: () => 1 })).toBe(false);
  });

  it('terminates on cyclic structures', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    const b: Record<string, unknown> = { name: 'a' };
    b.self = b;
    expect(jsonEqual(a, b)).toBe(true);
    const c: Record<string, unknown> = { name: 'c' };
    c.self = c;
    expect(jsonEqual(a, c)).toBe(false);
  });

  it('agrees with JSON.stringify after a key-order shuffle (property)', () => {
    const reorder = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(reorder);
      if (typeof value === 'object' && value !== null) {
        return Object.fromEntries(
          Object.entries(value)
            .reverse()
            .map(([k, v]) => [k, reorder(v)]),
        );
      }
      return value;
    };
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (rawX, rawY) => {
        // A JSON round trip turns -0 into 0, which Object.is would tell apart.
        const [x, y] = [rawX, rawY].map((v) => JSON.parse(JSON.stringify(v)) as unknown);
        expect(jsonEqual(x, reorder(x))).toBe(true);
        const sameText = JSON.stringify(x) === JSON.stringify(y);
        if (sameText) expect(jsonEqual(x, y)).toBe(true);
        if (!jsonEqual(x, y)) expect(sameText).toBe(false);
      }),
    );
  });
});
