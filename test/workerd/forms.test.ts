// Website forms with public keys, as a visitor and as an attacker holding the page's key see them:
// `POST /forms/{key}` adds new leads, and nothing else, whatever is sent.
import { reset } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import * as keys from "../../worker/test/constants";
import { simulator } from "../../worker/test/simulator";
import { callGateway, firstRefusal, gateway, settle } from "./gateway";

beforeEach(async () => {
  await reset();
  await simulator.reset();
});

const formUrl = (key = keys.FORM_KEY) => `http://gateway.test/forms/${key}`;
let visitor = 0;

/** A form submission from the shop's page, from a visitor IP of its own (the form limit is per visitor). */
function submit(body: BodyInit, headers: Record<string, string> = {}, ip = `203.0.113.${++visitor % 250}`) {
  return callGateway(formUrl(headers["x-key"] ?? keys.FORM_KEY), {
    method: "POST",
    headers: { origin: keys.FORM_ORIGIN, "cf-connecting-ip": ip, ...headers },
    body,
  });
}
const json = { accept: "application/json" };
const fieldsOf = async (response: Response) =>
  ((await response.json()) as { error: { fieldErrors: { field: string; message: string }[] } }).error.fieldErrors;
const stored = async () => {
  const stats = await gateway().deliveries.stats.query();
  return stats.queued + stats.inFlight + stats.delivered + stats.dead;
};

describe("website forms", () => {
  it("takes a plain HTML form: redirects to the thank-you page, and the lead reaches Calltouch matched by session first with the key's defaults", async () => {
    const response = await submit(
      new URLSearchParams({ name: "Анна", phone: "8 (915) 777-11-22", comment: "перезвоните", Город: "Москва" }),
      {
        cookie: "_ct_session_id=987654321; other=1",
      },
    );

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
      customFields: [{ field: "Город", value: "Москва" }],
    });
    expect(order.orderNumber).toMatch(/^test-form-[0-9a-z]{9}-[0-9a-v]{10}$/);
    expect(order.matching.at(-1)).toEqual({ type: "customSources", customSourceParams: { source: "сайт", medium: "форма" } });
  });

  it("answers JSON with a receipt to the browser helper (multipart), with the CORS grant", async () => {
    const body = new FormData();
    body.set("phone", "+7 915 777 11 22");
    body.set("sessionId", "111");
    body.set("utm_source", "yandex");
    const response = await submit(body, json);

    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe(keys.FORM_ORIGIN);
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
    expect(await response.json()).toEqual({ receipt: expect.objectContaining({ state: "queued", changeId: 1 }) });
  });

  it("names the field of an invalid phone in Russian, as JSON or as a page, and stores nothing", async () => {
    const answer = await submit(JSON.stringify({ phone: "12" }), { "content-type": "application/json", ...json });
    expect(answer.status).toBe(400);
    expect(await fieldsOf(answer)).toEqual([
      { path: ["phone"], field: "phone", message: "проверьте номер телефона: например, +7 900 000-00-00" },
    ]);

    const page = await submit(new URLSearchParams({ phone: "12" }), { referer: `${keys.FORM_ORIGIN}/contact` });
    expect(page.status).toBe(400);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const text = await page.text();
    expect(text).toMatch(/<strong>Телефон<\/strong>: проверьте номер телефона/);
    expect(text).toContain(`<a href="${keys.FORM_ORIGIN}/contact">`);
    expect(await stored()).toBe(0);
  });

  it("refuses an unknown public key with 401, in Russian", async () => {
    const response = await callGateway(formUrl("pk_nobody"), { method: "POST", headers: { origin: keys.FORM_ORIGIN, ...json } });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: { message: "Неизвестный ключ формы" } });
  });
});

