import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevServers } from "../e2e/dev-servers";
import { startSelfHosted } from "../e2e/selfhost/servers";
import { launchChromium, screenshot } from "./chromium";

// GET /docs in a real Chromium with the world cut off: every request that is not to this machine is
// refused, as on a network without the CDNs (or without internet). The reference must render all the
// same, from the renderer the gateway serves itself (scripts/build-assets.mjs), and need nothing else:
// under `wrangler dev`, and self-hosted on workerd, where the gateway's own router serves the assets.

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

const isLocal = (url: string) => ["localhost", "127.0.0.1", "[::1]"].includes(new URL(url).hostname);

describe.each([
  { target: "wrangler dev", name: "dev", start: startDevServers },
  { target: "self-hosted workerd", name: "selfhost", start: () => startSelfHosted() },
])("the REST API reference at /docs ($target)", ({ name, start }) => {
  let servers: { gatewayUrl: string; stop(): Promise<void> };

  beforeAll(async () => {
    servers = await start();
  });

  afterAll(async () => {
    await servers?.stop();
  });

  it("renders every operation with no request beyond the gateway", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const refused: string[] = [];
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith("data:") || url.startsWith("blob:") || isLocal(url)) return route.continue();
      refused.push(url);
      return route.abort("internetdisconnected");
    });
    const page = await context.newPage();
    const failed: string[] = [];
    page.on("requestfailed", (request) => failed.push(request.url()));

    await page.goto(`${servers.gatewayUrl}/docs`);
    // The renderer removes the page's fallback text once it has loaded, then draws the operations.
    await page.waitForSelector("#fallback", { state: "detached" });
    await page.getByText("Create deals (orders.create)").first().waitFor();
    await page.getByText("A deal's delivery status (orders.status)").first().waitFor();
    await page.screenshot({ path: screenshot(`docs-offline-${name}`), fullPage: false });

    expect(refused).toEqual([]);
    expect(failed).toEqual([]);
    await context.close();
  });
});
