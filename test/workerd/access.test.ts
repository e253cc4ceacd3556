// Who may call: scopes, sites, rate limits, and website forms with public keys.
import { reset } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import * as keys from "../../worker/test/constants";
import { simulator } from "../../worker/test/simulator";
import { callGateway, firstRefusal, gateway, settle } from "./gateway";

beforeEach(async () => {
  await reset();
  await simulator.reset();
});

const trpc = (procedure: string, key: string, body: unknown = { orderNumber: "scope-1" }) =>
  callGateway(`http://gateway.test/trpc/${procedure}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("secret keys and scopes", () => {
  it.each([
    ["orders.create", keys.READER_KEY, "orders:write"],
    ["deliveries.replay", keys.WRITER_KEY, "admin"],
    ["deliveries.resume", keys.READER_KEY, "admin"],
  ])("refuses %s to a key without the scope with 403", async (procedure, key, scope) => {
    const response = await trpc(procedure, key, procedure === "deliveries.replay" ? { changeIds: [1] } : undefined);
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain(scope);
  });

  it("refuses reads to a write-only key, and grants them to a read-only key", async () => {
    const input = encodeURIComponent(JSON.stringify({ orderNumbers: ["x"] }));
    const get = (key: string) =>
      callGateway(`http://gateway.test/trpc/orders.status?input=${input}`, { headers: { authorization: `Bearer ${key}` } });
    expect((await get(keys.WRITER_KEY)).status).toBe(403);
    expect((await get(keys.READER_KEY)).status).toBe(200);
  });

  it("refuses a public key on the API with 401: it only creates deals through forms", async () => {
    expect((await trpc("orders.create", keys.FORM_KEY)).status).toBe(401);
  });

  it("sends a key's deals to its own site's outbox, with that site's id and token", async () => {
    await gateway(keys.OTHER_SITE_KEY).orders.create.mutate({ orderNumber: "elsewhere" });
    await gateway().orders.create.mutate({ orderNumber: "here" });

    // The simulator only knows site 12345: the other site's outbox pauses on its refusal, and the default one delivers.
    await expect
      .poll(() => gateway(keys.OTHER_SITE_KEY).deliveries.stats.query(), { timeout: 10_000 })
      .toMatchObject({ queued: 1, delivered: 0, paused: { reason: expect.stringMatching(/credentials/) } });
    await settle();
    expect(await gateway().deliveries.stats.query()).toMatchObject({ delivered: 1, queued: 0, paused: null });
    const requests = await simulator.requests();
    const elsewhere = requests.find((request) => request.body?.orders?.[0]?.orderNumber === "elsewhere")!;
    expect(elsewhere.headers).toMatchObject({ siteid: keys.OTHER_SITE_ID, "access-token": "token-of-the-other-site" });
    const here = requests.find((request) => request.body?.orders?.[0]?.orderNumber === "here")!;
    expect(here.headers).toMatchObject({ siteid: keys.SIMULATOR_SITE_ID, "access-token": keys.SIMULATOR_TOKEN });
  });

  it("answers 429 with Retry-After past a key's requests per minute", async () => {
    // Each refused input still counts: the limit is checked before anything else.
    const { before, refusal } = await firstRefusal(keys.KEY_RATE_LIMIT, async () => {
      const response = await trpc("orders.create", keys.BURST_KEY, {});
      if (response.status !== 429) expect(response.status).toBe(400);
      return response;
    });
    expect(before).toBeGreaterThanOrEqual(keys.KEY_RATE_LIMIT);
    expect(refusal.headers.get("retry-after")).toBe("60");
  }, 60_000);
});

const formUrl = (key = keys.FORM_KEY) => `http://gateway.test/forms/${key}`;
let visitor = 0;

/** A form submission from the shop's page, from a visitor IP of its own (the form limit is per visitor). */
function submit(body: BodyInit, headers: Record<string, string> = {}, ip = `203.0.113.${++visitor}`) {
  return callGateway(formUrl(headers["x-key"] ?? keys.FORM_KEY), {
    method: "POST",
    headers: { origin: keys.FORM_ORIGIN, "cf-connecting-ip": ip, ...headers },
    body,
  });
}

