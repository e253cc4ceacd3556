// A self-hosted gateway is one process that owns its data directory: killed in the middle of a flush, it
// must start again and deliver every deal once and in order; its retries, which wait in Durable Object
// alarms, must survive the restart without anyone calling it; a second process on the same directory
// must be refused while the first runs; and an online backup taken while it works must start again.
import { spawn } from "node:child_process";
import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { freePort, stopGroup } from "../dev-servers";
import { type SelfHostedServers, serving, startSelfHost, startSelfHosted } from "./servers";

/** Orders of the crash test; each gets a create and two updates, in calls of at most 100. */
const ORDERS = 300;
const STATUSES = ["Заявка", "Оплачено", "Закрыто"];
/** How long the simulator holds each answer, so that the kill lands while requests are out. */
const LATENCY_MS = 3000;

let servers: SelfHostedServers;

beforeAll(async () => {
  servers = await startSelfHosted();
});

afterAll(() => servers?.stop());

beforeEach(async () => {
  await simulator("requests", { method: "DELETE" });
  await simulator("config", { method: "DELETE" });
});

// --- small helpers over plain fetch ---

interface Receipt {
  orderNumber: string;
  state: string;
}

/** A deal's state as orders.status answers it. */
interface OrderStatus extends Receipt {
  calltouchOrderId?: number;
  changes: { state: string; attempts: number }[];
}

interface SimulatorRequest {
  seq: number;
  path: string;
  outcome: string;
  body: { orders: { orderNumber: string }[] };
  response: { data?: { orders?: ({ calltouchOrderId: number } | { error: string })[] } };
}

interface HeldOrder {
  calltouchOrderId: number;
  orderNumber: string;
  deal: { status: string };
  history: { applied: string; order: { status?: string } }[];
}

const simulator = (path: string, init?: RequestInit) => fetch(`${servers.simulatorUrl}/__simulator/${path}`, init);
const configure = (config: object) => simulator("config", { method: "PUT", body: JSON.stringify(config) });
const requests = async () => ((await (await simulator("requests")).json()) as { requests: SimulatorRequest[] }).requests;
const headers = { authorization: "Bearer dev-key", "content-type": "application/json" };

async function mutate(procedure: string, input: unknown, gatewayUrl = servers.gatewayUrl): Promise<Receipt[]> {
  const response = await fetch(`${gatewayUrl}/trpc/${procedure}`, { method: "POST", headers, body: JSON.stringify(input) });
  expect(response.status, await response.clone().text()).toBe(200);
  return ((await response.json()) as { result: { data: { receipts: Receipt[] } } }).result.data.receipts;
}

async function query<T>(procedure: string, input?: unknown, gatewayUrl = servers.gatewayUrl): Promise<T> {
  const search = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const response = await fetch(`${gatewayUrl}/trpc/${procedure}${search}`, { headers });
  return ((await response.json()) as { result: { data: T } }).result.data;
}

/** Each deal's state, through orders.status (1000 a call at most). */
async function statuses(orderNumbers: string[], gatewayUrl = servers.gatewayUrl): Promise<OrderStatus[]> {
  return (await query<{ orders: OrderStatus[] }>("orders.status", { orderNumbers }, gatewayUrl)).orders;
}

/** Statuses as a deal went through them, a change applied twice in a row (re-sent after the crash) counted once. */
function statusSequence(order: HeldOrder): string[] {
  return order.history.map((change) => change.order.status!).filter((status, index, all) => index === 0 || status !== all[index - 1]);
}

