import { describeValue, TributaryError } from '../errors/index.js';
import type { CoreInput, DagCore } from './core.js';

/** The JSON form of a DAG: `{ version: 1, nodes: [...], edges: [...] }`. */
export interface DagJSON {
  readonly version: 1;
  readonly nodes: readonly {
    readonly name: string;
    readonly payload?: unknown;
    readonly metadata?: Readonly<Record<string, unknown>>;
  }[];
  readonly edges: readonly {
    readonly from: string;
    readonly to: string;
    readonly weight?: number;
    readonly label?: string;
  }[];
}

/** Serialize a core; payloads and metadata are included as they are. */
export function dagToJSON(core: DagCore): DagJSON {
  return {
    version: 1,
    nodes: core.names.map((name, v) => {
      const payload = core.payloads[v];
      const metadata = core.metadata[v];
      return {
        name,
        ...(payload === undefined ? {} : { payload }),
        ...(metadata === undefined ? {} : { metadata }),
      };
    }),
    edges: Array.from(core.edgeFrom, (from, e) => {
      const weight = core.edgeWeight[e];
      const label = core.edgeLabel[e];
      return {
        from: core.names[from]!,
        to: core.names[core.edgeTo[e]!]!,
        ...(weight === undefined ? {} : { weight }),
        ...(label === undefined ? {} : { label }),
      };
    }),
  };
}

/** Parse the JSON form, with an `INVALID_ARGUMENT` error quoting the first bad field. */
export function dagFromJSON(json: unknown): CoreInput {
  const bad = (what: string, value: unknown): never => {
    throw new TributaryError(
      'INVALID_ARGUMENT',
      `Invalid DAG JSON: ${what}, got ${describeValue(value)}`,
      {
        context: { received: what },
      },
    );
  };
  if (typeof json !== 'object' || json === null) bad('expected an object', json);
  const { version, nodes, edges } = json as Record<string, unknown>;
  if (version !== 1) bad('expected `version` 1', version);
  if (!Array.isArray(nodes)) bad('expected `nodes` to be an array', nodes);
  if (!Array.isArray(edges)) bad('expected `edges` to be an array', edges);
  const names: string[] = [];
  const payloads: unknown[] = [];
  const metadata: (Readonly<Record<string, unknown>> | undefined)[] = [];
  const ids = new Map<string, number>();
  for (const [i, node] of (nodes as unknown[]).entries()) {
    const { name, payload, metadata: meta } = (node ?? {}) as Record<string, unknown>;
    if (typeof name !== 'string' || name === '')
      bad(`\`nodes[${i}].name\` must be a non-empty string`, name);
    if (meta !== undefined && (typeof meta !== 'object' || meta === null)) {
      bad(`\`nodes[${i}].metadata\` must be an object`, meta);
    }
    ids.set(name as string, names.length);
    names.push(name as string);
    payloads.push(payload);
    metadata.push(meta as Readonly<Record<string, unknown>> | undefined);
  }
  const edgeFrom: number[] = [];
  const edgeTo: number[] = [];
  const edgeWeight: (number | undefined)[] = [];
  const edgeLabel: (string | undefined)[] = [];
  for (const [i, edge] of (edges as unknown[]).entries()) {
    const { from, to, weight, label } = (edge ?? {}) as Record<string, unknown>;
    const u = typeof from === 'string' ? ids.get(from) : undefined;
    const v = typeof to === 'string' ? ids.get(to) : undefined;
    if (u === undefined) bad(`\`edges[${i}].from\` must name a node`, from);
    if (v === undefined) bad(`\`edges[${i}].to\` must name a node`, to);
    if (weight !== undefined && typeof weight !== 'number')
      bad(`\`edges[${i}].weight\` must be a number`, weight);
    if (label !== undefined && typeof label !== 'string')
      bad(`\`edges[${i}].label\` must be a string`, label);
    edgeFrom.push(u!);
    edgeTo.push(v!);
    edgeWeight.push(weight as number | undefined);
    edgeLabel.push(label as string | undefined);
  }
  return { names, payloads, metadata, edgeFrom, edgeTo, edgeWeight, edgeLabel };
}
