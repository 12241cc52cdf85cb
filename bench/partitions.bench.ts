/**
 * Enumerating and counting time partitions: medians of repeated runs, after a warm-up that also
 * fills the zones' transition caches.
 *
 *   npm run bench:partitions
 */
import {
  countPartitions,
  dailyPartitions,
  hourlyPartitions,
  partitionRange,
} from '../src/time/index.js';
import type { PeriodSpace } from '../src/time/index.js';

interface Case {
  readonly name: string;
  readonly space: PeriodSpace;
  readonly from: string;
  readonly to: string;
}

/** The key `n - 1` periods after `from`, found by stepping (`next`), not by the code measured. */
function lastKey(space: PeriodSpace, from: string, n: number): string {
  let period = space.parse(from);
  for (let i = 1; i < n; i++) period = space.next(period)!;
  return period.key;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function time(run: () => void, repeat: number): number {
  run();
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return median(times);
}

const N = 100_000;
const spaces = {
  'hourly UTC': [hourlyPartitions({ start: '2000-01-01T00:00' }), '2000-01-01T00:00Z'],
  'hourly Paris': [
    hourlyPartitions({ start: '2000-01-01T00:00', timezone: 'Europe/Paris' }),
    '2000-01-01T00:00+01:00',
  ],
  'hourly Lord_Howe': [
    hourlyPartitions({ start: '2000-01-01T00:00', timezone: 'Australia/Lord_Howe' }),
    '2000-01-01T00:00+11:00',
  ],
  'daily UTC': [dailyPartitions({ start: '1800-01-01' }), '1800-01-01'],
  'daily Paris': [dailyPartitions({ start: '1800-01-01', timezone: 'Europe/Paris' }), '1800-01-01'],
} as const;
const repeat = Number(process.argv[2] ?? 7);
const cases: Case[] = Object.entries(spaces).map(([name, [space, from]]) => ({
  name,
  space,
  from,
  to: lastKey(space, from, N),
}));

console.log(`node ${process.version}, ${N} partitions, median of ${repeat}`);
for (const { name, space, from, to } of cases) {
  let keys = 0;
  const range = time(() => {
    keys = 0;
    for (const p of partitionRange(space, from, to)) keys += p.key.length > 0 ? 1 : 0;
  }, repeat);
  let count = 0;
  const counted = time(() => {
    count = countPartitions(space, from, to);
  }, repeat);
  if (keys !== N || count !== N) throw new Error(`${name}: listed ${keys}, counted ${count}`);
  console.log(
    `${name.padEnd(18)} partitionRange ${range.toFixed(1).padStart(8)} ms   countPartitions ${counted.toFixed(2).padStart(8)} ms`,
  );
}
const millions = [
  ['hourly Paris', hourlyPartitions({ start: 0, timezone: 'Europe/Paris' })],
  ['daily Paris', dailyPartitions({ start: '0200-01-01', timezone: 'Europe/Paris' })],
] as const;
for (const [name, space] of millions) {
  const first = space.parse(name.startsWith('hourly') ? '1970-01-01T01:00+01:00' : '0200-01-01');
  const to = lastKey(space, first.key, 1_000_000);
  let count = 0;
  const counted = time(() => {
    count = countPartitions(space, first.key, to);
  }, repeat);
  if (count !== 1_000_000) throw new Error(`${name}: counted ${count}`);
  console.log(`${name.padEnd(18)} countPartitions of 1,000,000: ${counted.toFixed(2)} ms`);
}
