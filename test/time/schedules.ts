import { Cron, CronPattern } from 'croner';
import fc from 'fast-check';

/** Zones with one-hour DST (both hemispheres), half-hour DST, odd offsets and none. */
export const ZONES = [
  'UTC',
  'Europe/Paris',
  'America/New_York',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'America/Sao_Paulo',
] as const;

/** Five-field expressions mixing fixed times, lists, ranges, steps and every-hour frequencies. */
export const cronExpression = fc
  .tuple(
    fc.constantFrom('0', '30', '*/15', '*/20', '0,45', '5-10', '*', '59'),
    fc.constantFrom('*', '*', '*', '2', '1,2,3', '*/2', '0-3', '3', '1', '0', '23'),
    fc.constantFrom('*', '*', '1,15,29', 'L'),
    fc.constantFrom('*', '*', '3,10'),
    fc.constantFrom('*', '*', '1-5', '0'),
  )
  .map((fields) => fields.join(' '));

/**
 * The instants an expression fires at in [from, to), by brute force: every minute of real
 * time is visited, its local wall time read from `Intl` directly, and Tributary's DST rules
 * applied as written in docs/time.md. A wall time seen before is a repeat (fall back); wall
 * times jumped over are a gap (spring forward) and fire shifted by the offset before it.
 */
export function bruteForceTicks(expression: string, zone: string, from: number, to: number) {
  const MINUTE = 60_000;
  const cron = new Cron(expression, { utcOffset: 0, mode: '5-part' });
  const everyHour = new CronPattern(expression, undefined, { mode: '5-part' }).hour.every(
    (h) => h === 1,
  );
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  });
  const wallOf = (t: number): number => {
    const f: Record<string, number> = {};
    for (const p of format.formatToParts(t)) f[p.type] = Number(p.value);
    return Date.UTC(f.year ?? 0, (f.month ?? 0) - 1, f.day, f.hour, f.minute);
  };
  const ticks = new Set<number>();
  const warmUp = from - 2 * 86_400_000;
  let previous = wallOf(warmUp - MINUTE);
  let highest = previous;
  for (let t = warmUp; t < to; t += MINUTE) {
    const wall = wallOf(t);
    const offsetBefore = previous - (t - MINUTE);
    for (let skipped = previous + MINUTE; skipped < wall; skipped += MINUTE) {
      if (cron.match(new Date(skipped))) ticks.add(skipped - offsetBefore);
    }
    const repeat = wall <= highest;
    if (cron.match(new Date(wall)) && (!repeat || everyHour)) ticks.add(t);
    highest = Math.max(highest, wall);
    previous = wall;
  }
  return [...ticks].filter((t) => t >= from && t < to).sort((a, b) => a - b);
}
