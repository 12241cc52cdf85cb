import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The file URL of the module whose code called `fn`, read from V8's structured stack trace;
 * undefined when that frame has no file (code evaluated from a string, a REPL).
 *
 * @example
 * ```ts
 * function defineThing() { return callerModule(defineThing); }
 * ```
 */
export function callerModule(fn: (...args: never[]) => unknown): string | undefined {
  // Saved to be put back as it was: never called here.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const previous = Error.prepareStackTrace;
  const holder: { stack?: NodeJS.CallSite[] } = {};
  try {
    Error.prepareStackTrace = (_error, frames) => frames;
    Error.captureStackTrace(holder, fn);
    const file = holder.stack?.[0]?.getFileName();
    if (file === undefined || file === null) return undefined;
    if (file.startsWith('file:')) return file;
    return isAbsolute(file) ? pathToFileURL(file).href : undefined;
  } finally {
    Error.prepareStackTrace = previous;
  }
}
