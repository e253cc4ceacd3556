import { rmSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServers, freePort, startDevServers } from "../e2e/dev-servers";
import { launchChromium, screenshot } from "./chromium";
import { PUBLIC_KEY, varsWithPublicKey } from "./dev-vars";

// examples/website-form in a real Chromium, served by `scripts/run dev` (scripts/dev.mjs) beside the
// gateway and the simulator: a visitor with a Calltouch session fills the form with JavaScript (the
// helper sends it with fetch) and without (a plain HTML POST and the gateway's redirect), and both deals
// reach "Calltouch" matched by that session first, with the public key's defaults.

const SESSION_ID = "12345678";

interface SimulatorRequest {
  path: string;
  body: { orders?: CalltouchOrder[] };
}
interface CalltouchOrder {
  orderNumber: string;
  status?: string;
  addTags?: { tag: string }[];
  comment?: { text: string };
  orderContacts?: { mainContacts?: { fio?: string } };
  matching: { type: string; [params: string]: unknown }[];
}

let servers: DevServers;
let browser: Browser;
let varsDir: string;

beforeAll(async () => {
  // The browser first: a machine without Chromium fails at once, before two wrangler processes start.
  browser = await launchChromium();
  const examplesPort = await freePort();
  const origins = [`http://localhost:${examplesPort}`, `http://127.0.0.1:${examplesPort}`];
  const vars = varsWithPublicKey(origins, { thankYouUrl: `http://localhost:${examplesPort}/thanks.html` });
  varsDir = vars.folder;
  servers = await startDevServers({ vars: vars.path, examplesPort });
});

afterAll(async () => {
  await browser?.close();
  await servers?.stop();
  if (varsDir) rmSync(varsDir, { recursive: true, force: true });
});

/** A visitor who came through an ad: the Calltouch script has set its session cookie. */
async function visitor(javaScriptEnabled: boolean): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ javaScriptEnabled, locale: "ru-RU", viewport: { width: 640, height: 900 } });
  await context.addCookies([{ name: "_ct_session_id", value: SESSION_ID, domain: "localhost", path: "/" }]);
  const page = await context.newPage();
  await page.goto(servers.examplesUrl);
  expect(await page.getAttribute("form", "action")).toBe(`${servers.gatewayUrl}/forms/${PUBLIC_KEY}`);
  return { context, page };
}

async function fill(page: Page, fields: { name: string; phone: string; email: string; comment: string }): Promise<void> {
  await page.fill("[name=name]", fields.name);
  await page.fill("[name=phone]", fields.phone);
  await page.fill("[name=email]", fields.email);
  await page.fill("[name=comment]", fields.comment);
}

/** Every order of the create requests the simulator has received so far. */
async function createdOrders(): Promise<CalltouchOrder[]> {
  const response = await fetch(`${servers.simulatorUrl}/__simulator/requests`);
  const { requests } = (await response.json()) as { requests: SimulatorRequest[] };
  return requests.filter((request) => request.path.endsWith("/create")).flatMap((request) => request.body.orders ?? []);
}

const phonesOf = (order: CalltouchOrder) =>
  (order.matching.find((item) => item.type === "callContact")?.callContactParams as { phones?: string[] } | undefined)?.phones;

