import { Option } from 'commander';
import type { Output } from './output.js';
import { DEFAULT_DB } from './store.js';

/**
 * What a command module needs to register itself on the program: where it writes, and where
 * its action reports the exit code it resolves with.
 *
 * @example
 * ```ts
 * program.command('runs').action((o: { json?: boolean }) => ctx.finish(runsCommand(o, ctx.output(o.json))));
 * ```
 */
export interface CommandContext {
  /** The output for one invocation; `json` is the command's `--json` flag. */
  output(json: boolean | undefined): Output;
  /** Record the exit code an action resolves with (a rejection propagates as the error). */
  finish(code: Promise<number>): Promise<void>;
}

/**
 * The `--db <path>` option shared by every command that reads or writes runs.
 *
 * @example
 * ```ts
 * program.command('show').addOption(dbOption());
 * ```
 */
export function dbOption(): Option {
  return new Option('--db <path>', 'SQLite database').default(DEFAULT_DB);
}

/**
 * The `--json` option: machine-readable output, errors included.
 *
 * @example
 * ```ts
 * program.command('show').addOption(jsonOption());
 * ```
 */
export function jsonOption(): Option {
  return new Option('--json', 'machine-readable output (errors too, as {"error": {...}})');
}
