import type { DagCore } from './core.js';
import { nodeLevels } from './levels.js';

/**
 * A Mermaid flowchart (`flowchart TD`): one line per node in node order, then one per edge in
 * edge order. Node ids are the names reduced to `[A-Za-z0-9_]` (prefixed with `n_` when empty,
 * starting with a digit or a Mermaid keyword, suffixed `_2`, `_3`… on a clash); labels show the
 * real names, edge labels are shown on the arrows. Deterministic, O(V + E).
 *
 * @example
 * ```ts
 * toMermaid(coreOf(dag));
 * // flowchart TD
 * //   extract["extract"]
 * //   load["load"]
 * //   extract -->|"rows"| load
 * ```
 */
export function toMermaid(core: DagCore): string {
  const ids = mermaidIds(core.names);
  const lines = ['flowchart TD'];
  core.names.forEach((name, v) => lines.push(`  ${ids[v]}["${mermaidText(name)}"]`));
  for (let e = 0; e < core.edgeFrom.length; e++) {
    const label = core.edgeLabel[e];
    const arrow = label === undefined ? '-->' : `-->|"${mermaidText(label)}"|`;
    lines.push(`  ${ids[core.edgeFrom[e]!]} ${arrow} ${ids[core.edgeTo[e]!]}`);
  }
  return lines.join('\n');
}

const MERMAID_KEYWORDS = new Set([
  'end',
  'graph',
  'flowchart',
  'subgraph',
  'direction',
  'style',
  'class',
  'classdef',
  'click',
  'linkstyle',
  'default',
]);

function mermaidIds(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((name) => {
    let base = name.replace(/[^A-Za-z0-9_]/g, '_');
    if (base === '' || /^[0-9]/.test(base) || MERMAID_KEYWORDS.has(base.toLowerCase())) {
      base = `n_${base}`;
    }
    let id = base;
    for (let k = 2; used.has(id); k++) id = `${base}_${k}`;
    used.add(id);
    return id;
  });
}

/** Mermaid entity codes for the characters that would end or break a quoted label. */
function mermaidText(text: string): string {
  return text
    .replace(/#/g, '#35;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/\r?\n/g, '<br/>');
}

/**
 * A Graphviz DOT digraph: every node (so isolated ones show), then every edge with its label.
 * Names are double-quoted with `"` and `\` escaped and newlines written `\n`. Deterministic,
 * O(V + E).
 *
 * @example
 * ```ts
 * toDot(coreOf(dag));
 * // digraph {
 * //   "extract";
 * //   "load";
 * //   "extract" -> "load" [label="rows"];
 * // }
 * ```
 */
export function toDot(core: DagCore): string {
  const lines = ['digraph {'];
  for (const name of core.names) lines.push(`  ${dotString(name)};`);
  for (let e = 0; e < core.edgeFrom.length; e++) {
    const label = core.edgeLabel[e];
    const attributes = label === undefined ? '' : ` [label=${dotString(label)}]`;
    const from = dotString(core.names[core.edgeFrom[e]!]!);
    const to = dotString(core.names[core.edgeTo[e]!]!);
    lines.push(`  ${from} -> ${to}${attributes};`);
  }
  lines.push('}');
  return lines.join('\n');
}

function dotString(text: string): string {
  const escaped = text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n');
  return `"${escaped}"`;
}

/**
 * A readable terminal rendering, one line per node, level by level (level k holds the nodes
 * whose longest path from a root has k edges), each node followed by its parents in edge
 * order. Names with control characters, commas or surrounding spaces are JSON-quoted;
 * `(empty DAG)` for an empty DAG. Deterministic, O(V + E).
 *
 * @example
 * ```ts
 * toText(coreOf(dag));
 * // L0  extract
 * // L1  transform ← extract
 * // L2  load ← transform
 * ```
 */
export function toText(core: DagCore): string {
  const { groups } = nodeLevels(core);
  if (groups.length === 0) return '(empty DAG)';
  const width = `L${groups.length - 1}`.length;
  const lines: string[] = [];
  groups.forEach((group, level) => {
    const label = `L${level}`.padEnd(width);
    for (const v of group) {
      const parents: string[] = [];
      for (let k = core.inStart[v]!; k < core.inStart[v + 1]!; k++) {
        parents.push(textName(core.names[core.inFrom[k]!]!));
      }
      const suffix = parents.length === 0 ? '' : ` ← ${parents.join(', ')}`;
      lines.push(`${label}  ${textName(core.names[v]!)}${suffix}`);
    }
  });
  return lines.join('\n');
}

function textName(name: string): string {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f]|^\s|\s$|,/.test(name) ? JSON.stringify(name) : name;
}
