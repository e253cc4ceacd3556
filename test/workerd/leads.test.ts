// leads.submit: browser apps' typed way in, with a public key, under the rules of the form endpoint,
// and the CORS grants that let exactly the key's pages call it.
import { reset } from "cloudflare:test";
import { createGatewayClient, fieldErrorsOf, httpStatusOf } from "@calltouch-gateway/client";
import { beforeEach, describe, expect, it } from "vitest";
import * as keys from "../../worker/test/constants";
import { simulator } from "../../worker/test/simulator";
import { callGateway, gateway, settle } from "./gateway";

beforeEach(async () => {
  await reset();
  await simulator.reset();
});

let visitor = 0;

/** The typed client of a page on `origin`, as a browser would send its calls (Origin, the visitor's IP). */
function page(publicKey = keys.FORM_KEY, origin = keys.FORM_ORIGIN) {
  const ip = `198.51.100.${++visitor % 250}`;
  return createGatewayClient({
    url: "http://gateway.test",
    publicKey,
    fetch: (input, init) =>
      callGateway(input as RequestInfo, {
        ...init,
        headers: { ...(init?.headers as Record<string, string>), origin, "cf-connecting-ip": ip },
      }),
  });
}
/** A raw call of leads.submit from the shop's page; a header given as `undefined` is left out. */
const submit = (body: unknown, headers: Record<string, string | undefined> = {}) => {
  const all = {
    authorization: `Bearer ${keys.FORM_KEY}`,
    origin: keys.FORM_ORIGIN,
    "content-type": "application/json",
    "cf-connecting-ip": `198.51.100.${++visitor % 250}`,
    ...headers,
  };
  return callGateway("http://gateway.test/trpc/leads.submit", {
    method: "POST",
    headers: Object.entries(all).filter((entry): entry is [string, string] => entry[1] !== undefined),
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
};
const stored = async () => {
  const stats = await gateway().deliveries.stats.query();
  return stats.queued + stats.inFlight + stats.delivered + stats.dead;
};

describe("leads.submit", () => {
  it("adds a new lead under the gateway's number with the key's defaults, and the page may read the answer", async () => {
    const { receipt } = await page().leads.submit.mutate({
      name: "Анна",
      phone: "+7 915 777-11-22",
      utm: { source: "yandex", medium: "cpc" },
      customFields: { Город: "Москва" },
    });
    expect(receipt).toMatchObject({ orderNumber: expect.stringMatching(/^test-form-/), state: "queued" });

    await settle();
    const [request] = await simulator.requests();
    expect(request!.path).toMatch(/\/create$/);
    expect(request!.body.orders[0]).toMatchObject({
      orderNumber: receipt.orderNumber,
      status: "Заявка с сайта",
      customFields: [{ field: "Город", value: "Москва" }],
    });
    expect(request!.body.orders[0].matching.at(-1)).toEqual({
      type: "customSources",
      customSourceParams: { source: "yandex", medium: "cpc" },
    });

    const raw = await submit({ phone: "89157771122" });
    expect(raw.status).toBe(200);
    expect(raw.headers.get("access-control-allow-origin")).toBe(keys.FORM_ORIGIN);
    expect(raw.headers.get("access-control-allow-credentials")).toBeNull();
    expect(raw.headers.get("vary")).toMatch(/Origin/);
  });

  it("gives field errors as data, in Russian, and stores nothing", async () => {
    const error = await page()
      .leads.submit.mutate({ name: "Анна", phone: "12" })
      .catch((caught: unknown) => caught);
    expect(httpStatusOf(error)).toBe(400);
    expect(fieldErrorsOf(error)).toEqual([
      { path: ["phone"], field: "phone", message: "проверьте номер телефона: например, +7 900 000-00-00" },
    ]);
    expect((error as Error).message).toMatch(/^Проверьте данные: phone: /);
    expect(await stored()).toBe(0);
  });

  it("refuses a caller's orderNumber and every deal field by name, whatever the types said", async () => {
    for (const field of ["orderNumber", "status", "revenue", "tags", "orderDate", "matching", "phones"]) {
      const response = await submit({ phone: "89157771122", [field]: "1" });
      expect(response.status).toBe(400);
      const { error } = (await response.json()) as { error: { data: { fieldErrors: { field: string }[] } } };
      expect(error.data.fieldErrors.map((fieldError) => fieldError.field)).toEqual([field]);
    }
    const foreign = await submit({ phone: "89157771122", customFields: { Бюджет: "много" } });
    expect(foreign.status).toBe(400);
    expect(await stored()).toBe(0);
  });

  it("is refused from another site's page with 403 and no CORS grant, and to a secret key or a stranger's key", async () => {
    const foreign = await page(keys.FORM_KEY, "https://evil.example")
      .leads.submit.mutate({ phone: "89157771122" })
      .catch((caught: unknown) => caught);
    expect(httpStatusOf(foreign)).toBe(403);

    const raw = await submit({ phone: "89157771122" }, { origin: "https://evil.example" });
    expect(raw.headers.get("access-control-allow-origin")).toBeNull();
    expect((await submit({ phone: "89157771122" }, { authorization: `Bearer ${keys.WRITER_KEY}`, origin: "" })).status).toBe(403);
    const withoutOrigin = await submit({ phone: "89157771122" }, { authorization: `Bearer ${keys.WRITER_KEY}`, origin: undefined });
    expect(withoutOrigin.status).toBe(403);
    expect(JSON.stringify(await withoutOrigin.json())).toMatch(/публичным ключом/);
    expect((await submit({ phone: "89157771122" }, { authorization: "Bearer pk_nobody" })).status).toBe(401);
    expect(await stored()).toBe(0);
  });

  it("is the only procedure a public key reaches", async () => {
    for (const path of ["orders.create", "orders.update", "orders.validate"]) {
      const response = await callGateway(`http://gateway.test/trpc/${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${keys.FORM_KEY}`, origin: keys.FORM_ORIGIN, "content-type": "application/json" },
        body: JSON.stringify({ orderNumber: "x", status: "y" }),
      });
      expect(response.status).toBe(403);
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
    }
    const batch = await callGateway("http://gateway.test/trpc/leads.submit,orders.create?batch=1", {
      method: "POST",
      headers: { authorization: `Bearer ${keys.FORM_KEY}`, origin: keys.FORM_ORIGIN, "content-type": "application/json" },
      body: JSON.stringify({ 0: { phone: "89157771122" }, 1: { orderNumber: "x" } }),
    });
    expect(batch.status).toBeGreaterThanOrEqual(400);
    expect(await stored()).toBe(0);
  });

  it("needs Turnstile, solved on the key's site, when the key requires it", async () => {
    const guarded = page(keys.TURNSTILE_FORM_KEY);
    const refused = await guarded.leads.submit.mutate({ phone: "89157771122" }).catch((caught: unknown) => caught);
    expect(httpStatusOf(refused)).toBe(403);
    expect((refused as Error).message).toMatch(/Нет проверки от ботов/);
    const farmed = await guarded.leads.submit
      .mutate({ phone: "89157771122", turnstileToken: "pass@evil.example/9" })
      .catch((caught: unknown) => caught);
    expect(httpStatusOf(farmed)).toBe(403);
    const { receipt } = await guarded.leads.submit.mutate({ phone: "89157771122", turnstileToken: "pass@shop.example/9" });
    expect(receipt.state).toBe("queued");
  });

  it("refuses a body over the lead limit with 413, and deeply nested JSON with a 4xx", async () => {
    expect((await submit({ phone: "89157771122", comment: "x".repeat(40 * 1024) })).status).toBe(413);
    for (const body of [`${"[".repeat(15_000)}${"]".repeat(15_000)}`, `{"phone":${"[".repeat(15_000)}${"]".repeat(15_000)}}`]) {
      const response = await submit(body);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect((await response.text()).length).toBeLessThan(2000);
    }
    expect(await stored()).toBe(0);
  });
});

describe("CORS on /trpc", () => {
  const preflight = (path: string, origin: string) =>
    callGateway(`http://gateway.test/trpc/${path}`, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
    });

  it("answers the preflight of leads.submit for a public key's origin: POST, the three headers, no credentials", async () => {
    const response = await preflight("leads.submit", keys.FORM_ORIGIN);
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(keys.FORM_ORIGIN);
    expect(response.headers.get("access-control-allow-methods")).toBe("POST");
    expect(response.headers.get("access-control-allow-headers")).toBe("Authorization,Content-Type,Idempotency-Key");
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("grants nothing to any other origin, or for any other procedure", async () => {
    for (const origin of ["https://evil.example", "null", "https://shop.example.evil.example"]) {
      expect((await preflight("leads.submit", origin)).headers.get("access-control-allow-origin")).toBeNull();
    }
    for (const path of ["orders.create", "deliveries.stats", "deliveries.replay"]) {
      const response = await preflight(path, keys.FORM_ORIGIN);
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
    }
  });
});
