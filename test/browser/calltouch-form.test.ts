import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { browserHelper, buildBrowserHelper } from "../../client/scripts/build-browser.mjs";
import { launchChromium } from "./chromium";

// The browser helper (client/src/browser/calltouch-form.ts, built as the sites get it) in Chromium,
// against a stub of POST /forms/{key} that answers whatever each test tells it to: every branch of
// the helper without the gateway, in a few seconds.

interface Submission {
  headers: IncomingMessage["headers"];
  fields: Record<string, string>;
}
type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

let server: Server;
let origin: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let html = "";
let answers: Answer[] = [];
let submissions: Submission[] = [];
/** Holds every answer back until released, to look at the page while it is sending. */
let gate: Promise<void> | undefined;

beforeAll(async () => {
  await buildBrowserHelper();
  server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

beforeEach(async () => {
  answers = [];
  submissions = [];
  gate = undefined;
  context = await browser.newContext();
  page = await context.newPage();
});

afterEach(() => context.close());

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? "/", origin);
  if (request.method === "GET" && url.pathname === "/") {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html);
  } else if (request.method === "GET" && url.pathname === "/thanks") {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end("<!doctype html><meta charset=utf-8><h1>Спасибо!</h1>");
  } else if (request.method === "GET" && url.pathname === "/calltouch-form.js") {
    response.writeHead(200, { "content-type": "text/javascript" }).end(await readFile(browserHelper.iife));
  } else if (request.method === "POST" && url.pathname.startsWith("/forms/")) {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const form = await new Request(url, {
      method: "POST",
      headers: request.headers as HeadersInit,
      body: Buffer.concat(chunks),
    }).formData();
    submissions.push({ headers: request.headers, fields: Object.fromEntries([...form].map(([key, value]) => [key, String(value)])) });
    await gate;
    const answer = answers.shift() ?? { status: 200, body: { receipt: { orderNumber: "web-1", changeId: 1, state: "queued" } } };
    response.writeHead(answer.status, { "content-type": "application/json", ...answer.headers }).end(JSON.stringify(answer.body ?? {}));
  } else {
    response.writeHead(404).end();
  }
}

/** A page with one contact form, as a site would write it, and the helper's script. */
function formPage({ formAttributes = "", extraFields = "", head = "" } = {}): string {
  return `<!doctype html><html><head><meta charset="utf-8">${head}</head><body>
    <form data-calltouch-gateway method="post" action="/forms/pk_test" ${formAttributes}>
      <label>Имя <input name="name"></label>
      <label>Телефон <input name="phone" type="tel"></label>
      <span data-ct-error-for="phone" hidden></span>
      <label>E-mail <input name="email"></label>
      <textarea name="comment"></textarea>
      ${extraFields}
      <p data-ct-success hidden>Спасибо!</p>
      <button type="submit">Отправить</button>
    </form>
    <script>
      window.events = [];
      for (const type of ["calltouch:success", "calltouch:error"]) {
        document.addEventListener(type, (event) => window.events.push({ type, detail: event.detail }));
      }
    </script>
    <script src="/calltouch-form.js" defer></script>
  </body></html>`;
}

async function open(markup: string): Promise<void> {
  html = markup;
  await page.goto(`${origin}/`);
  await page.waitForSelector("form[data-ct-enhanced]", { state: "attached" });
}

async function fillAndSend(phone = "+7 915 777-11-22"): Promise<void> {
  await page.fill("[name=name]", "Анна");
  await page.fill("[name=phone]", phone);
  await page.click("button[type=submit]");
}

const events = () => page.evaluate(() => (window as unknown as { events: { type: string; detail: any }[] }).events);

