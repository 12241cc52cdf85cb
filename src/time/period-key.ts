import { dateOfDay, pad } from './civil-date.js';
import { type ZoneRules, utcInstant } from './zoned-time.js';

/**
 * Period keys of time windows: the window's start written as local date and time in the
 * space's zone, followed by the UTC offset in force then (RFC 3339 without seconds).
 *
 *   `2026-03-29T01:00+01:00`   `2026-10-25T02:00+02:00`, then `2026-10-25T02:00+01:00`
 *   `2026-01-01T00:00Z`        (offset zero is written `Z`)
 *
 * The offset makes a key unique even on a fall-back day, when a local time happens twice, and
 * lets anyone read the exact instant from the key alone; the local time is what a person
 * expects to see. Seconds (`:SS`, `:SS.mmm`) appear only when not zero, as do the seconds of
 * an offset (local mean time before 1900). Lexicographic order is time order only within one
 * offset: sort periods by `start`.
 */

const DAY = 86_400_000;

/** Scratch fields of {@link formatInstantKey} (synchronous: never shared across calls). */
const FIELDS: [number, number, number] = [0, 0, 0];
/** The date and offset of the last key written, as text. */
const last = { days: NaN, date: '', offset: NaN, zone: '' };

const KEY =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{3}))?)?(?:Z|([+-])(\d{2}):(\d{2})(?::(\d{2}))?)$/;

/**
 * The key of a window starting at `instant`, written in `zone`.
 *
 * @example
 * ```ts
 * formatInstantKey(Date.UTC(2026, 2, 29, 0, 0), zoneRules('Europe/Paris')); // '2026-03-29T01:00+01:00'
 * ```
 */
export function formatInstantKey(instant: number, zone: ZoneRules): string {
  const offset = zone.offsetAt(instant);
  const wall = Math.trunc(instant + offset);
  // Date fields by arithmetic (no `Date` per key): a range of keys is written in a loop, and
  // consecutive keys mostly share their date and offset, which are kept from the last call.
  const days = Math.floor(wall / DAY);
  if (days !== last.days) {
    const date = dateOfDay(days, FIELDS);
    last.days = days;
    last.date = `${pad(date[0], 4)}-${pad(date[1])}-${pad(date[2])}`;
  }
  if (offset !== last.offset) {
    last.offset = offset;
    last.zone = formatOffset(offset);
  }
  const inDay = wall - days * DAY;
  const hours = Math.floor(inDay / 3_600_000);
  const minutes = Math.floor(inDay / 60_000) % 60;
  const seconds = Math.floor(inDay / 1000) % 60;
  const milliseconds = inDay % 1000;
  let text = `${last.date}T${pad(hours)}:${pad(minutes)}`;
  if (seconds !== 0 || milliseconds !== 0) text += `:${pad(seconds)}`;
  if (milliseconds !== 0) text += `.${pad(milliseconds, 3)}`;
  return text + last.zone;
}

/**
 * The instant a key written by {@link formatInstantKey} names, or `undefined` when the text
 * is not such a key (wrong shape, or a field out of range such as February 30). It does not
 * check that the key is written in a given zone: compare with `formatInstantKey` for that.
 *
 * @example
 * ```ts
 * parseInstantKey('2026-03-29T01:00+01:00'); // Date.UTC(2026, 2, 29, 0, 0)
 * parseInstantKey('2026-02-30T00:00Z'); // undefined
 * ```
 */
export function parseInstantKey(key: string): number | undefined {
  const match = KEY.exec(key);
  if (match === null) return undefined;
  const field = (group: number): number => Number(match[group] ?? 0);
  const [year, month, day, hour, minute, second] = [
    field(1),
    field(2),
    field(3),
    field(4),
    field(5),
    field(6),
  ];
  const [offsetHours, offsetMinutes, offsetSeconds] = [field(9), field(10), field(11)];
  const wall = utcInstant(year, month, day, hour, minute, second, field(7));
  const fields = new Date(wall);
  const valid =
    fields.getUTCFullYear() === year &&
    fields.getUTCMonth() + 1 === month &&
    fields.getUTCDate() === day &&
    fields.getUTCHours() === hour &&
    fields.getUTCMinutes() === minute &&
    fields.getUTCSeconds() === second &&
    offsetMinutes < 60 &&
    offsetSeconds < 60;
  if (!valid) return undefined;
  const sign = match[8] === '-' ? -1 : 1;
  return wall - sign * (offsetHours * 3600 + offsetMinutes * 60 + offsetSeconds) * 1000;
}

function formatOffset(offset: number): string {
  if (offset === 0) return 'Z';
  const total = Math.abs(offset) / 1000;
  const seconds = total % 60;
  const text = `${pad(Math.floor(total / 3600))}:${pad(Math.floor(total / 60) % 60)}`;
  return `${offset < 0 ? '-' : '+'}${text}${seconds === 0 ? '' : `:${pad(seconds)}`}`;
}
