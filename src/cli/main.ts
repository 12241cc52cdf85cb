import { Command, CommanderError, Option } from 'commander';
import { TributaryError } from '../errors/index.js';
import { auditCommand, cancelCommand, runsCommand, showCommand } from './commands/inspect.js';
import { graphCommand, validateCommand } from './commands/definition.js';
import { resumeCommand, runCommand } from './commands/run.js';
import { DEFAULT_DB } from './store.js';
import type { Output } from './output.js';

/** Exit codes: 0 success, 1 run failed (or an operation failed), 2 usage error. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

const USAGE_CODES = new Set([
  'INVALID_ARGUMENT',
  'DAG_NOT_FOUND',
  'MODULE_LOAD_FAILED',
  'RUN_NOT_FOUND',
  'NOT_SERIALIZABLE',
]);

/**
 * Build the `tributary` program. `run` resolves with the exit code instead of exiting, so the
 * CLI can be driven in-process by tests.
 */
export function createProgram(io: {
  out: (t: string) => void;
  err: (t: string) => void;
  isTTY: boolean;
}): {
  run(argv: readonly string[]): Promise<number>;
} {
  let code: number = EXIT.ok;
  const output = (json: boolean | undefined): Output => ({ ...io, json: json === true });
  const set = (p: Promise<number>): Promise<void> => p.then((c) => void (code = c));

  const program = new Command('tributary')
    .description('Run DAGs that change while they run, survive crashes and depend on each other.')
    .option('--verbose', 'print stack traces with errors')
    .exitOverride()
    .configureOutput({ writeOut: (t) => io.out(t.trimEnd()), writeErr: (t) => io.err(t.trimEnd()) })
    .showHelpAfterError();
  const db = (): Option => new Option('--db <path>', 'SQLite database').default(DEFAULT_DB);
  const json = (): Option => new Option('--json', 'machine-readable output');
  const collect = (value: string, previous: string[]): string[] => [...previous, value];

  program
    .command('run')
    .description('start a durable run of a DAG defined in a module (TypeScript or JavaScript)')
    .argument('<module>', 'definition module')
    .option('--dag <id>', 'which DAG, when the module defines several')
    .option('--param <key=value>', 'run parameter (JSON or string), repeatable', collect, [])
    .addOption(db())
    .addOption(
      new Option(
        '--durability <mode>',
        'normal: survives a process crash; full: also a power loss',
      ).choices(['normal', 'full']),
    )
    .addOption(json())
    .action(
      (
        module: string,
        o: {
          dag?: string;
          param: string[];
          db: string;
          durability?: 'normal' | 'full';
          json?: boolean;
        },
      ) => set(runCommand(module, o, output(o.json))),
    );
  program
    .command('resume')
    .description('continue a run after a crash; succeeded nodes never run again')
    .argument('<runId>')
    .option('--module <path>', 'definition module (default: the one the run started from)')
    .addOption(db())
    .addOption(json())
    .action((runId: string, o: { module?: string; db: string; json?: boolean }) =>
      set(resumeCommand(runId, o, output(o.json))),
    );
  program
    .command('validate')
    .description('load and validate the DAG definitions of a module')
    .argument('<module>')
    .addOption(json())
    .action((module: string, o: { json?: boolean }) =>
      set(validateCommand(module, output(o.json))),
    );
  program
    .command('graph')
    .description('print a DAG as mermaid, dot, json or text')
    .argument('<module>')
    .option('--dag <id>')
    .option('--format <format>', 'mermaid | dot | json | text', 'text')
    .action((module: string, o: { dag?: string; format: string }) =>
      set(graphCommand(module, o, output(false))),
    );
  program
    .command('runs')
    .description('list recent runs')
    .option('--dag <id>')
    .option('--status <status>')
    .option('--limit <n>', 'how many', '50')
    .addOption(db())
    .addOption(json())
    .action((o: { dag?: string; status?: string; limit: string; db: string; json?: boolean }) =>
      set(runsCommand(o, output(o.json))),
    );
  program
    .command('show')
    .description('show a run and the state of every node')
    .argument('<runId>')
    .addOption(db())
    .addOption(json())
    .action((runId: string, o: { db: string; json?: boolean }) =>
      set(showCommand(runId, o, output(o.json))),
    );
  program
    .command('audit')
    .description('the modification trail and every state change, with time and actor')
    .argument('<runId>')
    .addOption(db())
    .addOption(json())
    .action((runId: string, o: { db: string; json?: boolean }) =>
      set(auditCommand(runId, o, output(o.json))),
    );
  program
    .command('cancel')
    .description('cancel a run')
    .argument('<runId>')
    .addOption(db())
    .addOption(json())
    .action((runId: string, o: { db: string; json?: boolean }) =>
      set(cancelCommand(runId, o, output(o.json))),
    );

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
          return USAGE_CODES.has(error.code) ? EXIT.usage : EXIT.failed;
        }
        const e = error instanceof Error ? error : new Error(String(error));
        io.err(`error: ${e.message}`);
        if (verbose && e.stack !== undefined) io.err(e.stack);
        return EXIT.failed;
      }
    },
  };
}
