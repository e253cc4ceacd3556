// The operators' console as a browser drives it, in-process: sign-in and its refusals, the session and
// its CSRF token, every site's numbers from the outbox's own per-minute counts, dead letters grouped by
// reason and replayed to delivered after a confirmation, and a deal found by its number or a phone.
import { reset } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { openSession } from "../../worker/src/access/session";
import { CONSOLE_SESSION_KEY, OTHER_SITE_ID, READER_KEY, SIMULATOR_SITE_ID, TEST_API_KEY } from "../../worker/test/constants";
import { simulator } from "../../worker/test/simulator";
import { callGateway, gateway, settle } from "./gateway";

const ORIGIN = "http://gateway.test";
/** What a browser sends with a form of the console's own page. */
const SAME_ORIGIN = { origin: ORIGIN, "sec-fetch-site": "same-origin", "content-type": "application/x-www-form-urlencoded" };

beforeEach(async () => {
  await reset();
  await simulator.reset();
});

async function signIn(key = TEST_API_KEY, headers: Record<string, string> = SAME_ORIGIN): Promise<Response> {
  return callGateway(`${ORIGIN}/console/sign-in`, { method: "POST", headers, body: new URLSearchParams({ key }).toString() });
}

/** A signed-in operator: the session cookie, and a page getter that sends it. */
async function operator() {
  const response = await signIn();
  expect(response.status).toBe(303);
  const cookie = response.headers.get("set-cookie")!.split(";")[0]!;
  const get = async (path: string) => {
    const page = await callGateway(`${ORIGIN}${path}`, { headers: { cookie } });
    return { status: page.status, text: await page.text() };
  };
  const post = (path: string, form: Record<string, string | string[]>, headers: Record<string, string> = SAME_ORIGIN) => {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(form)) for (const one of [value].flat()) body.append(name, one);
    return callGateway(`${ORIGIN}${path}`, { method: "POST", headers: { ...headers, cookie }, body: body.toString() });
  };
  const csrf = async () => /name="csrf" value="([^"]+)"/.exec((await get("/console")).text)![1]!;
  return { cookie, get, post, csrf };
}

describe("signing in to the console", () => {
  it("shows the sign-in form, in Russian first, to a browser without a session", async () => {
    const response = await callGateway(`${ORIGIN}/console`);
    const page = await response.text();
    expect(response.status).toBe(401);
    expect(page).toContain('<html lang="ru">');
    expect(page).toContain('<label for="key">Ключ администратора</label>');
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const english = await (await callGateway(`${ORIGIN}/console?lang=en`)).text();
    expect(english).toContain("Admin key");
  });

  it("exchanges an admin key for a signed, HttpOnly, Secure, SameSite=Strict session cookie, never the key", async () => {
    const response = await signIn();
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/console");
    const cookie = response.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^__Host-console-session=[\w-]+\.[\w-]+; Max-Age=1800; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
    expect(cookie).not.toContain(TEST_API_KEY);
  });

  it("refuses a wrong key, a key without admin, and a sign-in posted from another site", async () => {
    for (const key of ["not-a-key", READER_KEY, ""]) {
      const response = await signIn(key);
      expect(response.status).toBe(401);
      expect(response.headers.get("set-cookie")).toBeNull();
      expect(await response.text()).toContain("Ключ не подходит");
    }
    const crossSite = await signIn(TEST_API_KEY, { ...SAME_ORIGIN, origin: "https://evil.example", "sec-fetch-site": "cross-site" });
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get("set-cookie")).toBeNull();
  });

  it("refuses an expired session and a forged one", async () => {
    const { cookie: expired } = await openSession(CONSOLE_SESSION_KEY, "test-admin", 60_000, Date.now() - 120_000);
    const late = await callGateway(`${ORIGIN}/console`, { headers: { cookie: `__Host-console-session=${expired}` } });
    expect(late.status).toBe(401);
    expect(await late.text()).toContain("Сессия истекла");

    const { cookie: forged } = await openSession("another-key-that-is-not-the-gateways-own-key", "test-admin", 60_000);
    const forgery = await callGateway(`${ORIGIN}/console`, { headers: { cookie: `__Host-console-session=${forged}` } });
    expect(forgery.status).toBe(401);
    expect(await forgery.text()).toContain('name="key"');
  });

  it("refuses a state-changing request without the session's CSRF token, or from another origin", async () => {
    const { post, csrf } = await operator();
    const token = await csrf();
    expect((await post(`/console/sites/${SIMULATOR_SITE_ID}/resume`, {})).status).toBe(403);
    expect((await post(`/console/sites/${SIMULATOR_SITE_ID}/resume`, { csrf: "x".repeat(token.length) })).status).toBe(403);
    const crossSite = await post(
      `/console/sites/${SIMULATOR_SITE_ID}/resume`,
      { csrf: token },
      { ...SAME_ORIGIN, origin: "https://evil.example" },
    );
    expect(crossSite.status).toBe(403);
    expect((await post(`/console/sites/${SIMULATOR_SITE_ID}/resume`, { csrf: token })).status).toBe(200);
  });
});

