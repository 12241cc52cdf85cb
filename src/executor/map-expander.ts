import { describeValue, TributaryError } from '../errors/index.js';
import type { DynamicNodeSpec, NodeSpec } from '../engine/index.js';
import type { Expander, TaskFn } from './types.js';

/** Options of {@link mapExpander}. */
export interface MapOptions<Item> extends Omit<
  NodeSpec<TaskFn | string, Expander | string>,
  'name' | 'input'
> {
  /** The task run once per item; it receives the item as `ctx.input`. */
  readonly task: TaskFn | string;
  /**
   * A stable key per item (an id, a file name), never its position: the same item keeps the
   * same node name across re-runs and resumes. Keys must be unique.
   */
  readonly key: (item: Item) => string;
  /** The node name for a key. Default `<parent>[<key>]`. */
  readonly name?: (key: string, parent: string) => string;
  /** Items from the parent's result. Default: the result itself, which must be an array. */
  readonly items?: (result: unknown) => readonly Item[];
  /** Nodes that wait for every mapped node (a reduce step). */
  readonly dependents?: readonly string[];
}

/**
 * Map-style fan-out: an expander that adds one node per item of the parent's list result,
 * named by a stable item key, each depending on the parent.
 *
 * @example
 * ```ts
 * const executor = new DynamicExecutor(dag, {
 *   expanders: { list_files: mapExpander({ task: 'process_file', key: (f: string) => f, dependents: ['merge'] }) },
 * });
 * ```
 */
export function mapExpander<Item>(options: MapOptions<Item>): Expander {
  const { task, key, name, items, dependents, ...rest } = options;
  return (parent, result) => {
    const list = items === undefined ? result : items(result);
    if (!Array.isArray(list)) {
      throw new TributaryError(
        'INVALID_ARGUMENT',
        `Expected the result of "${parent}" to be an array to map over, got ${describeValue(list)}`,
        {
          context: { node: parent },
        },
      );
    }
    const addNodes = (list as readonly Item[]).map(
      (item): DynamicNodeSpec<TaskFn | string, Expander | string> => {
        const k = key(item);
        return {
          ...rest,
          name: name === undefined ? `${parent}[${k}]` : name(k, parent),
          task,
          input: item,
          dependencies: [parent],
          ...(dependents === undefined ? {} : { dependents }),
        };
      },
    );
    return { addNodes, reason: `map over ${addNodes.length} items of "${parent}"` };
  };
}
