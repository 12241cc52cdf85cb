import { describe, expect, it } from 'vitest';
import { RecordMap } from '../../src/executor/record-map.js';

describe('RecordMap', () => {
  it('reads own keys only, in place', () => {
    const record: Record<string, number> = { a: 1, b: 2 };
    const map = new RecordMap(record);
    expect(map.get('toString')).toBeUndefined();
    expect(map.has('constructor')).toBe(false);
    record.c = 3;
    expect([...map.keys()]).toEqual(['a', 'b', 'c']);
    expect(map.size).toBe(3);
  });

  it('forEach passes value, key and the map, with `this` set to thisArg as a Map does', () => {
    const map = new RecordMap({ a: 1, b: 2 });
    const state = { seen: [] as string[] };
    map.forEach(function (this: typeof state, value, key, self) {
      this.seen.push(`${key}=${value}`);
      expect(self).toBe(map);
    }, state);
    expect(state.seen).toEqual(['a=1', 'b=2']);
  });
});
