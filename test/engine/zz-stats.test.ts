import fc from 'fast-check';
import { it } from 'vitest';
import { drive, planArb } from './zz-prop-copy.test.js';
it('stats', () => {
  const st: Record<string, number> = {};
  const add = (k: string, n = 1) => (st[k] = (st[k] ?? 0) + n);
  fc.assert(
    fc.property(planArb, (plan) => {
      const { engine, journal } = drive(plan);
      add('runs');
      add('status:' + engine.status);
      for (const id of engine.graph.ids()) add('state:' + engine.stateOf(id));
      for (const e of journal) add('event:' + e.type);
      for (const m of engine.modifications) add(m.outcome + ':' + (m.error?.code ?? ''));
      add('nodes', engine.graph.nodeCount);
    }),
    { numRuns: 300 },
  );
  console.log(st);
});
