import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** One measured operation: the median of several samples, in nanoseconds per call. */
export interface Measurement {
  readonly medianNs: number;
  readonly samples: number;
}

/** How long to warm up and how many samples to take. */
export interface MeasureOptions {
  /** Untimed calls before sampling (JIT warm-up). Default 2; fast ops also warm for 30 ms. */
  readonly warmup?: number;
  /** Stop after this many samples. Default 15. */
  readonly maxSamples?: number;
  /** Always take at least this many samples, whatever the budget. Default 3. */
  readonly minSamples?: number;
  /** Stop sampling once this much time is spent (warm-up excluded). Default 1,500 ms. */
  readonly budgetMs?: number;
}

/** Results are written here so the optimiser cannot drop the measured work. */
export let sink: unknown;

const now = (): bigint => process.hrtime.bigint();

/**
 * V8's collector: a full collection by default, `{ type: 'minor' }` for the young generation
 * only. Uses `global.gc` under `--expose-gc`, else enables it at run time.
 */
export const collectGarbage: (options?: { type: 'major' | 'minor' }) => void = (() => {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed !== undefined) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/** The median of a non-empty list (mean of the two middle values for an even length). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Time a fast, repeatable operation. Calls are batched so that one sample lasts at least
 * ~5 ms, which keeps timer resolution out of sub-microsecond results.
 */
export function measure(run: () => unknown, options: MeasureOptions = {}): Measurement {
  let calls = 0;
  const warmStart = now();
  while (calls < (options.warmup ?? 2) || now() - warmStart < 30_000_000n) {
    sink = run();
    calls++;
  }
  const perCallNs = Number(now() - warmStart) / calls;
  const batch = Math.max(1, Math.ceil(5_000_000 / perCallNs));
  return sampleLoop(options, () => {
    const start = now();
    for (let i = 0; i < batch; i++) sink = run();
    return Number(now() - start) / batch;
  });
}

/**
 * Time an operation that needs fresh state each call (a build, a sequence of insertions):
 * `setup` and a full collection run untimed before every call of `run`, and a young-generation
 * collection ends every timed call. Without it a call whose allocations fit in the young
 * generation would leave their cost to whoever allocates next; with it every call pays for
 * its own (plus the fixed cost of one minor collection, ~0.1 ms).
 */
export function measureWithSetup<S>(
  setup: () => S,
  run: (state: S) => unknown,
  options: MeasureOptions = {},
): Measurement {
  for (let i = 0; i < (options.warmup ?? 2); i++) sink = run(setup());
  return sampleLoop(options, () => {
    const state = setup();
    collectGarbage();
    const start = now();
    sink = run(state);
    collectGarbage({ type: 'minor' });
    return Number(now() - start);
  });
}

function sampleLoop(options: MeasureOptions, sample: () => number): Measurement {
  const maxSamples = options.maxSamples ?? 15;
  const minSamples = options.minSamples ?? 3;
  const budgetNs = (options.budgetMs ?? 1500) * 1e6;
  const samples: number[] = [];
  const start = now();
  while (
    samples.length < minSamples ||
    (samples.length < maxSamples && Number(now() - start) < budgetNs)
  ) {
    samples.push(sample());
  }
  return { medianNs: median(samples), samples: samples.length };
}

/**
 * Time a whole async run (an execution of a DAG): `warmup` untimed runs, then the median of
 * `repeats` timed runs, each after a full garbage collection so every contender pays for its
 * own allocations. Nanoseconds.
 */
export async function measureAsync(
  run: () => Promise<unknown>,
  repeats: number,
  warmup = 5,
): Promise<number> {
  for (let i = 0; i < warmup; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    collectGarbage();
    const start = now();
    await run();
    samples.push(Number(now() - start));
  }
  return median(samples);
}

/** A duration for humans: `812 ns`, `14.2 µs`, `3.41 ms`, `1.20 s`. */
export function formatNs(ns: number): string {
  if (ns < 1e3) return `${ns.toFixed(ns < 10 ? 1 : 0)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toPrecision(3)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toPrecision(3)} ms`;
  return `${(ns / 1e9).toPrecision(3)} s`;
}

/** `peer / ours` as `3.2x` (above 1: ours is faster). */
export function formatRatio(peerNs: number, oursNs: number): string {
  const r = peerNs / oursNs;
  return `${r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)}x`;
}

/** A Markdown table with padded columns (stable under Prettier). `right` lists numeric columns. */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  right: readonly number[] = [],
): string {
  const widths = header.map((h, c) => Math.max(3, h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, c) => (right.includes(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join(' | ')} |`;
  const rule = widths.map((w, c) => (right.includes(c) ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w)));
  return [line(header), `| ${rule.join(' | ')} |`, ...rows.map(line)].join('\n');
}

/** The machine a run happened on, for the results file. */
export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly node: string;
  readonly platform: string;
  readonly date: string;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString().slice(0, 10),
  };
}

/** The machine block that heads every results section. */
export function machineLines(info: MachineInfo, command: string): string {
  return [
    `- Command: \`${command}\``,
    `- Machine: ${info.cpu}, ${info.cores} cores, ${info.platform}`,
    `- Node: ${info.node}`,
    `- Date: ${info.date}`,
  ].join('\n');
}

const INTRO = `# Benchmarks

Each benchmark runs Tributary and its peers (installed as devDependencies) in the same
process and reports medians and ratios; absolute times depend on the machine, ratios much
less. Sections are rewritten by their benchmark script; edit the text outside the markers.
`;

/**
 * Replace the text between `<!-- key:start -->` and `<!-- key:end -->` in a Markdown file,
 * appending a `## heading` section with those markers when absent (and creating the file).
 */
export function writeSection(file: string, key: string, heading: string, body: string): void {
  const start = `<!-- ${key}:start -->`;
  const end = `<!-- ${key}:end -->`;
  const block = `${start}\n\n${body.trim()}\n\n${end}`;
  const text = existsSync(file) ? readFileSync(file, 'utf8') : INTRO;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  const next =
    from >= 0 && to > from
      ? text.slice(0, from) + block + text.slice(to + end.length)
      : `${text.trimEnd()}\n\n## ${heading}\n\n${block}\n`;
  writeFileSync(file, next);
}
