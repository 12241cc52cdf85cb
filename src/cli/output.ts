import { NodeState } from '../engine/index.js';

/** Where a command writes; injectable so commands are testable in-process. */
export interface Output {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly isTTY: boolean;
  readonly json: boolean;
}

/** Render rows as an aligned text table. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** `1.2 s`, `35 ms`, `0.4 ms`. */
export function duration(ms: number | undefined): string {
  if (ms === undefined) return '';
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`;
  return ms >= 10 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`;
}

/** ISO time, or empty. */
export function time(at: number | undefined): string {
  return at === undefined ? '' : new Date(at).toISOString();
}

/** States in lifecycle order (the order of the `NodeState` table). */
const ORDER: readonly NodeState[] = Object.values(NodeState);

/** `succeeded 5, failed 1` for the non-zero counts, in lifecycle order. */
export function countsLine(counts: Readonly<Partial<Record<NodeState, number>>>): string {
  return ORDER.filter((s) => (counts[s] ?? 0) > 0)
    .map((s) => `${s} ${counts[s]}`)
    .join(', ');
}
