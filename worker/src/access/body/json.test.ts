import { describe, expect, it } from "vitest";
import { MAX_JSON_DEPTH, readJson } from "./json";

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