describe("the website form of examples/website-form", () => {
  const withScript = { name: "Анна Иванова", phone: "+7 (915) 777-11-22", email: "Anna@Example.com", comment: "Перезвоните после 18:00" };
  const withoutScript = { name: "Пётр", phone: "8 916 555-44-33", email: "", comment: "Без JavaScript" };
  let receipt: { orderNumber: string; changeId: number; state: string };

  it("with JavaScript: sends in the background and shows the thank-you on the page", async () => {
    const { context, page } = await visitor(true);
    await page.waitForSelector("form[data-ct-enhanced]", { state: "attached" });
    const success = page.evaluate(
      () =>
        new Promise((resolve) => document.addEventListener("calltouch:success", (event) => resolve((event as CustomEvent).detail.receipt))),
    );
    await fill(page, withScript);
    await page.screenshot({ path: screenshot("js-filled"), fullPage: true });

    await page.click("button[type=submit]");
    await page.waitForSelector("[data-ct-success]", { state: "visible" });
    await page.screenshot({ path: screenshot("js-success"), fullPage: true });
    receipt = (await success) as typeof receipt;
    expect(receipt).toMatchObject({ orderNumber: expect.any(String), changeId: expect.any(Number), state: "queued" });
    expect(page.url()).toBe(servers.examplesUrl);
    expect(await page.isVisible("[data-ct-error]")).toBe(false);
    await context.close();
  });

  it("without JavaScript: a plain POST that lands on the thank-you page", async () => {
    const { context, page } = await visitor(false);
    await fill(page, withoutScript);
    await page.screenshot({ path: screenshot("nojs-filled"), fullPage: true });

    await Promise.all([page.waitForURL(`${servers.examplesUrl}thanks.html`), page.click("button[type=submit]")]);
    expect(await page.textContent("h1")).toBe("Спасибо!");
    await page.screenshot({ path: screenshot("nojs-thanks"), fullPage: true });
    await context.close();
  });

  it("with JavaScript: shows an invalid phone's problem next to the phone field, and sends nothing", async () => {
    const { context, page } = await visitor(true);
    await page.waitForSelector("form[data-ct-enhanced]", { state: "attached" });
    await fill(page, { name: "Ошибка", phone: "12", email: "", comment: "Неверный телефон" });
    await page.click("button[type=submit]");

    const phoneError = page.locator('[data-ct-error-for="phone"]');
    await phoneError.waitFor({ state: "visible" });
    expect(await phoneError.textContent()).toBe("проверьте номер телефона: например, +7 900 000-00-00");
    expect(await page.getAttribute("[name=phone]", "aria-invalid")).toBe("true");
    expect(await page.isVisible("[data-ct-success]")).toBe(false);
    expect(await page.inputValue("[name=phone]")).toBe("12"); // kept, for the visitor to correct
    await page.screenshot({ path: screenshot("js-invalid-phone"), fullPage: true });
    await context.close();
  });

  it("both deals reach Calltouch matched by the visitor's session first, with the key's defaults", async () => {
    let orders: CalltouchOrder[] = [];
    await expect.poll(async () => (orders = await createdOrders()).length, { timeout: 30_000, interval: 250 }).toBeGreaterThanOrEqual(2);
    // The invalid form never got past the gateway.
    expect(orders).toHaveLength(2);
    expect(orders.some((order) => order.comment?.text === "Неверный телефон")).toBe(false);

    const byPhone = new Map(orders.map((order) => [phonesOf(order)?.join(), order]));
    const fromScript = byPhone.get("79157771122");
    const fromPlainForm = byPhone.get("79165554433");
    expect([...byPhone.keys()].sort()).toEqual(["79157771122", "79165554433"]);
    expect(fromScript!.orderNumber).toBe(receipt.orderNumber);

    for (const [order, fields] of [
      [fromScript!, withScript],
      [fromPlainForm!, withoutScript],
    ] as const) {
      // The script sent the session as a field; the plain form's POST carried the cookie itself.
      expect(order.matching[0]).toEqual({ type: "session", sessionParams: { sessionId: [SESSION_ID] } });
      expect(order.matching.at(-1)).toEqual({ type: "customSources", customSourceParams: { source: "сайт", medium: "форма" } });
      expect(order).toMatchObject({
        status: "Заявка с сайта",
        addTags: [{ tag: "сайт" }],
        comment: { text: fields.comment },
        orderContacts: { mainContacts: { fio: fields.name } },
      });
    }
    const requestContact = fromScript!.matching.find((item) => item.type === "requestContact");
    expect(requestContact).toMatchObject({ requestContactParams: { phones: ["79157771122"], emails: ["anna@example.com"] } });
  });
});