describe("the website-form helper", () => {
  it("sends the form with fetch, the _ct_session_id cookie and Accept: application/json, and shows success", async () => {
    await context.addCookies([{ name: "_ct_session_id", value: "12345678", url: origin }]);
    await open(formPage());
    let release!: () => void;
    gate = new Promise((resolve) => (release = resolve));
    await fillAndSend();

    // While it is sending: the button is disabled and the form is busy.
    await expect.poll(() => submissions.length).toBe(1);
    expect(await page.isDisabled("button[type=submit]")).toBe(true);
    expect(await page.getAttribute("form", "aria-busy")).toBe("true");
    release();

    await page.waitForSelector("[data-ct-success]", { state: "visible" });
    expect(submissions[0]!.headers.accept).toBe("application/json");
    expect(submissions[0]!.headers["content-type"]).toMatch(/^multipart\/form-data/);
    expect(submissions[0]!.fields).toEqual({ name: "Анна", phone: "+7 915 777-11-22", email: "", comment: "", sessionId: "12345678" });
    expect(page.url()).toBe(`${origin}/`);
    expect(await page.isEnabled("button[type=submit]")).toBe(true);
    expect(await page.getAttribute("form", "data-ct-state")).toBe("success");
    expect(await page.inputValue("[name=phone]")).toBe(""); // reset for the next visitor
    expect(await events()).toEqual([
      { type: "calltouch:success", detail: { receipt: { orderNumber: "web-1", changeId: 1, state: "queued" } } },
    ]);
  });

  it("takes the session from the Calltouch script's ct('calltracking_params', modId) when there is no cookie", async () => {
    const ct = `<script>window.ct = (command, modId) =>
      command === "calltracking_params" && modId === "mod42" ? { sessionId: 987654, modId } : undefined;</script>`;
    await open(formPage({ formAttributes: 'data-ct-mod-id="mod42"', head: ct }));
    await fillAndSend();
    await page.waitForSelector("[data-ct-success]", { state: "visible" });
    expect(submissions[0]!.fields.sessionId).toBe("987654");
  });

  it("keeps a sessionId the form has, and sends none when nothing knows the session", async () => {
    await context.addCookies([{ name: "_ct_session_id", value: "12345678", url: origin }]);
    await open(formPage({ extraFields: '<input type="hidden" name="sessionId" value="555">' }));
    await fillAndSend();
    await page.waitForSelector("[data-ct-success]", { state: "visible" });
    expect(submissions[0]!.fields.sessionId).toBe("555");

    await context.clearCookies();
    await open(formPage());
    await fillAndSend();
    await page.waitForSelector("[data-ct-success]", { state: "visible" });
    expect(submissions[1]!.fields).not.toHaveProperty("sessionId");
  });

  it("shows each field's error next to its input, marks it invalid, and clears it once the visitor edits the field", async () => {
    const fieldErrors = [
      { path: ["phone"], field: "phone", message: "not a valid phone number for region RU" },
      { path: ["email"], field: "email", message: "not a valid e-mail" },
      { path: ["revenue"], field: "revenue", message: "this form may not set it" },
    ];
    answers.push({ status: 400, body: { error: { message: "phone: …", fieldErrors } } });
    await open(formPage());
    await fillAndSend("12");

    const phoneError = page.locator('[data-ct-error-for="phone"]');
    await phoneError.waitFor({ state: "visible" });
    expect(await phoneError.textContent()).toBe("not a valid phone number for region RU");
    expect(await page.getAttribute("[name=phone]", "aria-invalid")).toBe("true");
    expect(await page.getAttribute("[name=phone]", "aria-describedby")).toBe(await phoneError.getAttribute("id"));
    // A field without a spot of its own gets one inserted after its label.
    expect(await page.locator("label:has([name=email]) + .ct-field-error").textContent()).toBe("not a valid e-mail");
    expect(await page.getAttribute("[name=email]", "aria-invalid")).toBe("true");
    // A field the form does not have goes to the general message.
    expect(await page.locator("[data-ct-error]").textContent()).toBe("revenue: this form may not set it");
    expect(await page.isVisible("[data-ct-success]")).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("phone");
    expect(await events()).toEqual([{ type: "calltouch:error", detail: { status: 400, message: "phone: …", fieldErrors } }]);

    await page.fill("[name=phone]", "+7 915 777-11-22");
    expect(await phoneError.isVisible()).toBe(false);
    expect(await page.getAttribute("[name=phone]", "aria-invalid")).toBe(null);
    expect(await page.getAttribute("[name=email]", "aria-invalid")).toBe("true");

    // The next attempt starts clean.
    await page.click("button[type=submit]");
    await page.waitForSelector("[data-ct-success]", { state: "visible" });
    expect(await page.locator(".ct-field-error, [aria-invalid]").count()).toBe(0);
    expect(await page.isVisible("[data-ct-error]")).toBe(false);
  });

  it("shows any other failure in [data-ct-error]: the gateway's message, or the site's own text", async () => {
    answers.push({
      status: 429,
      body: { error: { message: "Слишком много заявок подряд; попробуйте ещё раз через 60 с" } },
      headers: { "retry-after": "60", "access-control-expose-headers": "Retry-After" },
    });
    await open(formPage());
    await fillAndSend();
    await page.waitForSelector("[data-ct-error]", { state: "visible" });
    expect(await page.textContent("[data-ct-error]")).toBe("Слишком много заявок подряд; попробуйте ещё раз через 60 с");
    expect(await page.getAttribute("[data-ct-error]", "role")).toBe("alert");

    // No answer at all (Chromium would retry a request whose connection the stub dropped).
    await page.route("**/forms/**", (route) => route.abort("connectionreset"));
    await page.click("button[type=submit]");
    await expect
      .poll(() =>
        page
          .locator("[data-ct-error]")
          .textContent({ timeout: 1000 })
          .catch(() => ""),
      )
      .toMatch(/^Заявку не удалось отправить: проверьте подключение/);
    expect((await events()).map((event) => event.detail.status)).toEqual([429, 0]);
    expect(await page.isEnabled("button[type=submit]")).toBe(true);

    // An answer without a message of its own gets the helper's, in the visitor's language.
    await page.unroute("**/forms/**");
    answers.push({ status: 502, body: "" });
    await page.click("button[type=submit]");
    await expect
      .poll(() => page.locator("[data-ct-error]").textContent())
      .toBe("Заявку не удалось отправить (ответ 502). Попробуйте ещё раз или позвоните нам.");

    answers.push({ status: 403, body: { error: { message: "Эта страница не может отправлять заявки с этим ключом" } } });
    await open(formPage({ extraFields: "<p data-ct-error hidden>Не удалось отправить заявку, позвоните нам.</p>" }));
    await fillAndSend();
    await page.waitForSelector("[data-ct-error]", { state: "visible" });
    expect(await page.textContent("[data-ct-error]")).toBe("Не удалось отправить заявку, позвоните нам.");
  });

  it("follows data-redirect after success", async () => {
    await open(formPage({ formAttributes: 'data-redirect="/thanks"' }));
    await fillAndSend();
    await page.waitForURL(`${origin}/thanks`);
    expect(await page.textContent("h1")).toBe("Спасибо!");
  });

  it("lets a listener of calltouch:success take over the page's reaction", async () => {
    await open(formPage({ formAttributes: 'data-redirect="/thanks"' }));
    await page.evaluate(() => document.addEventListener("calltouch:success", (event) => event.preventDefault()));
    await fillAndSend();
    await expect.poll(async () => (await events()).length).toBe(1);
    expect(page.url()).toBe(`${origin}/`);
    expect(await page.isVisible("[data-ct-success]")).toBe(false);
  });

  it("is exported for ES modules, and a form is enhanced once however often it is asked", async () => {
    await open(formPage());
    const esm = (await readFile(browserHelper.esm, "utf8")).replace(/\n$/, "");
    // A string, so that Vite does not rewrite the page's import() as its own.
    const undo = await page.evaluate(`(async (source) => {
      const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
      const { enhanceForm } = await import(url);
      const form = document.querySelector("form");
      // Enhanced already by the script: this call changes nothing.
      enhanceForm(form)();
      return form.hasAttribute("data-ct-enhanced");
    })(${JSON.stringify(esm)})`);
    expect(undo).toBe(true);
    await fillAndSend();
    await page.waitForSelector("[data-ct-success]", { state: "visible" });
    expect(submissions).toHaveLength(1);
  });
});
