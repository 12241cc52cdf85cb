import { Command, CommanderError } from 'commander';
import { TributaryError } from '../errors/index.js';
import type { CommandContext } from './command-context.js';
import { registerAudit } from './commands/audit.js';
import { registerCancel } from './commands/cancel.js';
import { registerGraph } from './commands/graph.js';
import { registerResume } from './commands/resume.js';
import { registerRun } from './commands/run.js';
import { registerRuns } from './commands/runs.js';
import { registerShow } from './commands/show.js';
import { registerValidate } from './commands/validate.js';
import { EXIT, exitCodeForError } from './exit-codes.js';

/** Every command, in the order `--help` lists them. */
const COMMANDS = [
  registerRun,
  registerResume,
  registerValidate,
  registerGraph,
  registerRuns,
  registerShow,
  registerAudit,
  registerCancel,
] as const;

/**
 * Build the `tributary` program. `run` resolves with the exit code instead of exiting, so the
 * CLI can be driven in-process by tests.
 *
 * @example
 * ```ts
 * const lines: string[] = [];
 * const program = createProgram({ out: (t) => lines.push(t), err: console.error, isTTY: false });
 * const code = await program.run(['validate', 'examples/etl.ts', '--json']);
 * ```
 */
export function createProgram(io: {
  out: (t: string) => void;
  err: (t: string) => void;
  isTTY: boolean;
}): {
  run(argv: readonly string[]): Promise<number>;
} {
  let code: number = EXIT.ok;
  const context: CommandContext = {
    output: (json) => ({ ...io, json: json === true }),
    finish: (p) => p.then((c) => void (code = c)),
  };

  const program = new Command('tributary')
    .description('Run DAGs that change while they run, survive crashes and depend on each other.')
    .option('--verbose', 'print stack traces with errors')
    .exitOverride()
    .configureOutput({ writeOut: (t) => io.out(t.trimEnd()), writeErr: (t) => io.err(t.trimEnd()) })
    .showHelpAfterError();
  for (const register of COMMANDS) register(program, context);

  return {
    async run(argv) {
      code = EXIT.ok;
      try {
        await program.parseAsync(argv, { from: 'user' });
        return code;
      } catch (error) {
        if (error instanceof CommanderError) {
          return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
        }
        const verbose =
          program.opts<{ verbose?: boolean }>().verbose === true || argv.includes('--verbose');
        if (error instanceof TributaryError) {
          io.err(`error ${error.code}: ${error.message}`);
          if (verbose && error.stack !== undefined) io.err(error.stack);
          return exitCodeForError(error.code);
        }
        const e = error instanceof Error ? error : new Error(String(error));
        io.err(`error: ${e.message}`);
        if (verbose && e.stack !== undefined) io.err(e.stack);
        return EXIT.failed;
      }
    },
  };
}
