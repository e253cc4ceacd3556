import { describe, expect, it } from "vitest";
import { type JsonProblem, MAX_JSON_DEPTH, readJson } from "./json";

const problemOf = (text: string) => {
  const read = readJson(text);
  return read.ok ? undefined : read.error;
};

describe("readJson", () => {
  it("reads JSON that means one thing as JSON.parse does", () => {
    const text = JSON.stringify({
      orders: [{ orderNumber: 'Заказ "1"', revenue: 1000.5, phones: ["+7 915"], tags: [], nested: { a: [true, false, null] } }],
      wait: 0,
      keys: { "a\\": 1, a: 2, "\\u0061b": 3 },
    });
    expect(readJson(text)).toEqual({ ok: true, value: JSON.parse(text) });
    for (const number of [
      "0",
      "-0",
      "9007199254740991",
      "-9007199254740991",
      "1000.10",
      "0.30000000000000004",
      "1e3",
      "1.5E-7",
      "123456789012.34",
    ]) {
      expect(readJson(number)).toEqual({ ok: true, value: Number(number) });
    }
    expect(readJson('"\\ud83d\\ude00"')).toEqual({ ok: true, value: "😀" });
  });

  it("refuses a key given twice in one object, whatever the values, and names where", () => {
    expect(problemOf('{"orderNumber":"A","orderNumber":"B"}')).toEqual({ kind: "duplicate_key", path: ["orderNumber"] });
    expect(problemOf('{"a":1,"a":1}')).toEqual({ kind: "duplicate_key", path: ["a"] });
    // The same key once escaped is the same key.
    expect(problemOf('{"a":1,"\\u0061":2}')).toEqual({ kind: "duplicate_key", path: ["a"] });
    expect(problemOf('{"orders":[{"revenue":1},{"revenue":1, "status":"x","revenue":2}]}')).toEqual({
      kind: "duplicate_key",
      path: ["orders", 1, "revenue"],
    });
    // Equal keys in different objects are no repeat.
    expect(readJson('[{"a":1},{"a":2},{"b":{"a":3}}]').ok).toBe(true);
  });

  it("refuses numbers a float cannot hold exactly, naming them", () => {
    for (const number of [
      "9007199254740993",
      "9007199254740992",
      "-9007199254740993",
      "1e21",
      "1e400",
      "1000.1000000000000001",
      "1e-400",
    ]) {
      expect(problemOf(`{"revenue":${number}}`)).toEqual({ kind: "inexact_number", path: ["revenue"], detail: number });
    }
    expect(problemOf(`[1, 2, ${"9".repeat(60)}]`)).toEqual({ kind: "inexact_number", path: [2], detail: `${"9".repeat(40)}…` });
  });

  it("refuses lone surrogates in strings and keys", () => {
    expect(problemOf('{"comment":"\\ud800"}')).toEqual({ kind: "lone_surrogate", path: ["comment"] });
    expect(problemOf('{"tags":["ok","\\udc00x"]}')).toEqual({ kind: "lone_surrogate", path: ["tags", 1] });
    expect(problemOf('{"\\ud83d":1}')).toEqual({ kind: "lone_surrogate", path: ["\ud83d"] });
    // After strings with escapes and strings without, a later escape is still read.
    expect(problemOf('{"a":"x\\ny","b":"plain","c\\"":["ok","\\ud800"]}')).toEqual({ kind: "lone_surrogate", path: ['c"', 1] });
    expect(problemOf('{"a\\\\":1,"b":"\\\\","a\\u005c":2}')).toEqual({ kind: "duplicate_key", path: ["a\\"] });
  });

  it("finds every repeated key and lone surrogate where a plain walk of the decoded value finds it, however it is escaped", () => {
    for (let run = 0; run < 3000; run++) {
      const value = randomValue(3);
      const text = written(value);
      const problem = problemIn(value, []);
      const wanted = problem === undefined ? { ok: true, value: JSON.parse(text) } : { ok: false, error: problem };
      // Compared as JSON text: lone surrogates, escaped, cannot break the report of a failure.
      expect(JSON.stringify(readJson(text)), JSON.stringify(text)).toBe(JSON.stringify(wanted));
    }
  });

  it(`refuses nesting deeper than ${MAX_JSON_DEPTH} levels, and reads ${MAX_JSON_DEPTH}`, () => {
    expect(readJson(`${"[".repeat(MAX_JSON_DEPTH)}${"]".repeat(MAX_JSON_DEPTH)}`).ok).toBe(true);
    expect(problemOf(`{"a":${"[".repeat(MAX_JSON_DEPTH)}${"]".repeat(MAX_JSON_DEPTH)}}`)).toEqual({
      kind: "too_deep",
      path: ["a", ...Array(MAX_JSON_DEPTH - 1).fill(0)],
    });
    // Deep beyond any stack: refused, never a crash.
    expect(problemOf(`${"[".repeat(500_000)}${"]".repeat(500_000)}`)?.kind).toBe("too_deep");
  });

  it("says where text stops being JSON", () => {
    expect(problemOf("{not json")).toEqual({ kind: "invalid_json", path: [], detail: expect.stringMatching(/JSON/) });
    expect(problemOf('{"a":1,}')?.kind).toBe("invalid_json");
    expect(problemOf("")?.kind).toBe("invalid_json");
  });
});

