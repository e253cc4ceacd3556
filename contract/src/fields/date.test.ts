import { describe, expect, it } from "vitest";
import { firstMessage, seeded } from "../test-support";
import * as z from "../zod";
import { formatSiteTime, isoInstant, isValidTimeZone, optionalDate, toSiteTime } from "./date";

const messageOf = (value: unknown) => firstMessage(optionalDate, value);

describe("optionalDate", () => {
  it.each([
    ["2021-07-19T16:42:32+03:00", "2021-07-19T13:42:32.000Z"],
    ["2021-07-19T16:42:32+0300", "2021-07-19T13:42:32.000Z"],
    ["2021-07-19T16:42:32+03", "2021-07-19T13:42:32.000Z"],
    ["2021-07-19T13:42:32Z", "2021-07-19T13:42:32.000Z"],
    ["2021-07-19t13:42:32z", "2021-07-19T13:42:32.000Z"],
    ["2021-07-19 16:42:32+03:00", "2021-07-19T13:42:32.000Z"],
    ["2021-07-19T16:42+03:00", "2021-07-19T13:42:00.000Z"],
    ["2021-07-19T16:42:32.123456+03:00", "2021-07-19T13:42:32.123Z"],
    ["2021-07-19T08:12:32-05:30", "2021-07-19T13:42:32.000Z"],
    ["2021-07-20T00:30:00+14:00", "2021-07-19T10:30:00.000Z"],
    ["  2021-07-19T16:42:32+03:00 ", "2021-07-19T13:42:32.000Z"],
    // Leap days, fractions of every length, offsets that cross a day or year 9999.
    ["2024-02-29T12:00:00Z", "2024-02-29T12:00:00.000Z"],
    ["2000-02-29T12:00:00Z", "2000-02-29T12:00:00.000Z"],
    ["1970-01-01T00:00:00+05:00", "1969-12-31T19:00:00.000Z"],
    ["9999-12-31T23:00:00-05:00", "+010000-01-01T04:00:00.000Z"],
    ["2021-07-19T16:42:32.9+03:00", "2021-07-19T13:42:32.900Z"],
    ["2021-07-19T16:42:32,05-00:00", "2021-07-19T16:42:32.050Z"],
    ["2021-07-19T16:42:32.999999999+23:59", "2021-07-18T16:43:32.999Z"],
  ])("takes ISO 8601 with an offset as an instant: %s", (input, instant) => {
    expect(optionalDate.parse(input)).toBe(instant);
  });

  it("passes Calltouch's format through as site time", () => {
    expect(optionalDate.parse("19-07-2021 16:42:32")).toBe("19-07-2021 16:42:32");
    expect(optionalDate.parse(" 29-02-2024 00:00:00 ")).toBe("29-02-2024 00:00:00");
  });

  it("takes null, blanks and absence as not set", () => {
    expect(optionalDate.parse(null)).toBeUndefined();
    expect(optionalDate.parse("")).toBeUndefined();
    expect(optionalDate.parse("  ")).toBeUndefined();
    expect(optionalDate.parse(undefined)).toBeUndefined();
  });

  it("refuses an ISO date without an offset as ambiguous, saying what to do", () => {
    const ambiguous =
      "a date without a UTC offset is ambiguous: add the offset (2021-07-19T16:42:32+03:00) or use Calltouch's dd-MM-yyyy HH:mm:ss, which is taken as site time";
    expect(messageOf("2021-07-19T16:42:32")).toBe(ambiguous);
    expect(messageOf("2021-07-19")).toBe(ambiguous);
  });

  it.each(["19.07.2021 16:42", "19-07-2021", "19-07-2021 16:42", "2021/07/19 16:42:32", "yesterday", "1626702152"])(
    "refuses another format: %s",
    (input) => {
      expect(messageOf(input)).toBe(
        "expected ISO 8601 with a UTC offset (2021-07-19T16:42:32+03:00) or Calltouch's dd-MM-yyyy HH:mm:ss (19-07-2021 16:42:32)",
      );
    },
  );

  it.each([
    "31-02-2021 10:00:00",
    "29-02-2021 10:00:00",
    "00-01-2021 10:00:00",
    "01-13-2021 10:00:00",
    "01-01-2021 24:00:00",
    "01-01-2021 10:60:00",
    "01-01-2021 10:00:60",
    "01-01-1969 10:00:00",
  ])("refuses what is no real date and time: %s", (input) => {
    expect(messageOf(input)).toBe(`not a real date and time: ${input}`);
  });

  it("refuses an impossible date in ISO form and an impossible offset", () => {
    expect(messageOf("2021-02-29T10:00:00Z")).toBe("not a real date and time: 2021-02-29T10:00:00Z");
    expect(messageOf("2021-07-19T16:42:32+24:00")).toBe("not a valid UTC offset: +24:00");
    expect(messageOf("2021-07-19T16:42:32+03:60")).toBe("not a valid UTC offset: +03:60");
  });

  it.each(["2023-02-29T12:00:00Z", "2100-02-29T12:00:00Z", "2021-04-31T12:00:00Z", "2021-07-00T12:00:00Z", "2021-00-19T12:00:00Z"])(
    "refuses a day the month does not have: %s",
    (input) => {
      expect(messageOf(input)).toBe(`not a real date and time: ${input}`);
    },
  );

  it.each([
    "2021-07-19T16:42:32.+03:00",
    "2021-07-19T16:42:32+03:",
    "2021-07-19T16:42:32+030",
    "2021-07-19T16:42:32+03:000",
    "2021-07-19T16Z",
  ])("refuses a broken ISO date: %s", (input) => {
    expect(messageOf(input)).toMatch(/^expected ISO 8601/);
  });

  it("answers as the regular expression it replaced, on every edit of valid dates", () => {
    const seeds = [
      "2021-07-19T16:42:32+03:00",
      "2021-07-19t13:42:32.123456z",
      "2024-02-29 00:00-0530",
      "2021-07-19T16:42:32,5+03",
      "9999-12-31T23:59:59-14:00",
      "1970-01-01T00:00:00+05:00",
      "2021-07-19",
    ];
    const alphabet = [..."0123456789-+:.,TtZz x"];
    const inputs = new Set<string>();
    for (const seed of seeds) {
      for (let at = 0; at <= seed.length; at++) {
        inputs.add(seed.slice(0, at) + seed.slice(at + 1));
        inputs.add(seed.slice(0, at));
        for (const char of alphabet) {
          inputs.add(seed.slice(0, at) + char + seed.slice(at + 1));
          inputs.add(seed.slice(0, at) + char + seed.slice(at));
        }
      }
    }
    for (const input of inputs) {
      if (input.trim() === "") continue;
      const result = z.safeParse(optionalDate, input);
      expect([input, result.success ? result.data : result.error.issues[0]?.message]).toEqual([input, regexDate(input)]);
    }
  });

  it("refuses what is not a string", () => {
    expect(messageOf(1626702152000)).toBe("expected a string, got a number");
  });
});