describe("the console's views", () => {
  it("shows every site, its pause, and the day's counts the outbox keeps", async () => {
    const { get } = await operator();
    const client = gateway();
    await client.orders.create.mutate({ orders: [{ orderNumber: "o-1" }, { orderNumber: "o-2" }], wait: 10_000 });
    // The other site's token is refused by the simulator: its delivery pauses, nothing dies.
    await gateway("other-site-key").orders.create.mutate({ orders: [{ orderNumber: "p-1" }] });
    await expect.poll(async () => (await gateway("other-site-key").deliveries.stats.query()).paused, { timeout: 10_000 }).not.toBeNull();

    const { status, text } = await get("/console?lang=en");
    expect(status).toBe(200);
    expect(text).toContain(`Site ${SIMULATOR_SITE_ID}`);
    expect(text).toContain(`Site ${OTHER_SITE_ID}`);
    expect(text).toMatch(/<dt>Delivered today<\/dt><dd>2<\/dd>/);
    expect(text).toContain("Delivery paused");
    expect(text).toMatch(/aria-label="Last 24 hours, per minute: delivered 2, refused 0, retries 0"/);
  });

  it("groups dead letters by reason, shows what was sent and the answer, and replays a whole reason to delivered", async () => {
    await simulator.configure({
      rejectOrders: [{ orderNumberPattern: "^bad-", error: 'Order "{orderNumber}" has a bad status', on: ["create"] }],
    });
    const client = gateway();
    await client.orders.create.mutate({
      orders: [{ orderNumber: "bad-1", status: "Плохой" }, { orderNumber: "bad-22", status: "Плохой" }, { orderNumber: "good-1" }],
      wait: 10_000,
    });
    const { get, post, csrf } = await operator();

    const reasons = await get(`/console/sites/${SIMULATOR_SITE_ID}/dead?lang=en`);
    expect(reasons.text).toContain("<td>2</td>");
    const reason = /dead\/letters\?reason=([^"]+)"/.exec(reasons.text)![1]!;

    const letters = await get(`/console/sites/${SIMULATOR_SITE_ID}/dead/letters?reason=${reason}`);
    expect(letters.text).toContain("bad-1");
    expect(letters.text).toContain("bad-22");
    expect(letters.text).toContain("&quot;status&quot;: &quot;Плохой&quot;");

    const confirmation = await get(`/console/sites/${SIMULATOR_SITE_ID}/replay?lang=en&reason=${reason}`);
    expect(confirmation.text).toContain("Deals that will be sent again: 2");

    await simulator.configure({ rejectOrders: [] });
    const decoded = decodeURIComponent(reason);
    const replayed = await post(`/console/sites/${SIMULATOR_SITE_ID}/replay?lang=en`, { csrf: await csrf(), reason: decoded });
    expect(replayed.status).toBe(200);
    expect(await replayed.text()).toContain("Queued again: 2");
    await settle();
    const { orders } = await client.orders.status.query({ orderNumbers: ["bad-1", "bad-22"] });
    expect(orders.map((order) => order.state)).toEqual(["delivered", "delivered"]);
    expect((await get(`/console/sites/${SIMULATOR_SITE_ID}/dead?lang=en`)).text).toContain("No dead letters.");
  });

  it("finds a deal by its number or by a phone written any way, with its changes and the ledger", async () => {
    const client = gateway();
    await client.orders.create.mutate({ orders: [{ orderNumber: "phone-deal", phones: ["8 915 777-11-22"] }], wait: 10_000 });
    await client.orders.update.mutate({ orders: [{ orderNumber: "phone-deal", status: "Оплачено" }], wait: 10_000 });
    const { get } = await operator();

    for (const q of ["phone-deal", "+7 (915) 777-11-22", "79157771122"]) {
      const { text } = await get(`/console/deals?lang=en&site=${SIMULATOR_SITE_ID}&q=${encodeURIComponent(q)}`);
      expect(text).toContain("Deal phone-deal · delivered");
      expect(text).toContain("Calltouch holds the deal");
      expect(text.match(/<tr><td>\d+<\/td><td>(create|update)/g)).toHaveLength(2);
    }
    expect((await get(`/console/deals?lang=en&site=${SIMULATOR_SITE_ID}&q=79990000000`)).text).toContain("Nothing found.");
  });

  it("lists every key with its scopes, site, origins and last accepted change, never a secret or a hash", async () => {
    await gateway().orders.create.mutate({ orders: [{ orderNumber: "by-admin" }] });
    const { get } = await operator();
    const { text } = await get("/console/keys?lang=en");
    expect(text).toMatch(/<td>test-admin<\/td><td>secret<\/td>\s*<td>admin<\/td><td>12345<\/td><td><\/td>\s*<td><time datetime="/);
    expect(text).toMatch(/<td>test-reader<\/td><td>secret<\/td>\s*<td>orders:read<\/td><td>12345<\/td><td><\/td>\s*<td>none<\/td>/);
    expect(text).toContain("<td>test-form</td><td>public</td>");
    expect(text).toContain("https://shop.example");
    expect(text).not.toMatch(/[0-9a-f]{64}/);
    expect(text).not.toContain(TEST_API_KEY);
  });
});
