import { describe, expect, it } from 'vitest';
import type { NewNotification, RunStore } from '../../src/store/index.js';

/** Conformance cases of the notification outbox, run on every backend. */
export function notificationCases(store: () => RunStore): void {
  const note = (key: string, at = 1_000): NewNotification => ({
    key,
    kind: 'failure',
    dagId: 'sales',
    runId: 'r1',
    target: 'webhook:http://127.0.0.1:9/hook',
    body: `{"key":"${key}"}`,
    at,
  });

  describe('notifications', () => {
    it('adds each key once, hands out what is due in order, and keeps every attempt', async () => {
      const s = store();
      expect(await s.addNotifications([note('a'), note('b', 2_000)])).toBe(2);
      expect(await s.addNotifications([note('a'), note('c', 3_000)])).toBe(1); // 'a' exists
      expect((await s.dueNotifications(2_500)).map((n) => n.key)).toEqual(['a', 'b']);
      const [a, b] = await s.dueNotifications(2_500);
      await s.recordDelivery(a!.id, { delivered: 2_600 });
      await s.recordDelivery(b!.id, { error: 'answered 500', retryAt: 5_000 });
      expect((await s.dueNotifications(4_000)).map((n) => n.key)).toEqual(['c']);
      expect((await s.dueNotifications(5_000)).map((n) => n.key)).toEqual(['c', 'b']); // by due time
      await s.recordDelivery(b!.id, { error: 'answered 500 again' });
      const listed = await s.listNotifications();
      expect(listed.map((n) => [n.key, n.state, n.attempts, n.lastError, n.deliveredAt])).toEqual([
        ['c', 'pending', 0, undefined, undefined],
        ['b', 'failed', 2, 'answered 500 again', undefined],
        ['a', 'delivered', 1, undefined, 2_600],
      ]);
      expect(listed[2]).toMatchObject({
        kind: 'failure',
        dagId: 'sales',
        runId: 'r1',
        body: '{"key":"a"}',
      });
      expect((await s.listNotifications({ state: 'failed' })).map((n) => n.key)).toEqual(['b']);
      expect(await s.listNotifications({ dagId: 'other' })).toEqual([]);
    });

    it('refuses an unknown id and a stale fence, changing nothing', async () => {
      const s = store();
      await s.addNotifications([note('a')]);
      await expect(s.recordDelivery(999, { delivered: 1 })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      });
      const held = await s.acquireLease('scheduler', 'me', 60_000);
      expect(held.acquired).toBe(true);
      await expect(
        s.addNotifications([note('b')], { key: 'scheduler', fence: 999 }),
      ).rejects.toMatchObject({ code: 'LEASE_LOST' });
      expect((await s.listNotifications()).map((n) => n.key)).toEqual(['a']);
    });
  });
}