// A JSON value as written, objects as their entries in order so that a key may be given twice.
type Value = null | boolean | number | string | Value[] | { entries: [string, Value][] };

// Park–Miller: the same cases on every run, so that a failure names a text that fails again.
let seed = 20_261_129;
const random = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

// Keys and strings that are equal once decoded, however they are written, and some that are no text.
const KEYS = ["a", "b", "ab", "\\", '"', "é", "😀", "\ud800", "x\udfff"];
const STRINGS = ["", "x", 'q"q', "a\\b", "\n\t", "Запись", "😀", "\ud83d", "a\udc00", "\u0000"];

function randomValue(depth: number): Value {
  const kind = random() * (depth > 0 ? 6 : 4);
  if (kind < 1) return pick([null, true, false, 0, -12, 3.5]);
  if (kind < 4) return pick(STRINGS);
  const length = Math.floor(random() * 4);
  if (kind < 5) return Array.from({ length }, () => randomValue(depth - 1));
  return { entries: Array.from({ length }, () => [pick(KEYS), randomValue(depth - 1)] as [string, Value]) };
}

/** `value` as JSON text, each character written raw or escaped at random, with random whitespace between tokens. */
function written(value: Value): string {
  const space = () => pick(["", "", " ", "\n  ", "\t"]);
  if (typeof value === "string") return string(value);
  if (Array.isArray(value)) return `[${space()}${value.map(written).join(`,${space()}`)}${space()}]`;
  if (value !== null && typeof value === "object") {
    return `{${space()}${value.entries.map(([key, item]) => `${string(key)}${space()}:${space()}${written(item)}`).join(`,${space()}`)}}`;
  }
  return String(value);
}

function string(text: string): string {
  const escaped = (unit: number) => `\\u${unit.toString(16).padStart(4, "0")}`;
  let json = '"';
  for (const character of text) {
    const code = character.codePointAt(0)!;
    const mustEscape = character === '"' || character === "\\" || code < 0x20 || (code >= 0xd800 && code <= 0xdfff);
    if (!mustEscape && random() < 0.6) json += character;
    else if (character === '"' || character === "\\") json += random() < 0.5 ? `\\${character}` : escaped(code);
    else json += [...Array(character.length).keys()].map((i) => escaped(character.charCodeAt(i))).join("");
  }
  return `${json}"`;
}

/** The first repeated key or lone surrogate of `value` in the order it is written, and where: what readJson must say. */
function problemIn(value: Value, path: (string | number)[]): JsonProblem | undefined {
  if (typeof value === "string") return value.isWellFormed() ? undefined : { kind: "lone_surrogate", path };
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const problem = problemIn(item, [...path, index]);
      if (problem) return problem;
    }
  } else if (value !== null && typeof value === "object") {
    const seen = new Set<string>();
    for (const [key, item] of value.entries) {
      if (seen.has(key)) return { kind: "duplicate_key", path: [...path, key] };
      seen.add(key);
      if (!key.isWellFormed()) return { kind: "lone_surrogate", path: [...path, key] };
      const problem = problemIn(item, [...path, key]);
      if (problem) return problem;
    }
  }
  return undefined;
}
