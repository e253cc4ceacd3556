import { describe, expect, it } from "vitest";
import { keyFile } from "../key-file";
import { findKey } from "./keys";

const hex = async (text: string) =>
  Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))), (byte) =>
    byte.toString(16).padStart(2, "0"),
  ).join("");

const publicKey = async (fields: Record<string, unknown> = {}) => ({
  id: "shop-form",
  type: "public",
  sha256: await hex("pk_form"),
  site: "1",
  origins: ["https://shop.example"],
  ...fields,
});

const problems = (file: unknown) => keyFile.safeParse(file).error?.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);

describe("the key file", () => {
  it("requires Turnstile of a public key that does not opt out, and lets it opt out explicitly", async () => {
    const { keys } = keyFile.parse({ keys: [await publicKey(), { ...(await publicKey({ turnstile: false })), id: "no-bots-check" }] });
    expect(keys.map((key) => key.type === "public" && key.turnstile)).toEqual([true, false]);
  });

  it("checks a public key's defaults as an order's fields, and keeps a lead's own fields out of them", async () => {
    expect(problems({ keys: [await publicKey({ defaults: { revenue: "a lot" } })] })).toEqual([
      'keys.0.defaults.revenue: expected an amount like 1000, 1000.5 or 1000.50, got "a lot"',
    ]);
    for (const field of ["orderNumber", "phones", "matching", "sessionId", "comment"]) {
      expect(problems({ keys: [await publicKey({ defaults: { [field]: "x" } })] })).toEqual([
        `keys.0.defaults.${field}: not a default: a lead sets its own contacts, comment and session, and the gateway numbers it`,
      ]);
    }
    const { keys } = keyFile.parse({
      keys: [await publicKey({ defaults: { status: "Заявка", tags: ["сайт"], source: { source: "сайт" } } })],
    });
    expect(keys[0]).toMatchObject({ defaults: { status: "Заявка", tags: ["сайт"] }, customFields: [] });
  });

  it("allows custom fields by name, but none named as a lead's own field", async () => {
    expect(keyFile.parse({ keys: [await publicKey({ customFields: ["Город"] })] }).keys[0]).toMatchObject({ customFields: ["Город"] });
    expect(problems({ keys: [await publicKey({ customFields: ["phone", "utm_source"] })] })).toEqual([
      "keys.0.customFields.0: is a field of every lead; choose another name",
      "keys.0.customFields.1: is a field of every lead; choose another name",
    ]);
  });

  it("still reads a key written with forbid, from before leads were an allow-list", async () => {
    expect(keyFile.safeParse({ keys: [await publicKey({ forbid: ["revenue"], turnstile: false })] }).success).toBe(true);
  });
});

describe("findKey", () => {
  it("finds an entry by the key's SHA-256, and nothing for any other key", async () => {
    const { keys } = keyFile.parse({
      keys: [{ id: "crm", type: "secret", sha256: await hex("sk_first"), site: "1", scopes: ["orders:write"] }, await publicKey()],
    });
    expect((await findKey("sk_first", keys))?.id).toBe("crm");
    expect((await findKey("pk_form", keys))?.id).toBe("shop-form");
    for (const other of ["", "sk_first ", "SK_FIRST", "sk_firs", await hex("sk_first")]) expect(await findKey(other, keys)).toBeUndefined();
  });
});
