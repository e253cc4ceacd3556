import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import * as test from "../../test/constants";
import { readSettings } from "../settings";
import { gate, type Knock } from "./gate";
import { bearerOf } from "./knock";

const result = readSettings(env);
if (!result.ok) throw new Error("test settings are invalid");
const { keys } = result.settings;

const knock = (key: string | undefined, extra: Partial<Knock> = {}): Knock => ({
  key,
  origin: undefined,
  ip: "203.0.113.1",
  language: "en",
  ...extra,
});
const refusalOf = async (need: Parameters<typeof gate>[0], at: Knock) => {
  const admitted = await gate(need)(at, env, keys);
  return admitted.ok ? undefined : { status: admitted.error.status, reason: admitted.error.reason };
};

describe("the gate", () => {
  it("lets a secret key through to its scopes, as its principal: id, scopes, site, never the key", async () => {
    expect(await gate("orders:write")(knock(test.WRITER_KEY), env, keys)).toEqual({
      ok: true,
      value: { type: "secret", keyId: "test-writer", scopes: ["orders:write"], site: test.SIMULATOR_SITE_ID },
    });
    expect(await refusalOf("orders:read", knock(test.TEST_API_KEY))).toBeUndefined();
    expect(await refusalOf("orders:read", knock(test.WRITER_KEY))).toEqual({ status: 403, reason: "lacks_scope" });
  });

  it("refuses a secret key that comes with an Origin header, on every door, before anything else", async () => {
    for (const need of ["orders:write", "orders:read", "admin", "lead"] as const) {
      expect(await refusalOf(need, knock(test.TEST_API_KEY, { origin: test.FORM_ORIGIN }))).toEqual({
        status: 403,
        reason: "secret_key_in_browser",
      });
      expect(await refusalOf(need, knock(test.TEST_API_KEY, { origin: "null" }))).toEqual({ status: 403, reason: "secret_key_in_browser" });
    }
    const { error } = (await gate("orders:write")(knock(test.WRITER_KEY, { origin: "https://x.example" }), env, keys)) as {
      error: { message: string };
    };
    expect(error.message).toMatch(/^Secret keys belong on servers/);
  });

  it("lets a public key only submit leads, only from its own origins", async () => {
    expect(await refusalOf("orders:write", knock(test.FORM_KEY, { origin: test.FORM_ORIGIN }))).toEqual({
      status: 403,
      reason: "leads_only",
    });
    expect(await refusalOf("lead", knock(test.TEST_API_KEY))).toEqual({ status: 403, reason: "public_key_required" });
    for (const origin of [
      undefined,
      "https://evil.example",
      "https://shop.example.evil.example",
      "http://shop.example",
      "https://shop.example:444",
      "null",
    ]) {
      expect(await refusalOf("lead", knock(test.FORM_KEY, { origin }))).toEqual({ status: 403, reason: "foreign_origin" });
    }
    const admitted = await gate("lead")(knock(test.FORM_KEY, { origin: test.FORM_ORIGIN }), env, keys);
    expect(admitted).toMatchObject({ ok: true, value: { type: "public", keyId: "test-form", site: test.SIMULATOR_SITE_ID } });
  });

  it("answers an unknown key 401, as an API key or as a form key", async () => {
    expect(await refusalOf("orders:write", knock(undefined))).toEqual({ status: 401, reason: "unauthorized" });
    expect(await refusalOf("orders:write", knock("sk_nobody"))).toEqual({ status: 401, reason: "unauthorized" });
    expect(await refusalOf("lead", knock("pk_nobody", { origin: test.FORM_ORIGIN }))).toEqual({ status: 401, reason: "unknown_form_key" });
  });

  it("refuses a site other than the key's", async () => {
    expect(await refusalOf("orders:write", knock(test.WRITER_KEY, { site: test.OTHER_SITE_ID }))).toEqual({
      status: 403,
      reason: "wrong_site",
    });
    expect(await refusalOf("orders:write", knock(test.WRITER_KEY, { site: test.SIMULATOR_SITE_ID }))).toBeUndefined();
  });

  it("speaks Russian to visitors whatever they ask, and to servers only when they ask", async () => {
    const messageOf = async (need: Parameters<typeof gate>[0], at: Knock) => {
      const admitted = await gate(need)(at, env, keys);
      return admitted.ok ? undefined : admitted.error.message;
    };
    expect(await messageOf("lead", knock(test.FORM_KEY, { origin: "https://evil.example", language: "en" }))).toBe(
      "Эта страница не может отправлять заявки с этим ключом",
    );
    expect(await messageOf("orders:write", knock(test.READER_KEY))).toBe("This API key lacks the orders:write scope");
    expect(await messageOf("orders:write", knock(test.READER_KEY, { language: "ru" }))).toBe("У этого ключа API нет права orders:write");
  });

  it("counts a visitor's leads by /64: rotating IPv6 addresses within one buys no second budget", async () => {
    const lead = gate("lead");
    const submit = (ip: string) => lead(knock(test.FORM_KEY, { origin: test.FORM_ORIGIN, ip }), env, keys);
    // The limiter counts per wall-clock minute: the first refusal comes after at least 10 and at most 20.
    let refusedAt: number | undefined;
    for (let n = 0; n <= 20 && refusedAt === undefined; n++) {
      const admitted = await submit(`2001:db8:77:1:${n.toString(16)}::${(n * 7919).toString(16)}`);
      if (!admitted.ok) {
        expect(admitted.error).toMatchObject({ status: 429, reason: "visitor_rate_limited", retryAfter: 60 });
        refusedAt = n;
      }
    }
    expect(refusedAt).toBeGreaterThanOrEqual(10);
    // Another /64 is another visitor.
    expect((await submit("2001:db8:77:2::1")).ok).toBe(true);
  });
});

describe("bearerOf", () => {
  it("reads the key of a Bearer header, and nothing else", () => {
    expect(bearerOf("Bearer sk_abc")).toBe("sk_abc");
    expect(bearerOf("bearer sk_abc ")).toBe("sk_abc");
    for (const header of [undefined, "", "Basic c2tfYWJj", "Bearer a b", "Bearer", "sk_abc"]) expect(bearerOf(header)).toBeUndefined();
  });
});
