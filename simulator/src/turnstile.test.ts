import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

async function verify(secret: string, response: string) {
  const body = new FormData();
  body.set("secret", secret);
  body.set("response", response);
  const answer = await exports.default.fetch("http://turnstile.test/turnstile/v0/siteverify", { method: "POST", body });
  return answer.json();
}

describe("Turnstile's siteverify", () => {
  it("verifies a passing token once, and calls its replay a duplicate", async () => {
    expect(await verify("secret", "pass-once")).toEqual({ success: true, "error-codes": [], hostname: "localhost" });
    expect(await verify("secret", "pass-once")).toEqual({ success: false, "error-codes": ["timeout-or-duplicate"] });
  });

  it("answers the hostname a token names as where it was solved", async () => {
    expect(await verify("secret", "pass@shop.example/1")).toEqual({ success: true, "error-codes": [], hostname: "shop.example" });
  });

  it("refuses other tokens and a missing secret", async () => {
    expect(await verify("secret", "forged")).toEqual({ success: false, "error-codes": ["invalid-input-response"] });
    expect(await verify("", "pass-2")).toEqual({ success: false, "error-codes": ["missing-input-secret"] });
  });
});
