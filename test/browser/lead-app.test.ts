import { readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import type { Browser, ConsoleMessage, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServers, freePort, startDevServers } from "../e2e/dev-servers";
import { launchChromium, outputDir, screenshot } from "./chromium";
import { PUBLIC_KEY, varsWithPublicKey } from "./dev-vars";

// A browser app (lead-app/: a page and app.ts, which uses the typed client in public mode, bundled as a
// site would bundle it) served on ports of its own, calling the gateway of `scripts/run dev` across
// origins: the key's page sends a lead that reaches "Calltouch" and shows field errors; a page of another
// origin is stopped by the browser's CORS check, and the gateway stores nothing of it.

const app = fileURLToPath(new URL("./lead-app/", import.meta.url));
const bundle = join(outputDir, "lead-app.js");

let servers: DevServers;
let browser: Browser;
let varsDir: string;
let pages: Server[] = [];
let appOrigin: string;
let foreignOrigin: string;

/** Serves the app's page and its bundle on `port`, as any static host would. */
async function serveApp(port: number): Promise<string> {
  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? "/", "http://x").pathname;
    if (path === "/") response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(await readFile(join(app, "index.html")));
    else if (path === "/app.js") response.writeHead(200, { "content-type": "text/javascript" }).end(await readFile(bundle));
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  pages.push(server);
  return `http://127.0.0.1:${port}`;
}

beforeAll(async () => {
  browser = await launchChromium();
  await build({
    entryPoints: [join(app, "app.ts")],
    outfile: bundle,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    logLevel: "warning",
  });
  appOrigin = await serveApp(await freePort());
  foreignOrigin = await serveApp(await freePort());
  const vars = varsWithPublicKey([appOrigin]);
  varsDir = vars.folder;
  servers = await startDevServers({ vars: vars.path });
});

afterAll(async () => {
  await browser?.close();
  await servers?.stop();
  for (const server of pages) await new Promise((resolve) => server.close(resolve));
  pages = [];
  if (varsDir) await rm(varsDir, { recursive: true, force: true });
});

/** The app on `origin`, talking to the test's gateway with the development public key. */
async function openApp(origin: string): Promise<{ page: Page; console: string[]; close: () => Promise<void> }> {
  const context = await browser.newContext({ locale: "ru-RU", viewport: { width: 640, height: 720 } });
  const page = await context.newPage();
  const console: string[] = [];
  page.on("console", (message: ConsoleMessage) => console.push(message.text()));
  await page.goto(`${origin}/?gateway=${encodeURIComponent(servers.gatewayUrl)}&key=${PUBLIC_KEY}`);
  await page.waitForSelector("body[data-ready]", { state: "attached" });
  return { page, console, close: () => context.close() };
}

async function send(page: Page, fields: { name: string; phone: string; email?: string }): Promise<string> {
  await page.fill("[name=name]", fields.name);
  await page.fill("[name=phone]", fields.phone);
  await page.fill("[name=email]", fields.email ?? "");
  await page.click("button[type=submit]");
  await page.waitForFunction(() => document.querySelector("#status")?.textContent !== "");
  return (await page.textContent("#status")) ?? "";
}

/** The orders of the create requests the simulator has received. */
async function createdOrders(): Promise<{ orderNumber: string; status?: string; orderContacts?: { mainContacts?: { fio?: string } } }[]> {
  const response = await fetch(`${servers.simulatorUrl}/__simulator/requests`);
  const { requests } = (await response.json()) as { requests: { path: string; body: { orders?: { orderNumber: string }[] } }[] };
  return requests.filter((request) => request.path.endsWith("/create")).flatMap((request) => request.body.orders ?? []);
}

describe("a browser app with the typed client's public mode", () => {
  it("sends a lead from the key's page: the gateway numbers it, and it reaches Calltouch with the key's defaults", async () => {
    const { page, close } = await openApp(appOrigin);
    const status = await send(page, { name: "Анна из приложения", phone: "+7 915 777-11-22" });
    await page.screenshot({ path: screenshot("lead-app-success"), fullPage: true });
    expect(status).toMatch(/^Спасибо! Номер заявки: dev-form-[0-9a-z]{9}-[0-9a-v]{10}$/);
    const orderNumber = status.split(": ")[1]!;

    let orders: Awaited<ReturnType<typeof createdOrders>> = [];
    await expect
      .poll(async () => (orders = await createdOrders()).some((order) => order.orderNumber === orderNumber), {
        timeout: 30_000,
        interval: 250,
      })
      .toBe(true);
    expect(orders.find((order) => order.orderNumber === orderNumber)).toMatchObject({
      status: "Заявка с сайта",
      orderContacts: { mainContacts: { fio: "Анна из приложения" } },
    });
    await close();
  });

  it("shows each field's error next to the field, in Russian, and sends nothing", async () => {
    const before = (await createdOrders()).length;
    const { page, close } = await openApp(appOrigin);
    const status = await send(page, { name: "Ошибка", phone: "12", email: "not-an-email" });
    await page.screenshot({ path: screenshot("lead-app-field-errors"), fullPage: true });
    expect(status).toBe("Проверьте форму");
    expect(await page.textContent('[data-error-for="phone"]')).toBe("проверьте номер телефона: например, +7 900 000-00-00");
    expect(await page.textContent('[data-error-for="email"]')).toBe("проверьте адрес почты: например, name@example.ru");
    expect(await page.getAttribute("[name=phone]", "aria-invalid")).toBe("true");
    expect(await page.inputValue("[name=phone]")).toBe("12");
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await createdOrders()).toHaveLength(before);
    await close();
  });

  it("is stopped by the browser's CORS check on a page of another origin, and the gateway stores nothing", async () => {
    const { page, console, close } = await openApp(foreignOrigin);
    const status = await send(page, { name: "Чужой сайт", phone: "+7 916 555-44-33" });
    await page.screenshot({ path: screenshot("lead-app-foreign-origin"), fullPage: true });
    expect(status).toBe("Нет ответа от сервера заявок");
    expect(console.join("\n")).toMatch(/blocked by CORS policy/);

    const stats = await fetch(`${servers.gatewayUrl}/trpc/deliveries.stats`, { headers: { authorization: "Bearer dev-key" } });
    const { result } = (await stats.json()) as { result: { data: { queued: number; inFlight: number; delivered: number; dead: number } } };
    const { queued, inFlight, delivered, dead } = result.data;
    expect(queued + inFlight + delivered + dead).toBe(1); // the first test's lead alone
    await close();
  });
});
