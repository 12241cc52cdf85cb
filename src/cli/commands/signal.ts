import type { Command } from 'commander';
import { TributaryError } from '../../errors/index.js';
import type { RunStore, StoredSignal } from '../../store/index.js';
import { cliActor } from '../actor.js';
import { dbOption, jsonOption, type CommandContext } from '../command-context.js';
import { table, time, type Output } from '../output.js';
import { parseLimit } from '../limit.js';
import { withStore } from '../store.js';

/** Options shared by the `signal` subcommands, as commander parses them. */
export interface SignalOptions {
  readonly db?: string;
  readonly period?: string;
  readonly payload?: string;
  readonly history?: boolean;
  readonly name?: string;
  readonly limit?: string;
}

type Action = 'set' | 'get' | 'list' | 'clear';

/**
 * `tributary signal set|get|list|clear`: durable signals that DAGs wait on, set by people or by
 * other systems (one command from a shell script). History is kept: `get --history`.
 *
 * @example
 * ```ts
 * await signalCommand('set', 'legacy.export_done', { period: '2026-12-05', payload: '{"rows":10}' }, output);
 * ```
 */
export async function signalCommand(
  action: Action,
  name: string | undefined,
  options: SignalOptions,
  output: Output,
): Promise<number> {
  const periodKey = options.period ?? '';
  return withStore(
    options.db,
    async (store) => {
      switch (action) {
        case 'set': {
          const stored = await store.setSignal({
            name: name!,
            periodKey,
            ...(options.payload === undefined ? {} : { payload: parsePayload(options.payload) }),
            setBy: cliActor(),
            at: Date.now(),
          });
          print(output, stored, () => `Signal ${label(stored)} set`);
          return 0;
        }
        case 'clear': {
          const stored = await store.clearSignal(name!, periodKey, cliActor(), Date.now());
          if (output.json) output.out(JSON.stringify({ cleared: stored !== undefined }));
          else
            output.out(
              stored === undefined
                ? `Signal ${name}${suffix(periodKey)} was not set`
                : `Signal ${label(stored)} cleared`,
            );
          return 0;
        }
        case 'get':
          return get(store, name!, periodKey, options.history === true, output);
        case 'list': {
          const signals = await store.listSignals({
            ...(options.name === undefined ? {} : { name: options.name }),
            ...(options.period === undefined ? {} : { periodKey: options.period }),
            limit: parseLimit(options.limit ?? '100'),
          });
          if (output.json) output.out(JSON.stringify(signals));
          else if (signals.length === 0) output.out('No signals set.');
          else output.out(rows(signals));
          return 0;
        }
      }
    },
    { create: action === 'set' },
  );
}

async function get(
  store: RunStore,
  name: string,
  periodKey: string,
  history: boolean,
  output: Output,
): Promise<number> {
  if (history) {
    const entries = await store.signalHistory(name, periodKey);
    if (output.json) output.out(JSON.stringify(entries));
    else if (entries.length === 0) output.out(`Signal ${name}${suffix(periodKey)} was never set`);
    else output.out(rows(entries));
    return 0;
  }
  const stored = await store.getSignal(name, periodKey);
  if (stored === undefined) {
    // Not set is an answer, not an error: exit 1 lets a shell script branch on it.
    if (output.json) output.out(JSON.stringify(null));
    else output.out(`Signal ${name}${suffix(periodKey)} is not set`);
    return 1;
  }
  print(output, stored, () =>
    [
      `Signal ${label(stored)}`,
      `  set by ${stored.setBy} at ${time(stored.setAt)}`,
      ...(stored.payload === undefined ? [] : [`  payload ${JSON.stringify(stored.payload)}`]),
    ].join('\n'),
  );
  return 0;
}

function print(output: Output, stored: StoredSignal, human: () => string): void {
  output.out(output.json ? JSON.stringify(stored) : human());
}

function rows(signals: readonly StoredSignal[]): string {
  return table(
    ['signal', 'period', 'state', 'by', 'at', 'payload'],
    signals.map((s) => [
      s.name,
      s.periodKey,
      s.cleared ? 'cleared' : 'set',
      s.setBy,
      time(s.setAt),
      s.payload === undefined ? '' : JSON.stringify(s.payload),
    ]),
  );
}

const suffix = (periodKey: string): string => (periodKey === '' ? '' : ` for ${periodKey}`);
const label = (s: StoredSignal): string => `${s.name}${suffix(s.periodKey)}`;

/** `--payload` is JSON; anything else is a usage mistake worth naming. */
function parsePayload(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new TributaryError(
      'INVALID_ARGUMENT',
      `Expected --payload to be JSON (quote strings: '"done"'), got \`${text}\``,
      { context: { received: text } },
    );
  }
}

/**
 * Register `tributary signal` and its subcommands on the program.
 *
 * @example
 * ```ts
 * registerSignal(program, ctx);
 * ```
 */
export function registerSignal(program: Command, ctx: CommandContext): void {
  const signal = program
    .command('signal')
    .description('set, read, list and clear durable signals that DAGs can wait on');
  const run =
    (action: Action) => (name: string | undefined, o: SignalOptions & { json?: boolean }) =>
      ctx.finish(signalCommand(action, name, o, ctx.output(o.json)));
  signal
    .command('set')
    .description('set a signal (again), with an optional JSON payload')
    .argument('<name>')
    .option('--period <key>', 'the period the signal is for')
    .option('--payload <json>', 'a JSON value kept with the signal')
    .addOption(dbOption())
    .addOption(jsonOption())
    .action(run('set'));
  signal
    .command('get')
    .description('print a signal (exit 1 when it is not set), or its history')
    .argument('<name>')
    .option('--period <key>')
    .option('--history', 'every set and clear, oldest first')
    .addOption(dbOption())
    .addOption(jsonOption())
    .action(run('get'));
  signal
    .command('list')
    .description('signals set now')
    .option('--name <name>')
    .option('--period <key>')
    .option('--limit <n>', 'how many', '100')
    .addOption(dbOption())
    .addOption(jsonOption())
    .action((o: SignalOptions & { json?: boolean }) => run('list')(undefined, o));
  signal
    .command('clear')
    .description('clear a signal (its history is kept)')
    .argument('<name>')
    .option('--period <key>')
    .addOption(dbOption())
    .addOption(jsonOption())
    .action(run('clear'));
}