describe("website forms", () => {
  it("takes a plain HTML form: redirects to the thank-you page, and the deal reaches Calltouch matched by session first with the key's defaults", async () => {
    const response = await submit(new URLSearchParams({ name: "Анна", phone: "8 (915) 777-11-22", comment: "перезвоните" }), {
      cookie: "_ct_session_id=987654321; other=1",
    });

    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`${keys.FORM_ORIGIN}/thanks`);
    await settle();
    const [request] = await simulator.requests();
    const [order] = request!.body.orders;
    expect(order.matching[0]).toEqual({ type: "session", sessionParams: { sessionId: ["987654321"] } });
    expect(order).toMatchObject({
      status: "Заявка с сайта",
      addTags: [{ tag: "сайт" }],
      comment: { text: "перезвоните" },
      orderContacts: { mainContacts: { fio: "Анна", phoneNumber: "79157771122" } },
    });
    expect(order.orderNumber).toMatch(/^web-/);
    expect(order.matching.at(-1)).toEqual({ type: "customSources", customSourceParams: { source: "сайт", medium: "форма" } });
  });

  it("answers JSON with a receipt to the browser helper (multipart), with the CORS grant", async () => {
    const body = new FormData();
    body.set("phone", "+7 915 777 11 22");
    body.set("sessionId", "111");
    const response = await submit(body, { accept: "application/json" });

    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe(keys.FORM_ORIGIN);
    expect(await response.json()).toEqual({ receipt: expect.objectContaining({ state: "queued", changeId: 1 }) });
  });

  it("names the field of an invalid phone, as JSON or as a page, and stores nothing", async () => {
    const json = await submit(JSON.stringify({ phone: "12" }), { "content-type": "application/json", accept: "application/json" });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: { fieldErrors: [{ field: "phone", message: expect.stringMatching(/phone/) }] } });

    const page = await submit(new URLSearchParams({ phone: "12" }), { referer: `${keys.FORM_ORIGIN}/contact` });
    expect(page.status).toBe(400);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const text = await page.text();
    expect(text).toMatch(/<strong>phone<\/strong>/);
    expect(text).toContain(`<a href="${keys.FORM_ORIGIN}/contact">`);
    expect((await gateway().deliveries.stats.query()).queued).toBe(0);
  });

  it("refuses a field the key forbids, and one no deal has", async () => {
    const response = await submit(new URLSearchParams({ phone: "89157771122", revenue: "100000", colour: "red" }), {
      accept: "application/json",
    });

    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { fieldErrors: { field: string }[] } }).error.fieldErrors.map((e) => e.field)).toEqual([
      "revenue",
      "colour",
    ]);
  });

  it("refuses a foreign page with 403 and no CORS grant, and answers the preflight of the shop's page", async () => {
    const foreign = await submit(new URLSearchParams({ phone: "89157771122" }), { origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get("access-control-allow-origin")).toBeNull();

    const preflight = await callGateway(formUrl(), {
      method: "OPTIONS",
      headers: { origin: keys.FORM_ORIGIN, "access-control-request-method": "POST" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(keys.FORM_ORIGIN);
    expect(preflight.headers.get("access-control-allow-methods")).toBe("POST");

    const foreignPreflight = await callGateway(formUrl(), { method: "OPTIONS", headers: { origin: "https://evil.example" } });
    expect(foreignPreflight.status).toBe(403);
    expect(foreignPreflight.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("refuses an unknown public key with 401", async () => {
    const response = await callGateway(formUrl("pk_nobody"), { method: "POST", headers: { origin: keys.FORM_ORIGIN } });
    expect(response.status).toBe(401);
  });

  it("limits submissions per visitor: the 11th in a minute is 429 with Retry-After", async () => {
    const ip = "198.51.100.7";
    const { before, refusal } = await firstRefusal(10, async () => {
      const response = await submit(new URLSearchParams({ phone: "89157771122" }), {}, ip);
      if (response.status !== 429) expect(response.status).toBe(303);
      return response;
    });
    expect(before).toBeGreaterThanOrEqual(10);
    expect(refusal.headers.get("retry-after")).toBe("60");
    expect(refusal.headers.get("access-control-expose-headers")).toBe("Retry-After");
    // Another visitor is not held back.
    expect((await submit(new URLSearchParams({ phone: "89157771122" }))).status).toBe(303);
  });

  it("requires a Turnstile token that verifies, and refuses its reuse", async () => {
    const withToken = (token?: string) =>
      submit(new URLSearchParams({ phone: "89157771122", ...(token ? { "cf-turnstile-response": token } : {}) }), {
        "x-key": keys.TURNSTILE_FORM_KEY,
        accept: "application/json",
      });

    expect((await withToken("pass-token-1")).status).toBe(200);
    const reused = await withToken("pass-token-1");
    expect(reused.status).toBe(403);
    expect(await reused.json()).toMatchObject({
      error: { fieldErrors: [{ field: "cf-turnstile-response", message: expect.stringMatching(/already used/) }] },
    });
    expect((await withToken("forged")).status).toBe(403);
    expect((await withToken()).status).toBe(403);
    expect((await gateway().deliveries.stats.query()).queued + (await gateway().deliveries.stats.query()).delivered).toBe(1);
  });

  it("refuses an oversized form with 413 before reading it", async () => {
    const response = await submit(new URLSearchParams({ phone: "89157771122", comment: "x".repeat(3 * 1024 * 1024) }));
    expect(response.status).toBe(413);
  });
});
