import { type Ctx, fail, optional, string } from "./field";
import { say } from "./say";

/**
 * A validated date, still free of any zone setting (the schemas are static; the zone is the compiler's):
 * - an instant, as ISO 8601 in UTC (`"2021-07-19T13:42:32.000Z"`), from input that carried an offset;
 * - or Calltouch site time, passed through as given (`"19-07-2021 16:42:32"`).
 *
 * Both are strings so that a validated order survives JSON (a `Date` would come back as a string that
 * could be taken for site time), and both are valid input again. {@link toSiteTime} turns either into
 * what Calltouch wants.
 *
 * @example
 * const { orderDate } = orderCreateInput.parse({ orderNumber: 1, orderDate: "2021-07-19T16:42:32+03:00" });
 * // orderDate: DealDate = "2021-07-19T13:42:32.000Z"
 */
export type DealDate = string;

const notReal = (text: string) => say(`not a real date and time: ${text}`, `такой даты и времени не бывает: ${text}`);

/** Calltouch's own format: `dd-MM-yyyy HH:mm:ss`, no zone. */
const SITE_TIME = /^(\d{2})-(\d{2})-(\d{4}) (\d{2}):(\d{2}):(\d{2})$/;

const FORMATS = "ISO 8601 with a UTC offset (2021-07-19T16:42:32+03:00) or Calltouch's dd-MM-yyyy HH:mm:ss (19-07-2021 16:42:32)";
const FORMATS_RU =
  "ISO 8601 со смещением от UTC (2021-07-19T16:42:32+03:00) или формат Calltouch dd-MM-yyyy HH:mm:ss (19-07-2021 16:42:32)";

/**
 * Validates a date and keeps it zone-free ({@link DealDate}). An ISO date without an offset is refused:
 * it could mean UTC, the CRM's zone or the site's, and a deal matched against the wrong hour finds the
 * wrong lead. Fractions of a second are kept in the instant and dropped when formatted for Calltouch.
 *
 * @example normalizeDate("2021-07-19T16:42:32+03:00", ctx) // "2021-07-19T13:42:32.000Z"
 * @example normalizeDate("19-07-2021 16:42:32", ctx)       // "19-07-2021 16:42:32" (site time)
 */
export function normalizeDate(value: string, ctx: Ctx): DealDate {
  const text = value.trim();
  const site = SITE_TIME.exec(text);
  if (site) {
    const [, day, month, year, hour, minute, second] = site;
    const millis = utcMillis(Number(year), Number(month), Number(day), Number(hour), Number(minute), Number(second));
    return millis === undefined ? fail(ctx, notReal(text)) : text;
  }
  const iso = readIso(text);
  if (iso === undefined) return fail(ctx, say(`expected ${FORMATS}`, `ожидается ${FORMATS_RU}`));
  const { year, month, day, hour, minute, second, fraction, zone } = iso;
  if (hour === undefined || zone === undefined) {
    return fail(
      ctx,
      "a date without a UTC offset is ambiguous: add the offset (2021-07-19T16:42:32+03:00) " +
        "or use Calltouch's dd-MM-yyyy HH:mm:ss, which is taken as site time",
    );
  }
  const millis = utcMillis(year, month, day, hour, minute, second);
  if (millis === undefined) return fail(ctx, notReal(text));
  if (zone.hours > 23 || zone.minutes > 59)
    return fail(ctx, say(`not a valid UTC offset: ${zone.text}`, `неверное смещение от UTC: ${zone.text}`));
  const offset = zone.sign * (zone.hours * 60 + zone.minutes);
  return isoInstant(new Date(millis + fraction - offset * 60_000));
}

/** The fields of an ISO 8601 date as {@link readIso} reads them; `hour` and `zone` are absent when the text has none. */
interface IsoFields {
  year: number;
  month: number;
  day: number;
  hour?: number;
  minute: number;
  second: number;
  /** The fraction of a second in milliseconds: its first three digits; the rest are dropped. */
  fraction: number;
  /** `Z` reads as +00:00; `text` is the zone as written, for a message. */
  zone?: { text: string; sign: 1 | -1; hours: number; minutes: number };
}

