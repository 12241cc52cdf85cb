/**
 * In-memory dynamic execution (no database): map-style fan-out keyed by stable item keys,
 * a conditional branch, a join that tolerates the skipped branch, retries and the audit trail.
 *
 *   npx tsx examples/in-memory-fanout.ts
 */
import { DAG, DynamicExecutor, mapExpander, NonRetryableError } from '../src/index.js';

const dag = DAG.builder()
  .addNode('list_orders')
  .addNode('check_volume')
  .addNode('bulk_discount')
  .addNode('notify', { payload: { triggerRule: 'none_failed_min_one_success' } })
  .addNode('cleanup', { payload: { critical: false, triggerRule: 'all_done' } })
  .addEdge('list_orders', 'check_volume')
  // Only large batches get a bulk discount; otherwise the branch is skipped.
  .addEdge('check_volume', 'bulk_discount', { condition: (total) => (total as number) > 100 })
  .addEdge('check_volume', 'notify')
  .addEdge('bulk_discount', 'notify')
  .addEdge('notify', 'cleanup')
  .build();

let flaky = 0;
const result = await new DynamicExecutor(dag, {
  maxWorkers: 4,
  retry: { maxAttempts: 3, initialDelayMs: 5, jitter: 0 },
  expanders: {
    // One node per order, named by its id (not its position), all feeding check_volume.
    list_orders: mapExpander({
      task: (ctx) => {
        const order = ctx.input as { id: string; amount: number };
        if (order.id === 'o-2' && flaky++ === 0) throw new Error('payment API timeout'); // retried
        if (order.amount < 0)
          throw new NonRetryableError(`order ${order.id} has a negative amount`);
        return order.amount;
      },
      key: (order: { id: string }) => order.id,
      dependents: ['check_volume'],
    }),
  },
}).execute({
  list_orders: () => [
    { id: 'o-1', amount: 30 },
    { id: 'o-2', amount: 45 },
    { id: 'o-3', amount: 12 },
  ],
  check_volume: (ctx) =>
    [...ctx.upstreamResults.values()].reduce(
      (sum: number, v) => sum + (typeof v === 'number' ? v : 0),
      0,
    ),
  bulk_discount: () => 'discount applied',
  notify: (ctx) => `total ${String(ctx.upstream('check_volume'))}`,
  cleanup: () => 'temp files removed',
});

for (const [name, r] of result.nodeResults) {
  console.log(
    `${name.padEnd(20)} ${r.status.padEnd(10)} attempts=${r.attempts} result=${JSON.stringify(r.result)}`,
  );
}
console.log(
  `status: ${result.status}; modifications: ${result.modifications.map((m) => `${m.actor} ${m.outcome} (${m.reason})`).join('; ')}`,
);
if (result.status !== 'succeeded' || result.nodeResults.get('bulk_discount')?.status !== 'skipped')
  process.exit(1);
