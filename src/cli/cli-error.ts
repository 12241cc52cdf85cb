import { CommanderError } from 'commander';
import { toError, TributaryError } from '../errors/index.js';

/**
 * Normalise whatever reached the CLI's boundary into a `TributaryError`: commander's parse errors
 * become `USAGE` (its message without the `error: ` prefix), anything unclassified `INTERNAL`
 * (the original as `cause`).
 *
 * @example
 * ```ts
 * toCliError(new CommanderError(1, 'commander.unknownCommand', "error: unknown command 'x'"), ['x']).code; // 'USAGE'
 * ```
 */
export function toCliError(caught: unknown, argv: readonly string[]): TributaryError {
  if (caught instanceof TributaryError) return caught;
  if (caught instanceof CommanderError) {
    const message =
      caught.code === 'commander.help'
        ? 'no command given'
        : caught.message.replace(/^error: /, '');
    return new TributaryError('USAGE', message, {
      context: { received: [...argv] },
      cause: caught,
    });
  }
  const error = toError(caught);
  return new TributaryError('INTERNAL', error.message, {
    context: { name: error.name },
    cause: error,
  });
}

/**
 * Print an error: `error CODE: message` on stderr unless already printed (`human: false`), the
 * stack trace when verbose, and with `--json` `{"error":{"code","message","context"}}` as one
 * line on stdout.
 *
 * @example
 * ```ts
 * reportError(error, io, { human: true, json: true, verbose: false });
 * ```
 */
export function reportError(
  error: TributaryError,
  io: { out: (t: string) => void; err: (t: string) => void },
  options: { human: boolean; json: boolean; verbose: boolean },
): void {
  if (options.human) io.err(`error ${error.code}: ${error.message}`);
  if (options.verbose) {
    const stack = (error.code === 'INTERNAL' ? toError(error.cause) : error).stack;
    if (stack !== undefined) io.err(stack);
  }
  if (options.json) {
    const { code, message, context } = error.toJSON();
    io.out(JSON.stringify({ error: { code, message, context } }));
  }
}

/**
 * True when the command line asks for `--json` (before a `--` that ends the options), for errors
 * raised before commander has parsed the options.
 *
 * @example
 * ```ts
 * wantsJson(['runs', '--json']); // true
 * ```
 */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}