/**
 * Reads ISO 8601 / RFC 3339 as `^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?(Z|([+-])(\d{2})(?::?(\d{2}))?)?$`
 * (case-insensitive) matches it, time and offset optional only to refuse them with a precise message.
 * By hand: that regular expression's groups and their conversions to numbers were most of a date's
 * validation (bench/cpu.ts); date.test.ts checks this reader against the expression on every edit of
 * valid dates it makes.
 */
function readIso(text: string): IsoFields | undefined {
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  if (year < 0 || month < 0 || day < 0 || text[4] !== "-" || text[7] !== "-") return undefined;
  const fields: IsoFields = { year, month, day, minute: 0, second: 0, fraction: 0 };
  let at = 10;
  if (text[at] === "T" || text[at] === "t" || text[at] === " ") {
    fields.hour = digitsAt(text, 11, 2);
    fields.minute = digitsAt(text, 14, 2);
    if (fields.hour < 0 || text[13] !== ":" || fields.minute < 0) return undefined;
    at = 16;
    if (text[at] === ":") {
      fields.second = digitsAt(text, 17, 2);
      if (fields.second < 0) return undefined;
      at = 19;
      if (text[at] === "." || text[at] === ",") {
        const start = ++at;
        while (digitsAt(text, at, 1) >= 0) at++;
        if (at === start) return undefined;
        fields.fraction = Number(text.slice(start, Math.min(at, start + 3)).padEnd(3, "0"));
      }
    }
  }
  if (at === text.length) return fields;
  const sign = text[at];
  if (sign === "Z" || sign === "z") {
    fields.zone = { text: sign, sign: 1, hours: 0, minutes: 0 };
    return at + 1 === text.length ? fields : undefined;
  }
  if (sign !== "+" && sign !== "-") return undefined;
  const hours = digitsAt(text, at + 1, 2);
  let minutes = 0;
  let end = at + 3;
  if (end < text.length) {
    const minutesAt = text[end] === ":" ? end + 1 : end;
    minutes = digitsAt(text, minutesAt, 2);
    end = minutesAt + 2;
  }
  if (hours < 0 || minutes < 0 || end !== text.length) return undefined;
  fields.zone = { text: text.slice(at), sign: sign === "-" ? -1 : 1, hours, minutes };
  return fields;
}

