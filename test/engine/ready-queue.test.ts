import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReadyQueue } from '../../src/engine/ready-queue.js';

// Reference: highest key first, FIFO among equal keys.
class Reference {
  entries: { id: number; key: number; seq: number }[] = [];
  seq = 0;
  push(id: number, key: number): void {
    this.entries.push({ id, key, seq: this.seq++ });
  }
  pop(): number {
    if (this.entries.length === 0) return -1;
    let best = 0;
    for (let i = 1; i < this.entries.length; i++) {
      const e = this.entries[i]!;
      const b = this.entries[best]!;
      if (e.key > b.key || (e.key === b.key && e.seq < b.seq)) best = i;
    }
    return this.entries.splice(best, 1)[0]!.id;
  }
}

const op = fc.oneof(
  fc.record({ push: fc.nat(50), key: fc.integer({ min: -3, max: 3 }) }),
  fc.constant({ pop: true as const }),
  fc.constant({ roundTrip: true as const }),
);

describe('ReadyQueue', () => {
  it('pops in key order, FIFO among equal keys, across snapshots', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        let q = new ReadyQueue();
        const ref = new Reference();
        for (const o of ops) {
          if ('push' in o) {
            q.push(o.push, o.key);
            ref.push(o.push, o.key);
          } else if ('pop' in o) {
            expect(q.pop()).toBe(ref.pop());
          } else {
            q = ReadyQueue.fromState(q.exportState(() => true));
          }
          expect(q.size).toBe(ref.entries.length);
        }
        for (let id = ref.pop(); ; id = ref.pop()) {
          expect(q.pop()).toBe(id);
          if (id === -1) break;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps FIFO order through a long run of one key (compaction)', () => {
    const q = new ReadyQueue();
    for (let i = 0; i < 5_000; i++) q.push(i, 1);
    for (let i = 0; i < 3_000; i++) expect(q.pop()).toBe(i);
    for (let i = 5_000; i < 6_000; i++) q.push(i, 1);
    q.push(-7, 2);
    expect(q.pop()).toBe(-7);
    for (let i = 3_000; i < 6_000; i++) expect(q.pop()).toBe(i);
    expect(q.pop()).toBe(-1);
  });
});
