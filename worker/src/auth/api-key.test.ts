import { describe, expect, it } from "vitest";
import { allows, authenticate } from "./api-key";
import type { KeyEntry } from "./keys";

const sha256 = async (text: string) => new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));

describe("authenticate", async () => {
  const keys: KeyEntry[] = [
    { id: "crm", type: "secret", sha256: await sha256("first-key"), site: "1", scopes: ["orders:write"] },
    { id: "ops", type: "secret", sha256: await sha256("second-key"), site: "2", scopes: ["admin"] },
    {
      id: "site-form",
      type: "public",
      sha256: await sha256("pk_form"),
      site: "1",
      origins: ["https://shop.example"],
      defaults: {},
      forbid: [],
      turnstile: false,
    },
  ];

  it("finds the principal of each secret key: its id, scopes and site, never the key", async () => {
    expect(await authenticate("Bearer second-key", keys)).toEqual({ keyId: "ops", scopes: ["admin"], site: "2" });
    expect(await authenticate("bearer first-key", keys)).toEqual({ keyId: "crm", scopes: ["orders:write"], site: "1" });
  });

  it.each([
    ["a missing header", undefined],
    ["an empty header", ""],
    ["an unknown key", "Bearer third-key"],
    ["a public key", "Bearer pk_form"],
    ["another scheme", "Basic Zmlyc3Qta2V5"],
    ["a key with a suffix", "Bearer first-key2"],
    ["two tokens", "Bearer first-key second-key"],
  ])("refuses %s", async (_, header) => {
    expect(await authenticate(header, keys)).toBeNull();
  });
});

describe("allows", () => {
  it("grants a scope the key has, and every scope to admin", () => {
    expect(allows({ keyId: "a", site: "1", scopes: ["orders:write"] }, "orders:write")).toBe(true);
    expect(allows({ keyId: "a", site: "1", scopes: ["orders:write"] }, "orders:read")).toBe(false);
    expect(allows({ keyId: "a", site: "1", scopes: ["admin"] }, "orders:read")).toBe(true);
  });
});