describe("a self-hosted gateway", () => {
  it("refuses a second process on its data directory, naming the workerd that holds it", async () => {
    const holder = JSON.parse(readFileSync(join(servers.gatewayData, "selfhost.lock"), "utf8")) as { workerd: number };
    expect(servers.gateway.output()).toContain(`(workerd pid ${holder.workerd};`);

    const second = startSelfHost(["--port", String(await freePort()), "--data", servers.gatewayData]);

    expect(await second.exited).toBe(1);
    expect(second.output()).toContain(`${servers.gatewayData} is in use by workerd pid ${holder.workerd}`);
    expect(second.output()).toContain("one process per data directory");
    expect((await fetch(`${servers.gatewayUrl}/health`)).status).toBe(200);
  });

  it("killed in the middle of a flush, starts again and delivers every deal once, in order", async () => {
    await configure({ latencyMs: LATENCY_MS });
    const orderNumbers = Array.from({ length: ORDERS }, (_, index) => `crash-${index}`);
    const calls = (status: string) =>
      Array.from({ length: ORDERS / 100 }, (_, call) =>
        orderNumbers.slice(call * 100, call * 100 + 100).map((orderNumber) => ({ orderNumber, status })),
      );
    for (const orders of calls(STATUSES[0]!)) {
      await mutate(
        "orders.create",
        orders.map((order) => ({ ...order, phones: ["+7 915 777-11-22"] })),
      );
    }
    for (const status of STATUSES.slice(1)) for (const orders of calls(status)) await mutate("orders.update", orders);

    // The first request is applied by Calltouch and its answer is on its way: kill everything now.
    await expect.poll(async () => (await requests()).length, { timeout: 30_000, interval: 50 }).toBeGreaterThan(0);
    await servers.crashGateway();
    const outAtCrash = await requests();
    await configure({ latencyMs: 0 });
    await servers.restartGateway();

    await expect
      .poll(async () => (await statuses(orderNumbers)).filter((status) => status.state !== "delivered").length, {
        timeout: 90_000,
        interval: 500,
      })
      .toBe(0);
    const held = ((await (await simulator("orders")).json()) as { orders: HeldOrder[] }).orders;
    // One deal each: nothing was created twice, although the answers of the crash were lost.
    expect(held).toHaveLength(ORDERS);
    expect(new Set(held.map((order) => order.orderNumber)).size).toBe(ORDERS);
    for (const order of held) {
      expect(statusSequence(order), order.orderNumber).toEqual(STATUSES);
      expect(order.deal.status).toBe(STATUSES.at(-1));
    }
    const delivered = await statuses(orderNumbers);
    expect(delivered.map((status) => status.calltouchOrderId).sort()).toEqual(held.map((order) => order.calltouchOrderId).sort());
    // The kill did land mid-flush: what was out then went again after the restart, and a create that
    // Calltouch had applied came back "already exists" and went as an update.
    const resent = outAtCrash.flatMap((request) => request.body.orders.map((order) => order.orderNumber));
    expect(resent.length).toBeGreaterThan(0);
    for (const orderNumber of resent) {
      const changes = held.find((order) => order.orderNumber === orderNumber)!.history;
      expect(changes.length, orderNumber).toBeGreaterThan(STATUSES.length);
    }
  });

  it("keeps its retries across a crash: the alarm set before it fires after the restart, with no call to wake it", async () => {
    await configure({ failureRate: 1 });
    const orderNumber = `alarm-${Date.now()}`;
    await mutate("orders.create", [{ orderNumber, phones: ["+7 915 777-11-22"] }]);
    const attemptsFor = async () =>
      (await requests()).filter((request) => request.body.orders?.some((order) => order.orderNumber === orderNumber));

    // The second attempt came from the retry's alarm; the next one waits in another.
    await expect.poll(async () => (await attemptsFor()).length, { timeout: 30_000, interval: 100 }).toBeGreaterThanOrEqual(2);
    await servers.crashGateway();
    const failed = (await attemptsFor()).length;
    await configure({ failureRate: 0 });
    await servers.restartGateway();

    // Only the simulator is asked until the deal arrives: nothing but the alarm can have sent it. (The failed
    // create is in doubt: an update tests it first, refused for the order, then the create goes again.)
    await expect
      .poll(async () => (await attemptsFor()).map((request) => `${request.path.split("/").at(-1)} ${request.outcome}`).at(-1), {
        timeout: 60_000,
        interval: 250,
      })
      .toBe("create ok");
    const outcomes = (await attemptsFor()).map((request) => request.outcome);
    expect(outcomes.slice(0, failed)).toEqual(Array(failed).fill("fault"));
    const [status] = await statuses([orderNumber]);
    expect(status).toMatchObject({ state: "delivered", changes: [{ state: "delivered", attempts: outcomes.length }] });
  });

  it("backs up online while it takes deals, and the backup starts a gateway that knows every deal accepted before", async () => {
    const accepted = Array.from({ length: 200 }, (_, index) => `backup-${index}`);
    for (let call = 0; call < 2; call++) {
      await mutate(
        "orders.create",
        accepted.slice(call * 100, call * 100 + 100).map((orderNumber) => ({ orderNumber, phones: ["+7 915 777-11-22"] })),
      );
    }
    // Deals keep coming while the backup reads the databases.
    const meanwhile = (async () => {
      for (let call = 0; call < 20; call++)
        await mutate("orders.create", [{ orderNumber: `during-backup-${call}`, phones: ["+7 915 777-11-22"] }]);
    })();
    const backupDir = join(servers.scratch, "backup");
    const backup = spawn(
      process.execPath,
      ["--disable-warning=ExperimentalWarning", "scripts/selfhost/backup.mjs", "--data", servers.gatewayData, "--to", backupDir],
      {
        cwd: fileURLToPath(new URL("../../..", import.meta.url)),
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let output = "";
    backup.stdout.on("data", (chunk) => (output += chunk));
    expect(await new Promise((resolve) => backup.once("exit", resolve))).toBe(0);
    await meanwhile;
    expect(output).toMatch(/calltouch-gateway-Outbox\/metadata\.sqlite/);

    const restored = join(servers.scratch, "restored");
    cpSync(backupDir, join(restored, "durable-objects"), { recursive: true });
    const port = await freePort();
    const second = startSelfHost(["--port", String(port), "--data", restored, "--env-file", servers.envFile]);
    try {
      await serving(second);
      const known = await statuses(accepted, `http://localhost:${port}`);
      expect(known.map((status) => status.orderNumber)).toEqual(accepted);
      expect(known.every((status) => ["queued", "in_flight", "delivered"].includes(status.state))).toBe(true);
    } finally {
      await stopGroup(second.child);
    }
  });
});