describe("site time", () => {
  const instant = new Date("2021-07-19T13:42:32.999Z");

  it("formats an instant in the configured zone, to the second", () => {
    expect(formatSiteTime(instant, "Europe/Moscow")).toBe("19-07-2021 16:42:32");
    expect(formatSiteTime(instant, "Asia/Yekaterinburg")).toBe("19-07-2021 18:42:32");
    expect(formatSiteTime(instant, "UTC")).toBe("19-07-2021 13:42:32");
    expect(formatSiteTime(new Date("2021-12-31T22:30:00Z"), "Asia/Kamchatka")).toBe("01-01-2022 10:30:00");
  });

  it("follows daylight saving time where the zone has it", () => {
    expect(formatSiteTime(new Date("2021-07-19T12:00:00Z"), "Europe/Berlin")).toBe("19-07-2021 14:00:00");
    expect(formatSiteTime(new Date("2021-01-19T12:00:00Z"), "Europe/Berlin")).toBe("19-01-2021 13:00:00");
    // Moscow had daylight saving time until 2011.
    expect(formatSiteTime(new Date("2010-07-01T12:00:00Z"), "Europe/Moscow")).toBe("01-07-2010 16:00:00");
  });

  it("gives each zone its own answer for the same instant", () => {
    const moscow = formatSiteTime(instant, "Europe/Moscow");
    expect(formatSiteTime(instant, "Asia/Yekaterinburg")).not.toBe(moscow);
    expect(formatSiteTime(instant, "Europe/Moscow")).toBe(moscow);
  });

  const formats = new Map<string, Intl.DateTimeFormat>();

  /** What `Intl` alone says, laid out as Calltouch's site time: the answer before the offsets were kept. */
  function intlSiteTime(millis: number, timeZone: string): string {
    let format = formats.get(timeZone);
    if (format === undefined) {
      format = new Intl.DateTimeFormat("en-GB", {
        ...{ timeZone, year: "numeric", month: "2-digit", day: "2-digit" },
        ...{ hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" },
      });
      formats.set(timeZone, format);
    }
    const parts: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
    for (const { type, value } of format.formatToParts(millis)) parts[type] = value;
    return `${parts.day}-${parts.month}-${parts.year} ${parts.hour}:${parts.minute}:${parts.second}`;
  }

  /** The instants of `samples` whose site time in their zone differs from what `Intl` says: none, if all is well. */
  function disagreements(samples: [zone: string, millis: number][]): string[] {
    return samples
      .filter(([zone, millis]) => formatSiteTime(new Date(millis), zone) !== intlSiteTime(millis, zone))
      .map(([zone, millis]) => `${zone} ${new Date(millis).toISOString()}: ${formatSiteTime(new Date(millis), zone)}`);
  }

  it("says what Intl says, every ten minutes of the days a zone moved its clocks", () => {
    const changes: [string, string][] = [
      ["Europe/Moscow", "2011-03-27"], // daylight saving time for good
      ["Europe/Moscow", "2014-10-26"], // and back to +03:00
      ["Europe/Berlin", "2021-03-28"],
      ["Europe/Berlin", "2021-10-31"],
      ["Asia/Kamchatka", "2010-03-28"],
      ["Pacific/Apia", "2011-12-30"], // the day Samoa skipped
      ["Africa/Monrovia", "1972-01-07"], // from -00:44:30, an offset with seconds
      ["Asia/Kathmandu", "1986-01-01"], // from +05:30 to +05:45
      ["Australia/Lord_Howe", "2021-04-04"], // a half-hour shift
      ["America/Sao_Paulo", "2018-11-04"], // at midnight, local time
    ];
    const samples: [string, number][] = [];
    for (const [zone, day] of changes) {
      const start = Date.parse(`${day}T00:00:00Z`) - 86_400_000;
      for (let millis = start; millis < start + 3 * 86_400_000; millis += 600_001) samples.push([zone, millis]);
    }
    expect(disagreements(samples)).toEqual([]);
  });

  it("says what Intl says for every zone the runtime knows, on dates from 1970 on", () => {
    const random = seeded(20_261_130);
    const from = -14 * 3_600_000; // 1970-01-01 00:00 at +14:00
    const span = Date.UTC(2060, 0, 1) - from;
    const zones = [...Intl.supportedValuesOf("timeZone"), "UTC"];
    expect(zones.length).toBeGreaterThan(300);
    // Two dates of each day: the first is formatted by Intl, the second from the day's offset, read then.
    const samples = zones.flatMap((zone) =>
      Array.from({ length: 60 }, (): [string, number][] => {
        const day = Math.floor((from + random() * span) / 86_400_000) * 86_400_000;
        return [
          [zone, day + Math.floor(random() * 86_400_000)],
          [zone, day + Math.floor(random() * 86_400_000)],
        ];
      }).flat(),
    );
    expect(disagreements(samples)).toEqual([]);
  });

  it("stays right past the days it remembers, and past 9999", () => {
    // Five thousand days, more than a zone keeps, twice over, two dates each: the second pass runs on a cleared memory.
    const days = Array.from({ length: 5000 }, (_, i): [string, number][] => [
      ["Europe/Moscow", Date.UTC(2000, 0, 1) + i * 86_400_000 + ((i * 7_919_000) % 86_400_000)],
      ["Europe/Moscow", Date.UTC(2000, 0, 1) + i * 86_400_000 + ((i * 7_919_000 + 43_200_000) % 86_400_000)],
    ]).flat();
    expect(disagreements([...days, ...days, ["Asia/Yekaterinburg", Date.UTC(10_000, 0, 1, 2, 59, 59)]])).toEqual([]);
  });

  it("turns a validated date into site time", () => {
    expect(toSiteTime(optionalDate.parse("2021-07-19T16:42:32+03:00") ?? "", "Asia/Yekaterinburg")).toBe("19-07-2021 18:42:32");
    expect(toSiteTime("19-07-2021 16:42:32", "Asia/Yekaterinburg")).toBe("19-07-2021 16:42:32");
  });

  it("knows the IANA zones", () => {
    expect(isValidTimeZone("Europe/Moscow")).toBe(true);
    expect(isValidTimeZone("Asia/Novosibirsk")).toBe(true);
    expect(isValidTimeZone("UTC")).toBe(true);
    expect(isValidTimeZone("Moscow")).toBe(false);
    expect(isValidTimeZone("Europe/Mordor")).toBe(false);
    expect(isValidTimeZone("")).toBe(false);
  });
});

describe("isoInstant", () => {
  it("writes what toISOString writes, from 1969 past 9999", () => {
    const edges = [
      0,
      -1,
      -5 * 3_600_000,
      Date.UTC(2024, 1, 29, 23, 59, 59, 999),
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      Date.UTC(10_000, 0, 1, 4),
    ];
    // Every millisecond digit count, every month and hour, leap days: a step that is prime to all of them.
    const span = Date.UTC(10_000, 0, 2) - Date.UTC(1969, 11, 31);
    const walk = Array.from({ length: 20_000 }, (_, i) => Date.UTC(1969, 11, 31) + Math.floor((span / 20_000) * i) + (i % 1000));
    for (const millis of [...edges, ...walk]) {
      const instant = new Date(millis);
      expect(isoInstant(instant)).toBe(instant.toISOString());
    }
  });
});

const SITE_TIME = /^(\d{2})-(\d{2})-(\d{4}) (\d{2}):(\d{2}):(\d{2})$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?(Z|([+-])(\d{2})(?::?(\d{2}))?)?$/i;

/** The date normalizer as it was with a regular expression, to hold the hand-written reader to its answers. */
function regexDate(value: string): string {
  const text = value.trim();
  const site = SITE_TIME.exec(text);
  if (site) {
    const [, day, month, year, hour, minute, second] = site.map(Number);
    return utcMillis(year!, month!, day!, hour!, minute!, second!) === undefined ? `not a real date and time: ${text}` : text;
  }
  const iso = ISO.exec(text);
  if (!iso)
    return "expected ISO 8601 with a UTC offset (2021-07-19T16:42:32+03:00) or Calltouch's dd-MM-yyyy HH:mm:ss (19-07-2021 16:42:32)";
  const [, year, month, day, hour, minute, second = "0", fraction = "", zone, sign, offsetHours, offsetMinutes = "0"] = iso;
  if (hour === undefined || zone === undefined)
    return "a date without a UTC offset is ambiguous: add the offset (2021-07-19T16:42:32+03:00) or use Calltouch's dd-MM-yyyy HH:mm:ss, which is taken as site time";
  const millis = utcMillis(Number(year), Number(month), Number(day), Number(hour), Number(minute), Number(second));
  if (millis === undefined) return `not a real date and time: ${text}`;
  const offset = sign === undefined ? 0 : (sign === "-" ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes));
  if (Number(offsetHours) > 23 || Number(offsetMinutes) > 59) return `not a valid UTC offset: ${zone}`;
  return new Date(millis + Number(fraction.padEnd(3, "0").slice(0, 3)) - offset * 60_000).toISOString();
}

function utcMillis(year: number, month: number, day: number, hour: number, minute: number, second: number): number | undefined {
  if (year < 1970 || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const millis = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(millis);
  return back.getUTCDate() === day && back.getUTCMonth() === month - 1 ? millis : undefined;
}