describe("an attacker with the page's key", () => {
  it("cannot choose the orderNumber of a CRM's deal: 400, and the CRM's deal is untouched", async () => {
    await gateway().orders.create.mutate({
      orders: [{ orderNumber: "CRM-42", status: "Оплачено", phones: ["+79009991122"] }],
      wait: 10_000,
    });

    const response = await submit(new URLSearchParams({ orderNumber: "CRM-42", status: "Отказ", phone: "89157771122" }), json);
    expect(response.status).toBe(400);
    expect((await fieldsOf(response)).map((error) => [error.field, error.message])).toEqual([
      ["orderNumber", "номер заявки назначает шлюз: его нельзя передать"],
      ["status", "это поле задаёт владелец сайта в настройках ключа, а не форма"],
    ]);
    const [deal] = (await gateway().orders.status.query({ orderNumbers: ["CRM-42"] })).orders;
    expect(deal!.changes).toHaveLength(1);
    expect((await simulator.requests()).filter((request) => request.path.endsWith("/update"))).toEqual([]);
  });

  it.each([
    "orderNumber",
    "status",
    "statusDate",
    "orderDate",
    "revenue",
    "margin",
    "funnel",
    "currency",
    "manager",
    "orderLink",
    "orderName",
    "tags",
    "addTagsToLead",
    "customFields",
    "addCustomFieldsToLead",
    "products",
    "orderContacts",
    "phones",
    "emails",
    "callId",
    "requestId",
    "source",
    "matching",
    "idempotencyKey",
    "updateDate",
    "tagsOverwrite",
    "leadManager",
    "Бюджет",
  ])("refuses the field %s by name, as form data and as JSON, storing nothing", async (field) => {
    const asForm = await submit(new URLSearchParams({ phone: "89157771122", [field]: "1" }), json);
    const asJson = await submit(JSON.stringify({ phone: "89157771122", [field]: "1" }), { "content-type": "application/json", ...json });
    for (const response of [asForm, asJson]) {
      expect(response.status).toBe(400);
      expect((await fieldsOf(response)).map((error) => error.field)).toEqual([field]);
    }
    expect(await stored()).toBe(0);
  });

  it("is refused from a forged or foreign origin, with no CORS grant", async () => {
    for (const origin of ["https://evil.example", "https://shop.example.evil.example", "http://shop.example", "null", ""]) {
      const response = await submit(new URLSearchParams({ phone: "89157771122" }), { origin, ...json });
      expect(response.status).toBe(403);
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
    }
    const withoutOrigin = await callGateway(formUrl(), {
      method: "POST",
      headers: json,
      body: new URLSearchParams({ phone: "89157771122" }),
    });
    expect(withoutOrigin.status).toBe(403);
    expect(await stored()).toBe(0);
  });

  it("gets no preflight grant for a foreign page; the shop's page gets one without credentials", async () => {
    const preflight = (origin: string) =>
      callGateway(formUrl(), {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
      });
    const shop = await preflight(keys.FORM_ORIGIN);
    expect(shop.status).toBe(204);
    expect(shop.headers.get("access-control-allow-origin")).toBe(keys.FORM_ORIGIN);
    expect(shop.headers.get("access-control-allow-methods")).toBe("POST");
    expect(shop.headers.get("access-control-allow-credentials")).toBeNull();
    expect((await preflight("https://evil.example")).headers.get("access-control-allow-origin")).toBeNull();
  });

  it("cannot rotate IPv6 addresses within its /64 for a fresh budget: the 11th in a minute is 429 with Retry-After", async () => {
    let n = 0;
    const { before, refusal } = await firstRefusal(10, async () => {
      const response = await submit(new URLSearchParams({ phone: "89157771122" }), {}, `2001:db8:42:7:${(++n).toString(16)}::${n * 3}`);
      if (response.status !== 429) expect(response.status).toBe(303);
      return response;
    });
    expect(before).toBeGreaterThanOrEqual(10);
    expect(refusal.headers.get("retry-after")).toBe("60");
    expect(refusal.headers.get("access-control-expose-headers")).toBe("Retry-After");
    expect(await refusal.text()).toContain("Слишком много заявок подряд");
    // A visitor of another /64 is not held back.
    expect((await submit(new URLSearchParams({ phone: "89157771122" }), {}, "2001:db8:42:8::1")).status).toBe(303);
  });

  it("gets 413 for an oversized form before it is read, and for a flood of tiny fields", async () => {
    const big = await submit(new URLSearchParams({ phone: "89157771122", comment: "x".repeat(40 * 1024) }), json);
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({ error: { message: "Запрос больше 32768 байт" } });

    const flood = await submit(Array.from({ length: 2000 }, (_, i) => `f${i}=1`).join("&"), {
      "content-type": "application/x-www-form-urlencoded",
      ...json,
    });
    expect(flood.status).toBe(413);
    expect(await flood.json()).toEqual({ error: { message: "В заявке не больше 40 полей" } });
    expect(await stored()).toBe(0);
  });

  it("gets a 4xx for deeply nested JSON, never a 500, and errors that echo little of it", async () => {
    const depth = 15_000;
    for (const body of [
      `${"[".repeat(depth)}${"]".repeat(depth)}`,
      `{"phone":${"[".repeat(depth)}"1"${"]".repeat(depth)}}`,
      `{"phone":"89157771122","comment":${'{"a":'.repeat(3000)}1${"}".repeat(3000)}}`,
      `{"phone":"89157771122","${"x".repeat(20_000)}":"1"}`,
    ]) {
      const response = await submit(body, { "content-type": "application/json", ...json });
      expect([400, 413]).toContain(response.status);
      expect((await response.text()).length).toBeLessThan(1000);
    }
    expect(await stored()).toBe(0);
  });

  it("needs a Turnstile token that verifies, solved on the key's own site, once", async () => {
    const withToken = (token?: string) =>
      submit(new URLSearchParams({ phone: "89157771122", ...(token ? { "cf-turnstile-response": token } : {}) }), {
        "x-key": keys.TURNSTILE_FORM_KEY,
        ...json,
      });

    expect((await withToken("pass@shop.example/1")).status).toBe(200);
    const reused = await withToken("pass@shop.example/1");
    expect(reused.status).toBe(403);
    expect(await fieldsOf(reused)).toEqual([
      { path: ["cf-turnstile-response"], field: "cf-turnstile-response", message: expect.stringMatching(/уже использована/) },
    ]);
    expect((await withToken("pass@evil.example/2")).status).toBe(403);
    expect((await withToken("forged")).status).toBe(403);
    expect((await withToken()).status).toBe(403);
    expect(await stored()).toBe(1);
  });
});
