import type { WaitOptions } from './feed.js';

/**
 * Callers of `waitForChange` in this process, woken when this process writes a change (a change
 * made by another process is seen by the backend's own watch, if it has one).
 */
export class ChangeWaiters {
  readonly #waiting = new Set<(changed: boolean) => void>();

  /** Wake every waiter. */
  wake(): void {
    for (const wake of [...this.#waiting]) wake(true);
  }

  /**
   * Resolve true on {@link wake} or when `poll.changed` (called every `poll.everyMs`, if given)
   * returns true; false after `maxWaitMs` or on abort.
   */
  wait(
    options: WaitOptions,
    poll?: { readonly everyMs: number; readonly changed: () => boolean },
  ): Promise<boolean> {
    const { maxWaitMs, signal } = options;
    if (signal?.aborted === true) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      let ticker: NodeJS.Timeout | undefined;
      const done = (changed: boolean): void => {
        this.#waiting.delete(done);
        clearTimeout(timer);
        clearInterval(ticker);
        signal?.removeEventListener('abort', aborted);
        resolve(changed);
      };
      const aborted = (): void => done(false);
      const timer = setTimeout(aborted, maxWaitMs);
      this.#waiting.add(done);
      signal?.addEventListener('abort', aborted, { once: true });
      if (poll !== undefined) {
        ticker = setInterval(() => {
          if (poll.changed()) done(true);
        }, poll.everyMs);
      }
    });
  }
}
