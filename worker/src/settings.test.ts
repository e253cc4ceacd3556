import { describe, expect, it } from "vitest";
import { readKeys, readSettings, siteSettings } from "./settings";

const digest = "7e9f8fd111802be56c379d597842e29b2cebd35ff2133d431a49fa556a18704e";
const key = (id: string, site: string) => ({ id, type: "secret", sha256: digest, site, scopes: ["admin"] });
const minimal = {
  CALLTOUCH_SITE_ID: "12345",
  CALLTOUCH_TOKEN: "secret-token-value",
  API_KEYS: JSON.stringify({ keys: [key("ops", "12345")] }),
};

describe("readSettings", () => {
  it("fills every limit with its default", () => {
    const result = readSettings({ ...minimal });
    expect(result.ok && result.settings.calltouch).toEqual({
      baseUrl: "https://api.calltouch.ru",
      crm: "calltouch-gateway",
      timeZone: "Europe/Moscow",
      defaultStatus: "Новая",
      batchSize: 100,
      requestsPerSecond: 5,
      timeoutMs: 10_000,
    });
    expect(result.ok && result.settings.maxOrdersPerCall).toBe(1000);
  });

  it("names each problem without echoing any value", () => {
    const result = readSettings({
      ...minimal,
      CALLTOUCH_TOKEN: "",
      CALLTOUCH_BATCH_SIZE: "500",
      CALLTOUCH_TIME_ZONE: "Mars/Olympus",
      API_KEYS: JSON.stringify({ keys: [{ ...key("ops", "12345"), sha256: "dev-key" }] }),
    });
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems).toEqual([
      expect.stringContaining("CALLTOUCH_TOKEN is not set"),
      expect.stringContaining("CALLTOUCH_TIME_ZONE"),
      "CALLTOUCH_BATCH_SIZE must be at most 100",
      "API_KEYS keys.0.sha256: must be the key's SHA-256 as 64 lower-case hex digits",
    ]);
    expect(problems.join(" ")).not.toMatch(/dev-key|Mars|500/);
  });

  it("finds each site's token, and refuses a key bound to a site without one", () => {
    const twoSites = readSettings({
      ...minimal,
      CALLTOUCH_TOKEN_67890: "second-token",
      API_KEYS: JSON.stringify({ keys: [key("a", "12345"), key("b", "67890")] }),
    });
    expect(twoSites.ok && siteSettings(twoSites.settings, "67890")).toMatchObject({ siteId: "67890", token: "second-token" });
    expect(twoSites.ok && siteSettings(twoSites.settings, "12345")).toMatchObject({ siteId: "12345", token: "secret-token-value" });

    const orphan = readSettings({ ...minimal, API_KEYS: JSON.stringify({ keys: [key("b", "555")] }) });
    expect(orphan.ok ? [] : orphan.problems).toEqual(['API_KEYS: key "b" sends to site 555, which has no token (set CALLTOUCH_TOKEN_555)']);
  });

  it("creates each site's outbox near Calltouch unless told another Durable Object location", () => {
    const near = readSettings({ ...minimal });
    expect(near.ok && near.settings.outboxLocation).toBe("eeur");
    const west = readSettings({ ...minimal, OUTBOX_LOCATION_HINT: "weur" });
    expect(west.ok && west.settings.outboxLocation).toBe("weur");
    const nowhere = readSettings({ ...minimal, OUTBOX_LOCATION_HINT: "mars" });
    expect(nowhere.ok ? [] : nowhere.problems).toEqual([expect.stringMatching(/^OUTBOX_LOCATION_HINT must be one of wnam, .*eeur/)]);
  });

  it("refuses API_KEYS that are not JSON, and ids used twice", () => {
    const notJson = readSettings({ ...minimal, API_KEYS: "{keys:" });
    expect(notJson.ok ? [] : notJson.problems).toEqual(["API_KEYS is not valid JSON"]);
    const twice = readSettings({ ...minimal, API_KEYS: JSON.stringify({ keys: [key("a", "12345"), key("a", "12345")] }) });
    expect(twice.ok ? [] : twice.problems).toEqual(['API_KEYS keys.1.id: id "a" is used twice']);
  });

  it("reads the environment once", () => {
    const env = { ...minimal };
    expect(readSettings(env)).toBe(readSettings(env));
  });
});

describe("readKeys", () => {
  it("answers the settings' own keys when the settings are right, without parsing them again", () => {
    const env = { ...minimal };
    const settings = readSettings(env);
    expect(readKeys(env)).toBe(settings.ok ? settings.settings.keys : null);
  });

  it("still reads the keys when another setting is wrong, and nothing when they are", () => {
    expect(readKeys({ ...minimal, CALLTOUCH_TOKEN: "" })?.map((entry) => entry.id)).toEqual(["ops"]);
    expect(readKeys({ ...minimal, API_KEYS: "{keys:" })).toBeNull();
  });
});
