import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonCodec } from '../../src/codec/index.js';
import { fastEntryJson } from '../../src/durable/journal-encoding.js';
import type { JournalEntry } from '../../src/durable/journal-entry.js';

/** What the journal writes without the template: the entry, an undefined result left out. */
function slow(entry: JournalEntry): unknown {
  if (entry.type === 'task_succeeded' && entry.result === undefined) {
    const { result: _result, ...rest } = entry;
    return JSON.parse(jsonCodec.encode(rest));
  }
  return JSON.parse(jsonCodec.encode(entry));
}

const number = fc.oneof(fc.double(), fc.integer(), fc.constant(-0));

describe('fastEntryJson', () => {
  it('decodes to what the JSON codec writes, or declines', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('task_started', 'task_succeeded'),
        fc.string({ unit: 'binary' }),
        number,
        number,
        fc.option(fc.string(), { nil: undefined }),
        fc.boolean(),
        (type, node, attempt, at, extra, withResult) => {
          const entry = {
            type,
            node,
            attempt,
            at,
            ...(type === 'task_succeeded' && withResult ? { result: undefined } : {}),
            ...(extra === undefined ? {} : { extra }),
          } as unknown as JournalEntry;
          const text = fastEntryJson(entry);
          if (text !== undefined) expect(JSON.parse(text)).toStrictEqual(slow(entry));
        },
      ),
    );
  });

  it('takes the entries every task writes', () => {
    expect(fastEntryJson({ type: 'task_started', node: 'n1', attempt: 1, at: 5.5 })).toBe(
      '{"type":"task_started","node":"n1","attempt":1,"at":5.5}',
    );
    expect(
      fastEntryJson({ type: 'task_succeeded', node: 'n1', attempt: 2, at: 6, result: undefined }),
    ).toBe('{"type":"task_succeeded","node":"n1","attempt":2,"at":6}');
    expect(
      fastEntryJson({ type: 'task_succeeded', node: 'n1', attempt: 2, at: 6, result: 1 }),
    ).toBeUndefined();
    expect(fastEntryJson({ type: 'task_started', node: 'a"b', attempt: 1, at: 5 })).toBeUndefined();
  });
});
