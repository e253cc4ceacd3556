// Alerts reach a local receiver from the gateway under `wrangler dev`: a pause, the first dead letter of a
// reason (once, however many deals it kills), and a queue older than ALERT_QUEUE_AGE_MS, each at most once
// per ALERT_INTERVAL_MINUTES; none carries a Calltouch token.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrders, type DevServers, freePort, startDevServers } from "./dev-servers";

const root = fileURLToPath(new URL("../..", import.meta.url));
const example = readFileSync(join(root, ".dev.vars.example"), "utf8");
const PAUSED_SITE_KEY = "alerts-paused-site-key";
const REFUSED_TOKEN = "a-token-calltouch-refuses";

let servers: DevServers;
let receiver: Server;
const received: Record<string, unknown>[] = [];

beforeAll(async () => {
  const port = await freePort();
  receiver = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      received.push({ path: request.url, ...JSON.parse(body) });
      response.writeHead(200).end("{}");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(port, "127.0.0.1", resolve));
  const keys = JSON.parse(/^API_KEYS=(.*)$/m.exec(example)![1]!) as { keys: object[] };
  keys.keys.push({
    id: "alerts-777",
    type: "secret",
    sha256: createHash("sha256").update(PAUSED_SITE_KEY).digest("hex"),
    site: "777",
    scopes: ["orders:write"],
  });
  servers = await startDevServers({
    set: {
      API_KEYS: JSON.stringify(keys),
      CALLTOUCH_TOKEN_777: REFUSED_TOKEN,
      ALERT_WEBHOOK_URL: `http://127.0.0.1:${port}/hook`,
      ALERT_QUEUE_AGE_MS: "1000",
      PAUSE_PROBE_MS: "1000",
    },
  });
}, 120_000);

afterAll(async () => {
  await servers?.stop();
  receiver?.close();
});

const send = (key: string, orders: object[]) => createOrders(servers.gatewayUrl, key, orders);

describe("alerts", () => {
  it("tells the webhook of a pause, a new reason of dead letters and an old queue, each once", async () => {
    const config = await fetch(`${servers.simulatorUrl}/__simulator/config`, {
      method: "PUT",
      body: JSON.stringify({ rejectOrders: [{ orderNumberPattern: "^bad-", error: 'Order "{orderNumber}" has a bad status' }] }),
    });
    expect(config.status).toBe(200);
    await send("dev-key", [{ orderNumber: "bad-1" }, { orderNumber: "bad-2" }, { orderNumber: "good-1" }]);
    await send(PAUSED_SITE_KEY, [{ orderNumber: "waits-1" }]);

    const kinds = () => received.map((alert) => `${alert.site}:${alert.kind}`).sort();
    await expect.poll(kinds, { timeout: 30_000 }).toEqual(["12345:dead_letter", "777:paused", "777:queue_age"]);
    // Probes of the paused site go on every second: still one alert of each.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(kinds()).toEqual(["12345:dead_letter", "777:paused", "777:queue_age"]);

    expect(received.find((alert) => alert.kind === "dead_letter")).toMatchObject({
      path: "/hook",
      reason: 'Order "…" has a bad status',
      text: expect.stringContaining("новая причина недоставки"),
    });
    expect(JSON.stringify(received)).not.toContain(REFUSED_TOKEN);
    expect(JSON.stringify(received)).not.toContain("simulator-token");
  });
});
