import { AsyncLocalStorage } from 'node:async_hooks';
import { formatWithOptions } from 'node:util';
import type { LogRecord } from './run-driver.js';

/** Where a captured console line goes: the attempt that was running when it was written. */
export type ConsoleSink = (
  level: LogRecord['level'],
  source: 'stdout' | 'stderr',
  message: string,
) => void;

const attempt = new AsyncLocalStorage<ConsoleSink>();
const METHODS = {
  log: ['info', 'stdout'],
  info: ['info', 'stdout'],
  debug: ['debug', 'stdout'],
  warn: ['warn', 'stderr'],
  error: ['error', 'stderr'],
} as const;
type Method = keyof typeof METHODS;
let installed = 0;
const originals = new Map<Method, (...args: unknown[]) => void>();

/**
 * Run `fn` so that what it (and everything it awaits) writes with `console.log/info/debug/
 * warn/error` also goes to `sink`, attributed to this attempt through async context. The output
 * still reaches the terminal. Code running outside any attempt is not affected.
 */
export function withConsoleOf<T>(sink: ConsoleSink, fn: () => T): T {
  return attempt.run(sink, fn);
}

/** The sink of the attempt running in this async context, if its run captures console output. */
export function currentConsoleSink(): ConsoleSink | undefined {
  return attempt.getStore();
}

/**
 * Route console output written inside {@link withConsoleOf} to its sink while a run captures
 * console output; returns the function that undoes it (reference-counted across runs).
 */
export function captureConsole(): () => void {
  if (installed++ === 0) {
    for (const method of Object.keys(METHODS) as Method[]) {
      const original = console[method].bind(console) as (...args: unknown[]) => void;
      originals.set(method, original);
      const [level, source] = METHODS[method];
      console[method] = (...args: unknown[]) => {
        attempt.getStore()?.(level, source, formatWithOptions({ colors: false }, ...args));
        original(...args);
      };
    }
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--installed === 0) {
      for (const [method, original] of originals) console[method] = original;
      originals.clear();
    }
  };
}
