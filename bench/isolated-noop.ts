import { defineTask } from '../src/durable/index.js';

/**
 * The task of `bench/isolation.bench.ts`, in a module of its own: a worker thread imports the
 * module that defines an isolated task, and must not run the benchmark again.
 */
export const noop = defineTask('noop', (ctx) => ctx.attempt, { isolation: 'worker' });
