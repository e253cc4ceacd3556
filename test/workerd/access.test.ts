// Who may call: secret keys, their scopes, sites and rate limits, on every door. Website forms are in
// forms.test.ts, leads.submit in leads.test.ts.
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

  it("refuses a public key on the API with 403: it only submits leads", async () => {
    const response = await trpc("orders.create", keys.FORM_KEY);
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/только отправлять заявки/);
  });

  it("answers a server that asks for Russian in Russian", async () => {
    const response = await callGateway("http://gateway.test/trpc/orders.create", {
      method: "POST",
      headers: {
        authorization: `Bearer ${keys.READER_KEY}`,
        "content-type": "application/json",
        "accept-language": "ru-RU,ru;q=0.9,en;q=0.8",
      },
      body: JSON.stringify({ orderNumber: "x" }),
    });
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe("У этого ключа API нет права orders:write");
  });

  it("names each refused field in Russian to a server that asks for Russian, and in English otherwise", async () => {
    const create = (language: string | undefined) =>
      callGateway("http://gateway.test/trpc/orders.create", {
        method: "POST",
        headers: {
          authorization: `Bearer ${keys.TEST_API_KEY}`,
          "content-type": "application/json",
          ...(language === undefined ? {} : { "accept-language": language }),
        },
        body: JSON.stringify({ orderNumber: "x", revenue: "10.005", manager: 5 }),
      }).then(
        (response) =>
          response.json() as Promise<{ error: { message: string; data: { fieldErrors: { field: string; message: string }[] } } }>,
      );

    const russian = await create("ru-RU,ru;q=0.9");
    expect(russian.error.data.fieldErrors).toStrictEqual([
      expect.objectContaining({ field: "revenue", message: expect.stringMatching(/^больше двух знаков после точки/) }),
      expect.objectContaining({ field: "manager", message: "ожидается строка, получено: число" }),
    ]);
    expect(russian.error.message).toMatch(/^Проверьте данные: revenue: больше двух знаков/);
    const english = await create(undefined);
    expect(english.error.data.fieldErrors.map((error) => error.message)).toStrictEqual([
      expect.stringMatching(/^more than 2 decimal places/),
      "expected a string, got a number",
    ]);
    expect(await simulator.requests()).toEqual([]);
  });

  it("names refused fields in Russian over REST and the drop-in too, when asked", async () => {
    const headers = (language: string) => ({
      authorization: `Bearer ${keys.TEST_API_KEY}`,
      "content-type": "application/json",
      "accept-language": language,
    });
    const rest = async (language: string) =>
      (
        (await (
          await callGateway("http://gateway.test/v1/orders", {
            method: "POST",
            headers: headers(language),
            body: JSON.stringify({ orderNumber: "x", manager: 5 }),
          })
        ).json()) as { error: { message: string; fieldErrors: { message: string }[] } }
      ).error;
    const dropIn = async (language: string) =>
      (
        (await (
          await callGateway("http://gateway.test/lead-service/v1/api/client-order/update", {
            method: "POST",
            headers: headers(language),
            body: JSON.stringify({ orders: [{ orderNumber: "x", manager: 5 }] }),
          })
        ).json()) as { data: { validationErrorData: { field: string; message: string }[] } }
      ).data.validationErrorData;

    expect(await rest("ru")).toMatchObject({ message: "Проверьте данные: manager: ожидается строка, получено: число" });
    expect(await rest("en")).toMatchObject({ message: "Invalid input: manager: expected a string, got a number" });
    expect(await dropIn("ru")).toStrictEqual([{ field: "orders[0].manager", message: "ожидается строка, получено: число" }]);
    expect(await dropIn("en")).toStrictEqual([{ field: "orders[0].manager", message: "expected a string, got a number" }]);
    expect(await simulator.requests()).toEqual([]);
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

describe("a secret key from a web page", () => {
  const page = { origin: keys.FORM_ORIGIN };
  const doors: [string, () => Promise<Response>][] = [
    [
      "tRPC",
      () =>
        callGateway("http://gateway.test/trpc/orders.create", {
          method: "POST",
          headers: { authorization: `Bearer ${keys.TEST_API_KEY}`, "content-type": "application/json", ...page },
          body: JSON.stringify({ orderNumber: "leaked-1" }),
        }),
    ],
    [
      "tRPC (a query)",
      () =>
        callGateway(`http://gateway.test/trpc/deliveries.stats`, { headers: { authorization: `Bearer ${keys.TEST_API_KEY}`, ...page } }),
    ],
    [
      "REST",
      () =>
        callGateway("http://gateway.test/v1/orders", {
          method: "POST",
          headers: { authorization: `Bearer ${keys.TEST_API_KEY}`, "content-type": "application/json", ...page },
          body: JSON.stringify({ orderNumber: "leaked-2" }),
        }),
    ],
    [
      "the Calltouch drop-in",
      () =>
        callGateway("http://gateway.test/lead-service/v1/api/client-order/create", {
          method: "POST",
          headers: { "access-token": keys.TEST_API_KEY, "content-type": "application/json", ...page },
          body: JSON.stringify({ crm: "x", orders: [{ orderNumber: "leaked-3" }] }),
        }),
    ],
    [
      "a website form",
      () =>
        callGateway(`http://gateway.test/forms/${keys.TEST_API_KEY}`, {
          method: "POST",
          headers: { accept: "application/json", ...page },
          body: new URLSearchParams({ phone: "89157771122" }),
        }),
    ],
    [
      "leads.submit",
      () =>
        callGateway("http://gateway.test/trpc/leads.submit", {
          method: "POST",
          headers: { authorization: `Bearer ${keys.TEST_API_KEY}`, "content-type": "application/json", ...page },
          body: JSON.stringify({ phone: "89157771122" }),
        }),
    ],
  ];

  it.each(doors)("is refused on %s with 403: secret keys belong on servers, and nothing is stored", async (_, send) => {
    const response = await send();
    expect(response.status).toBe(403);
    expect(JSON.stringify(await response.json())).toMatch(/Secret keys belong on servers|Секретные ключи — только для серверов/);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    expect(await gateway().deliveries.stats.query()).toMatchObject({ queued: 0, delivered: 0, inFlight: 0 });
  });
});

describe("hostile bodies on the secret doors", () => {
  const deep = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;
  const nested = (depth: number) => `{"orderNumber":"deep","customFields":${deep(depth)}}`;

  it.each([
    ["tRPC", "/trpc/orders.create", { authorization: `Bearer ${keys.TEST_API_KEY}` }],
    ["REST", "/v1/orders", { authorization: `Bearer ${keys.TEST_API_KEY}` }],
    ["the drop-in", "/lead-service/v1/api/client-order/create", { "access-token": keys.TEST_API_KEY }],
  ])("answers deeply nested JSON on %s with a 4xx, never a 500", async (_, path, auth) => {
    for (const body of [deep(200_000), nested(200_000), `{"orders":[${nested(50_000)}],"crm":"x"}`]) {
      const response = await callGateway(`http://gateway.test${path}`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body,
      });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect((await response.text()).length).toBeLessThan(4000);
    }
  });
});
