import { describe, expect, it } from "vitest";
import { readSettings } from "./settings";

const minimal = {
  CALLTOUCH_SITE_ID: "12345",
  CALLTOUCH_TOKEN: "secret-token-value",
  API_KEY_HASHES: "7e9f8fd111802be56c379d597842e29b2cebd35ff2133d431a49fa556a18704e",
};

describe("readSettings", () => {
  it("fills every limit with its default", () => {
    const result = readSettings({ ...minimal });
    expect(result.ok && result.settings.calltouch).toEqual({
      baseUrl: "https://api.calltouch.ru",
      siteId: "12345",
      token: "secret-token-value",
      crm: "calltouch-gateway",
      timeZone: "Europe/Moscow",
      defaultStatus: "Новая",
      batchSize: 100,
      requestsPerSecond: 5,
      timeoutMs: 10_000,
    });
  });

  it("names each problem without echoing any value", () => {
    const result = readSettings({
      ...minimal,
      CALLTOUCH_TOKEN: "",
      CALLTOUCH_BATCH_SIZE: "500",
      CALLTOUCH_TIME_ZONE: "Mars/Olympus",
      API_KEY_HASHES: "dev-key",
    });
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems).toEqual([
      expect.stringContaining("CALLTOUCH_TOKEN is not set"),
      expect.stringContaining("CALLTOUCH_TIME_ZONE"),
      "CALLTOUCH_BATCH_SIZE must be at most 100",
      expect.stringContaining("API_KEY_HASHES"),
    ]);
    expect(problems.join(" ")).not.toMatch(/dev-key|Mars|500/);
  });

  it("reads the environment once", () => {
    const env = { ...minimal };
    expect(readSettings(env)).toBe(readSettings(env));
  });
});
