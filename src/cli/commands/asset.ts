import type { Command } from 'commander';
import { TributaryError } from '../../errors/index.js';
import { emitAssetEvent, findProjectConfig } from '../../orchestrator/index.js';
import { checkAssetUri, type StoredAssetEvent } from '../../store/index.js';
import { cliActor } from '../actor.js';
import { dbOption, jsonOption, type CommandContext } from '../command-context.js';
import { parseLimit } from '../limit.js';
import { table, time, type Output } from '../output.js';
import { projectFor } from '../project.js';
import { withStore } from '../store.js';

/** Options of the `tributary asset` commands, as commander parses them. */
export interface AssetOptions {
  readonly db?: string;
  readonly project?: string;
  readonly partition?: string;
  readonly dataVersion?: string;
  readonly metadata?: string;
  readonly history?: boolean;
  readonly limit?: string;
}

type Action = 'emit' | 'list' | 'show';

/**
 * `tributary asset emit|list|show`:
 * - `emit <uri>`: record that an asset was updated outside Tributary (a file landed, a table was
 *   loaded), with `--partition`, `--data-version` and `--metadata`; the scheduler starts the
 *   DAGs that run on it. Checked against the project when there is one (the asset must be
 *   known, the partition one of its partitions).
 * - `list`: every asset with events: partitions materialized, latest event.
 * - `show <uri>`: the latest event of each partition, or with `--history` its events, newest first.
 *
 * @example
 * ```ts
 * await assetCommand('emit', 'file://landing/orders.csv', { metadata: '{"rows":120}' }, output);
 * ```
 */
export async function assetCommand(
  action: Action,
  uri: string | undefined,
  options: AssetOptions,
  output: Output,
): Promise<number> {
  if (uri !== undefined) checkAssetUri(uri);
  const limit = parseLimit(options.limit ?? '100');
  const registry =
    action === 'emit' && (options.project !== undefined || findProjectConfig(process.cwd()))
      ? (await projectFor(options.project)).dags
      : undefined;
  return withStore(
    options.db,
    async (store) => {
      switch (action) {
        case 'emit': {
          const event = await emitAssetEvent(registry, store, {
            asset: uri!,
            ...(options.partition === undefined ? {} : { partition: options.partition }),
            ...(options.dataVersion === undefined ? {} : { dataVersion: options.dataVersion }),
            ...(options.metadata === undefined ? {} : { metadata: metadataOf(options.metadata) }),
            by: cliActor(),
          });
          output.out(
            output.json
              ? JSON.stringify(event)
              : `Asset event ${event.id}: ${uri}${event.partitionKey === '' ? '' : ` [${event.partitionKey}]`} version ${event.dataVersion}.`,
          );
          return 0;
        }
        case 'list': {
          const assets = await store.listAssets();
          if (output.json) output.out(JSON.stringify(assets));
          else if (assets.length === 0) output.out('No asset events.');
          else
            output.out(
              table(
                ['asset', 'partitions', 'latest', 'version', 'at', 'by'],
                assets.map(({ asset, partitions, latest }) => [
                  asset,
                  String(partitions),
                  latest.partitionKey,
                  latest.dataVersion,
                  time(latest.at),
                  latest.source,
                ]),
              ),
            );
          return 0;
        }
        case 'show': {
          const events =
            options.history === true
              ? await store.assetEvents({
                  asset: uri!,
                  ...(options.partition === undefined ? {} : { partitionKey: options.partition }),
                  limit,
                })
              : await store.latestAssetEvents(
                  uri!,
                  options.partition === undefined ? undefined : [options.partition],
                );
          if (output.json) output.out(JSON.stringify(events));
          else if (events.length === 0) output.out(`No events of ${uri}.`);
          else output.out(eventTable(events));
          return 0;
        }
      }
    },
    { create: action === 'emit' },
  );
}

function eventTable(events: readonly StoredAssetEvent[]): string {
  return table(
    ['event', 'partition', 'version', 'at', 'by', 'metadata'],
    events.map((e) => [
      String(e.id),
      e.partitionKey,
      e.dataVersion,
      time(e.at),
      e.source,
      e.metadata ?? '',
    ]),
  );
}

function metadataOf(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TributaryError(
      'USAGE',
      `--metadata must be a JSON object, got ${JSON.stringify(text)} (${(error as Error).message})`,
      { context: { received: text }, cause: error },
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new TributaryError('USAGE', `--metadata must be a JSON object, got ${text}`, {
      context: { received: text },
    });
  return value as Record<string, unknown>;
}

/**
 * Register `tributary asset` on the program.
 *
 * @example
 * ```ts
 * registerAsset(program, ctx);
 * ```
 */
export function registerAsset(program: Command, ctx: CommandContext): void {
  const asset = program
    .command('asset')
    .description('record asset updates made outside Tributary, and read asset history');
  const run = (action: Action) => (uri: string | undefined, o: AssetOptions & { json?: boolean }) =>
    ctx.finish(assetCommand(action, uri, o, ctx.output(o.json)));
  asset
    .command('emit')
    .description('record that an asset was updated outside Tributary; DAGs that run on it start')
    .argument('<uri>', 'the asset, such as file://landing/orders.csv')
    .option('--partition <key>', 'the partition written')
    .option('--data-version <version>', 'its data version (default: a hash of the metadata)')
    .option('--metadata <json>', 'a JSON object kept with the event (row counts, paths, ...)')
    .option('--project <config>', 'project config to check the asset against')
    .addOption(dbOption())
    .addOption(jsonOption())
    .action(run('emit'));
  asset
    .command('list')
    .description('assets with events: partitions materialized, latest event')
    .addOption(dbOption())
    .addOption(jsonOption())
    .action((o: AssetOptions & { json?: boolean }) => run('list')(undefined, o));
  asset
    .command('show')
    .description("an asset's latest event per partition, or its history")
    .argument('<uri>')
    .option('--partition <key>')
    .option('--history', 'every event, newest first')
    .option('--limit <n>', 'how many events of the history', '100')
    .addOption(dbOption())
    .addOption(jsonOption())
    .action(run('show'));
}
