/**
 * Proleptic Gregorian dates as plain arithmetic on day numbers (days since 1970-01-01), the
 * calendar `Date` uses, without allocating a `Date`: writing hundreds of thousands of keys in a
 * row is the case this serves. Valid for every day of the time domain (years 1 to 2999) and
 * beyond. The 400-year cycle (146,097 days) makes both directions O(1).
 */

/** Days from 0000-03-01 to 1970-01-01: counting from March puts the leap day last. */
const EPOCH_SHIFT = 719_468;
const DAYS_PER_CYCLE = 146_097;

/**
 * The day number of a date: `month` 1-12, `day` 1-31 (not checked).
 *
 * @example
 * ```ts
 * dayOfDate(1970, 1, 1); // 0
 * dayOfDate(2026, 3, 29); // 20_541
 * ```
 */
export function dayOfDate(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const cycle = Math.floor(y / 400);
  const yearOfCycle = y - cycle * 400;
  const dayOfYear = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  const dayOfCycle =
    yearOfCycle * 365 + Math.floor(yearOfCycle / 4) - Math.floor(yearOfCycle / 100) + dayOfYear;
  return cycle * DAYS_PER_CYCLE + dayOfCycle - EPOCH_SHIFT;
}

/**
 * The date of a day number, written into `into` as `[year, month 1-12, day 1-31]` (reused by
 * callers in a loop) and returned.
 *
 * @example
 * ```ts
 * dateOfDay(20_541, [0, 0, 0]); // [2026, 3, 29]
 * ```
 */
export function dateOfDay(days: number, into: [number, number, number]): [number, number, number] {
  const shifted = days + EPOCH_SHIFT;
  const cycle = Math.floor(shifted / DAYS_PER_CYCLE);
  const dayOfCycle = shifted - cycle * DAYS_PER_CYCLE;
  const yearOfCycle = Math.floor(
    (dayOfCycle -
      Math.floor(dayOfCycle / 1460) +
      Math.floor(dayOfCycle / 36_524) -
      Math.floor(dayOfCycle / 146_096)) /
      365,
  );
  const dayOfYear =
    dayOfCycle - (365 * yearOfCycle + Math.floor(yearOfCycle / 4) - Math.floor(yearOfCycle / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  into[0] = yearOfCycle + cycle * 400 + (month <= 2 ? 1 : 0);
  into[1] = month;
  into[2] = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  return into;
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

/**
 * `value` with leading zeros to `width` digits, as `String(value).padStart(width, '0')`; a
 * table look-up for the common two-digit case.
 *
 * @example
 * ```ts
 * pad(7); // '07'
 * pad(26, 4); // '0026'
 * ```
 */
export function pad(value: number, width = 2): string {
  return width === 2 && value >= 0 && value < 100 && Number.isInteger(value)
    ? TWO_DIGITS[value]!
    : String(value).padStart(width, '0');
}