/** The `count` ASCII digits of `text` from `at` as a number; -1 if any of them is not a digit or is missing. */
function digitsAt(text: string, at: number, count: number): number {
  let value = 0;
  for (let index = at; index < at + count; index++) {
    const digit = text.charCodeAt(index) - 48;
    // Past the end of `text` `charCodeAt` is NaN, which fails the test too.
    if (!(digit >= 0 && digit <= 9)) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** {@link isoInstant}'s layout as character codes; its digits are written over for each instant. */
const ISO_LAYOUT = Array.from("0000-00-00T00:00:00.000Z", (char) => char.charCodeAt(0));

/** {@link formatSiteTime}'s layout, written over the same way. */
const SITE_LAYOUT = Array.from("00-00-0000 00:00:00", (char) => char.charCodeAt(0));

/** Writes `n`'s last `width` decimal digits into `layout`, ending before `end`. */
function writeDigits(layout: number[], n: number, end: number, width: number): void {
  for (let index = end - 1; index >= end - width; index--) {
    layout[index] = 48 + (n % 10);
    n = Math.floor(n / 10);
  }
}

/**
 * `instant.toISOString()`, built from its UTC fields: V8's own takes a slow path through the runtime,
 * most of a date's validation (bench/cpu.ts). One flat string from character codes: a template's dozen
 * pieces make a rope that the compiler's first read of the date has to copy flat again. Years beyond
 * 9999, which an offset can push a valid date to, take `toISOString` and its `+010000` form.
 *
 * @example isoInstant(new Date(Date.UTC(2021, 6, 19, 13, 42, 32))) // "2021-07-19T13:42:32.000Z"
 */
export function isoInstant(instant: Date): string {
  const year = instant.getUTCFullYear();
  if (year > 9999) return instant.toISOString();
  writeDigits(ISO_LAYOUT, year, 4, 4);
  writeDigits(ISO_LAYOUT, instant.getUTCMonth() + 1, 7, 2);
  writeDigits(ISO_LAYOUT, instant.getUTCDate(), 10, 2);
  writeDigits(ISO_LAYOUT, instant.getUTCHours(), 13, 2);
  writeDigits(ISO_LAYOUT, instant.getUTCMinutes(), 16, 2);
  writeDigits(ISO_LAYOUT, instant.getUTCSeconds(), 19, 2);
  writeDigits(ISO_LAYOUT, instant.getUTCMilliseconds(), 23, 3);
  return String.fromCharCode(...ISO_LAYOUT);
}

/**
 * The UTC milliseconds of a wall-clock reading taken as UTC, or `undefined` when it names no real moment:
 * 31 February, 24:00, a leap second, or a year before 1970 (a typo, for a deal). `Date.UTC` rolls an
 * impossible day over into the next month, which is how 31 February shows.
 */
function utcMillis(year: number, month: number, day: number, hour: number, minute: number, second: number): number | undefined {
  if (year < 1970 || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const millis = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(millis);
  return back.getUTCDate() === day && back.getUTCMonth() === month - 1 ? millis : undefined;
}

/**
 * An optional date field of the public input.
 *
 * @example strict({ orderDate: optionalDate }).parse({ orderDate: "2021-07-19T16:42:32+03:00" })
 */
export const optionalDate = optional(string, normalizeDate);

/**
 * A zone as {@link formatSiteTime} uses it: its formatter, and the UTC offsets of the UTC days it has
 * formatted ({@link offsetOn}). `NaN` marks a day on which the offset changes: its instants are formatted
 * by `Intl`.
 */
interface SiteZone {
  formatter: Intl.DateTimeFormat;
  offsets: Map<number, number>;
}

const zones = new Map<string, SiteZone>();

/**
 * The most days a zone remembers, about eleven years of them in at most 130 KB; then it starts again, so
 * that a long-lived isolate's memory stays bounded. A CRM that loads its history sends years of dates.
 */
const REMEMBERED_DAYS = 4096;

const DAY_MS = 86_400_000;

function zoneFor(timeZone: string): SiteZone {
  let zone = zones.get(timeZone);
  if (zone === undefined) {
    const formatter = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    });
    zone = { formatter, offsets: new Map() };
    zones.set(timeZone, zone);
  }
  return zone;
}

/**
 * Whether `zone` is an IANA time zone the runtime knows (workerd carries full ICU data).
 *
 * @example isValidTimeZone("Europe/Moscow") // true
 * @example isValidTimeZone("Moscow")        // false
 */
export function isValidTimeZone(zone: string): boolean {
  try {
    zoneFor(zone);
    return true;
  } catch {
    return false;
  }
}

/** What `en-GB` with two-digit fields formats to: `19/07/2021, 16:42:32`. */
const EN_GB = /^(\d{2})\/(\d{2})\/(\d{4}), (\d{2}):(\d{2}):(\d{2})$/;

type WallClock = [day: string, month: string, year: string, hour: string, minute: string, second: string];

/** The wall clock of `formatter`'s zone at `millis`, as `Intl` formats it. */
function wallClock(formatter: Intl.DateTimeFormat, millis: number): WallClock {
  const fields = EN_GB.exec(formatter.format(millis));
  if (fields !== null) return fields.slice(1) as WallClock;
  // `format` is more than twice as fast as `formatToParts`; the parts are the fallback should the
  // runtime's ICU ever lay the date out otherwise.
  const part: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const { type, value } of formatter.formatToParts(millis)) part[type] = value;
  return [`${part.day}`, `${part.month}`, `${part.year}`, `${part.hour}`, `${part.minute}`, `${part.second}`];
}

