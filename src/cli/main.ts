import { Command, CommanderError } from 'commander';
import { reportError, toCliError, wantsJson } from './cli-error.js';
import type { CommandContext } from './command-context.js';
import { registerAudit } from './commands/audit.js';
import { registerCancel } from './commands/cancel.js';
import { registerClear } from './commands/clear.js';
import { registerMark } from './commands/mark.js';
import { registerGraph } from './commands/graph.js';
import { registerLineage } from './commands/lineage.js';
import { registerLint } from './commands/lint.js';
import { registerLogs } from './commands/logs.js';
import { registerModify } from './commands/modify.js';
import { registerResume } from './commands/resume.js';
import { registerRun } from './commands/run.js';
import { registerRuns } from './commands/runs.js';
import { registerShow } from './commands/show.js';
import { registerDags } from './commands/dags.js';
import { registerPause } from './commands/pause.js';
import { registerPrune } from './commands/prune.js';
import { registerScheduler } from './commands/scheduler.js';
import { registerTrigger } from './commands/trigger.js';
import { registerTriggers } from './commands/triggers.js';
import { registerAlerts } from './commands/alerts.js';
import { registerSignal } from './commands/signal.js';
import { registerValidate } from './commands/validate.js';
import { registerAsset } from './commands/asset.js';
import { registerBackfill } from './commands/backfill.js';
import { registerPartitions } from './commands/partitions.js';
import { EXIT, exitCodeForError } from './exit-codes.js';
import { packageVersion } from './version.js';

/** Every command, in the order `--help` lists them. */
const COMMANDS = [
  registerRun,
  registerResume,
  registerValidate,
  registerLint,
  registerGraph,
  registerRuns,
  registerShow,
  registerAudit,
  registerLogs,
  registerModify,
  registerCancel,
  registerClear,
  registerMark,
  registerSignal,
  registerDags,
  registerLineage,
  registerPause,
  registerScheduler,
  registerTrigger,
  registerTriggers,
  registerAsset,
  registerPartitions,
  registerBackfill,
  registerAlerts,
  registerPrune,
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
  /** The `--json` flag of the command being run, once commander has parsed it. */
  let json: boolean | undefined;
  /** Whether commander has printed the current parse error (before the help that follows it). */
  let printed = false;
  const context: CommandContext = {
    output: (flag) => {
      json = flag === true;
      return { ...io, json };
    },
    finish: (p) => p.then((c) => void (code = c)),
  };

  const program = new Command('tributary')
    .description('Run DAGs that change while they run, survive crashes and depend on each other.')
    .version(packageVersion())
    .option('--verbose', 'print stack traces with errors')
    .exitOverride()
    .configureOutput({
      writeOut: (t) => io.out(t.trimEnd()),
      writeErr: (t) => io.err(t.trimEnd()),
      // A parse error is a USAGE error; its line comes before the help that commander adds.
      outputError: (t) => {
        printed = true;
        io.err(`error USAGE: ${t.trim().replace(/^error: /, '')}`);
      },
    })
    .showHelpAfterError();
  for (const register of COMMANDS) register(program, context);

  return {
    async run(argv) {
      code = EXIT.ok;
      json = undefined;
      printed = false;
      try {
        await program.parseAsync(argv, { from: 'user' });
        return code;
      } catch (caught) {
        // --help and --version end the parse with a CommanderError that is not a failure.
        if (caught instanceof CommanderError && caught.exitCode === 0) return EXIT.ok;
        const error = toCliError(caught, argv);
        reportError(error, io, {
          human: !printed,
          json: json ?? wantsJson(argv),
          verbose:
            program.opts<{ verbose?: boolean }>().verbose === true || argv.includes('--verbose'),
        });
        return exitCodeForError(error.code);
      }
    },
  };
}
