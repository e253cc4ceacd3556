import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { keyFile, type PublicKey } from "../key-file";
import { readSettings } from "../settings";
import { verifyHuman } from "./turnstile";

const result = readSettings(env);
if (!result.ok) throw new Error("test settings are invalid");
const { turnstile } = result.settings;
const keyWith = (fields: Record<string, unknown>) =>
  keyFile.parse({ keys: [{ id: "k", type: "public", sha256: "0".repeat(64), site: "1", origins: ["https://shop.example"], ...fields }] })
    .keys[0] as PublicKey;
const reasonOf = async (key: PublicKey, token: string | undefined) => {
  const human = await verifyHuman(key, token, "203.0.113.1", turnstile);
  return human.ok ? "passed" : human.error.reason;
};

describe("verifyHuman", () => {
  const guarded = keyWith({});

  it("passes a token Cloudflare verifies as solved on one of the key's sites, once", async () => {
    expect(await reasonOf(guarded, "pass@shop.example/unit-1")).toBe("passed");
    expect(await reasonOf(guarded, "pass@shop.example/unit-1")).toBe("turnstile_expired");
  });

  it("refuses a token solved on another site: a farmed token is worth nothing here", async () => {
    expect(await reasonOf(guarded, "pass@evil.example/unit-2")).toBe("turnstile_foreign_host");
    expect(await reasonOf(guarded, "pass-unit-3")).toBe("turnstile_foreign_host"); // solved on localhost
  });

  it("refuses a missing or forged token, and says so in Russian on the token's field", async () => {
    expect(await reasonOf(guarded, undefined)).toBe("turnstile_missing");
    const forged = await verifyHuman(guarded, "forged", undefined, turnstile);
    expect(forged).toEqual({
      ok: false,
      error: {
        status: 403,
        reason: "turnstile_failed",
        message: "Проверка от ботов не пройдена: попробуйте ещё раз",
        field: "turnstileToken",
      },
    });
  });

  it("says it could not verify when Cloudflare does not answer, and asks nothing of a key that opted out", async () => {
    const offline = vi.spyOn(globalThis, "fetch").mockRejectedValue(new TypeError("Network connection lost"));
    expect(await reasonOf(guarded, "pass@shop.example/unit-4")).toBe("turnstile_unverified");
    offline.mockRestore();
    expect(await reasonOf(keyWith({ turnstile: false }), undefined)).toBe("passed");
  });
});