/** How far the wall clock of `formatter`'s zone is ahead of UTC at `millis`, a whole second. */
function offsetAt(formatter: Intl.DateTimeFormat, millis: number): number {
  const [day, month, year, hour, minute, second] = wallClock(formatter, millis).map(Number) as number[];
  return Date.UTC(year as number, (month as number) - 1, day, hour, minute, second) - millis;
}

/** Marks a day seen once: its offset is read when a second date falls on it. */
const SEEN_ONCE = Number.POSITIVE_INFINITY;

/**
 * `zone`'s UTC offset all through the UTC day of `millis`, or `NaN` where `Intl` is to format the date: a
 * day on which the offset changes, or one seen for the first time (reading a day's offset takes `Intl`
 * twice, which pays only when a second date falls on it). An offset read alike at the day's first and last
 * second is taken to hold between them: a zone would have to move its clocks and back within one day to
 * break that, and none has since 1970 (read for this every hour of every zone Node 22 knows, 1970 to 2040:
 * the closest two changes of one zone are 167 hours apart).
 */
function offsetOn(zone: SiteZone, millis: number): number {
  const day = Math.floor(millis / DAY_MS);
  const known = zone.offsets.get(day);
  if (known !== undefined && known !== SEEN_ONCE) return known;
  let offset = SEEN_ONCE;
  if (known === SEEN_ONCE) {
    const first = offsetAt(zone.formatter, day * DAY_MS);
    offset = offsetAt(zone.formatter, day * DAY_MS + DAY_MS - 1000) === first ? first : Number.NaN;
  }
  if (zone.offsets.size >= REMEMBERED_DAYS) zone.offsets.clear();
  zone.offsets.set(day, offset);
  return offset === SEEN_ONCE ? Number.NaN : offset;
}

/**
 * An instant as Calltouch site time in `timeZone`: `dd-MM-yyyy HH:mm:ss`. `Intl` takes about a
 * microsecond to format a date, most of a deal's compile (bench/cpu.ts): the zone's offset is read once
 * for each UTC day ({@link offsetOn}) and the wall clock written from the instant moved by it.
 *
 * @example formatSiteTime(new Date("2021-07-19T13:42:32Z"), "Europe/Moscow") // "19-07-2021 16:42:32"
 */
export function formatSiteTime(instant: Date, timeZone: string): string {
  const millis = instant.getTime();
  const zone = zoneFor(timeZone);
  const offset = offsetOn(zone, millis);
  const wall = new Date(millis + offset);
  const year = wall.getUTCFullYear();
  if (Number.isNaN(offset) || year > 9999) {
    const [day, month, yearText, hour, minute, second] = wallClock(zone.formatter, millis);
    return `${day}-${month}-${yearText} ${hour}:${minute}:${second}`;
  }
  writeDigits(SITE_LAYOUT, wall.getUTCDate(), 2, 2);
  writeDigits(SITE_LAYOUT, wall.getUTCMonth() + 1, 5, 2);
  writeDigits(SITE_LAYOUT, year, 10, 4);
  writeDigits(SITE_LAYOUT, wall.getUTCHours(), 13, 2);
  writeDigits(SITE_LAYOUT, wall.getUTCMinutes(), 16, 2);
  writeDigits(SITE_LAYOUT, wall.getUTCSeconds(), 19, 2);
  return String.fromCharCode(...SITE_LAYOUT);
}

/**
 * A {@link DealDate} as Calltouch site time: instants are formatted in `timeZone`, site time passes through.
 *
 * @example toSiteTime("2021-07-19T13:42:32.000Z", "Asia/Yekaterinburg") // "19-07-2021 18:42:32"
 * @example toSiteTime("19-07-2021 16:42:32", "Asia/Yekaterinburg")       // "19-07-2021 16:42:32"
 */
export function toSiteTime(date: DealDate, timeZone: string): string {
  return SITE_TIME.test(date) ? date : formatSiteTime(new Date(date), timeZone);
}
