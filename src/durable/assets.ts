import { invalidArgument, TributaryError } from '../errors/index.js';
import type { DAG } from '../graph/index.js';
import { checkAssetUri } from '../store/index.js';

/**
 * An asset a DAG produces: its URI, and the node whose success materializes it. Without
 * `node`, the DAG's one sink (the node nothing depends on) produces it; a DAG with several
 * sinks must name the node.
 */
export interface ProducedAssetOptions {
  readonly asset: string;
  readonly node?: string;
}

/** A produced asset with its node filled in. */
export interface ProducedAsset {
  readonly asset: string;
  readonly node: string;
}

/** The assets of a DAG, checked: every (asset, node) pair, and by node. */
export interface DagAssets {
  /** In declaration order: DAG-level declarations, then nodes running a producing task. */
  readonly produces: readonly ProducedAsset[];
  /** Asset URIs by producing node. */
  readonly byNode: ReadonlyMap<string, readonly string[]>;
  /** Asset URIs by producing task (a task's `produces`): dynamic nodes running it produce them too. */
  readonly byTask: ReadonlyMap<string, readonly string[]>;
}

/**
 * Check DAG `id`'s asset declarations against its graph: the DAG's `produces` (URIs or
 * `{ asset, node }`) and its tasks' `produces` (every node running the task produces them).
 * `INVALID_ASSET` quoting a bad URI, `UNKNOWN_NODE` for a node not in the graph,
 * `INVALID_ARGUMENT` for a DAG-level URI without a node when the DAG has several sinks.
 *
 * @example
 * ```ts
 * const assets = dagAssets('sales', ['warehouse://sales/daily'], graph, new Map());
 * assets.byNode.get('publish'); // ['warehouse://sales/daily'] when publish is the sink
 * ```
 */
export function dagAssets(
  id: string,
  given: readonly (string | ProducedAssetOptions)[] | undefined,
  graph: DAG,
  taskProduces: ReadonlyMap<string, readonly string[]>,
  taskOf: (node: string) => string,
): DagAssets {
  const list: readonly (string | ProducedAssetOptions)[] = given ?? [];
  if (!Array.isArray(list))
    invalidArgument(`\`produces\` of "${id}"`, 'an array of asset URIs or { asset, node }', given);
  const produces: ProducedAsset[] = [];
  const seen = new Set<string>();
  const add = (asset: string, node: string): void => {
    const key = `${asset}\u0000${node}`;
    if (seen.has(key)) return;
    seen.add(key);
    produces.push({ asset, node });
  };
  list.forEach((entry, i) => {
    const where = `produces[${i}] of "${id}"`;
    const given: unknown = entry;
    if (typeof given !== 'string' && (typeof given !== 'object' || given === null))
      invalidArgument(where, 'an asset URI or { asset, node }', given);
    const options = (typeof given === 'string' ? { asset: given } : given) as ProducedAssetOptions;
    checkAssetUri(options.asset, `the asset of ${where}`);
    const node =
      options.node === undefined
        ? soleSink(id, where, graph, options.asset)
        : nodeIn(id, where, graph, options.node);
    add(options.asset, node);
  });
  for (const node of graph.nodeNames())
    for (const asset of taskProduces.get(taskOf(node)) ?? []) add(asset, node);
  const byNode = new Map<string, string[]>();
  for (const { asset, node } of produces) {
    let list = byNode.get(node);
    if (list === undefined) byNode.set(node, (list = []));
    list.push(asset);
  }
  return { produces, byNode, byTask: taskProduces };
}

/**
 * Check a task's `produces`: asset URIs (`INVALID_ASSET` quoting a bad one).
 *
 * @example
 * ```ts
 * taskAssets('load', ['warehouse://raw/orders']); // ['warehouse://raw/orders']
 * ```
 */
export function taskAssets(task: string, given: unknown): readonly string[] | undefined {
  if (given === undefined) return undefined;
  if (!Array.isArray(given))
    invalidArgument(`\`produces\` of task "${task}"`, 'an array of asset URIs', given);
  for (const asset of given as unknown[]) checkAssetUri(asset, `an asset of task "${task}"`);
  return Object.freeze([...new Set(given as string[])]);
}

function soleSink(id: string, where: string, graph: DAG, asset: string): string {
  const sinks = graph.leaves();
  if (sinks.length !== 1)
    throw new TributaryError(
      'INVALID_ARGUMENT',
      `${where} (\`${asset}\`) must name its producing \`node\`: the DAG has ${sinks.length} sinks (${sinks.slice(0, 5).join(', ')}${sinks.length > 5 ? ', ...' : ''}), so none is the obvious producer`,
      { context: { dagId: id, received: asset } },
    );
  return sinks[0]!;
}

function nodeIn(id: string, where: string, graph: DAG, node: unknown): string {
  if (typeof node !== 'string' || !graph.hasNode(node))
    throw new TributaryError(
      'UNKNOWN_NODE',
      `The \`node\` of ${where} must be a node of the DAG, got ${JSON.stringify(node)}`,
      { context: { dagId: id, node: String(node), received: node } },
    );
  return node;
}
