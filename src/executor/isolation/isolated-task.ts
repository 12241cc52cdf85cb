import type { TaskFn } from '../types.js';
import { TaskThreadPool, type IsolatedTaskSpec } from './thread-pool.js';

let shared: TaskThreadPool | undefined;

/** The process's pool of task threads, made on first use. */
export function taskThreads(): TaskThreadPool {
  return (shared ??= new TaskThreadPool());
}

/**
 * The function a run calls for a task with `isolation: 'worker'`: it runs the task in a thread
 * of the shared pool and settles as the task does there.
 *
 * @example
 * ```ts
 * const parse = isolatedTask({ module: import.meta.url, task: 'parse' });
 * ```
 */
export function isolatedTask(spec: IsolatedTaskSpec): TaskFn {
  return (ctx) => taskThreads().run(spec, ctx);
}

/**
 * End every task thread of the process now. Idle threads never keep a process alive and end
 * on their own after 30 s without work; call this to free them sooner (tests, short scripts
 * that measure memory). Attempts still running fail with `WORKER_EXITED`.
 *
 * @example
 * ```ts
 * await closeTaskThreads();
 * ```
 */
export async function closeTaskThreads(): Promise<void> {
  const pool = shared;
  shared = undefined;
  await pool?.close();
}
