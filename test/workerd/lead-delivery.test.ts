// A public key's changes (leads: website forms, leads.submit) are only ever sent as creates, never touch a deal
// Calltouch holds, and cannot delay a CRM's deals however many there are.

import { reset } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { orderCreateInput } from "@calltouch-gateway/contract";
import { beforeEach, describe, expect, it } from "vitest";
import { outboxOf } from "../../worker/src/outbox/site";
import { acceptLead } from "../../worker/src/services/orders";
import { SIMULATOR_SITE_ID } from "../../worker/test/constants";
import { simulator } from "../../worker/test/simulator";
import { gateway, settle } from "./gateway";

beforeEach(async () => {
  await reset();
  await simulator.reset();
});

const lead = (orderNumber: string) =>
  acceptLead(
    { env, requestId: `r-${orderNumber}`, site: SIMULATOR_SITE_ID, keyId: "test-form" },
    orderCreateInput.parse({ orderNumber, status: "Заявка" }),
  );

describe("leads", () => {
  it("never touch a deal Calltouch holds: a lead with a known order number dies with the reason, and nothing is sent", async () => {
    const client = gateway();
    await client.orders.create.mutate({ orders: [{ orderNumber: "crm-42", status: "Оплачено" }], wait: 10_000 });

    const accepted = await lead("crm-42");
    await settle();

    expect(accepted).toMatchObject({ ok: true, value: { state: "queued" } });
    const [status] = (await client.orders.status.query({ orderNumbers: ["crm-42"] })).orders;
    expect(status!.changes.at(-1)).toMatchObject({
      origin: "lead",
      state: "dead",
      error: expect.stringContaining("a lead only ever adds a new deal"),
    });
    expect(await simulator.requests()).toHaveLength(1);
    expect((await simulator.orders())[0]!.deal).toMatchObject({ status: "Оплачено" });
  });

  it("are sent as creates only, also when their create is in doubt", async () => {
    await simulator.configure({ timeoutRate: 1, timeoutMs: 1500, timeoutApplies: true });

    await lead("lead-1");
    await expect.poll(async () => (await simulator.requests()).length, { timeout: 5000, interval: 10 }).toBeGreaterThan(0);
    await simulator.configure({ timeoutRate: 0 });
    await settle();

    const requests = await simulator.requests();
    expect(requests.map((request) => request.path.split("/").at(-1))).toEqual(["create", "create"]);
    const [status] = (await gateway().orders.status.query({ orderNumbers: ["lead-1"] })).orders;
    // Its own earlier create made the deal; a lead does not test that with an update, so it says so.
    expect(status!.changes[0]).toMatchObject({
      origin: "lead",
      sentAs: "create",
      state: "dead",
      error: expect.stringContaining("a lead is only ever sent as a create"),
    });
  });

  it("cannot delay a CRM's deals: with 2,000 leads queued, deals go within the next two requests", async () => {
    const outbox = outboxOf(env, SIMULATOR_SITE_ID);
    for (let call = 0; call < 2; call++) {
      const orders = Array.from({ length: 1000 }, (_, index) => orderCreateInput.parse({ orderNumber: `flood-${call}-${index}` }));
      await outbox.enqueue({
        site: SIMULATOR_SITE_ID,
        kind: "create",
        origin: "lead",
        orders,
        requestId: `flood-${call}`,
        caller: "test-form",
      });
    }
    await expect.poll(async () => (await simulator.requests()).length, { timeout: 5000, interval: 10 }).toBeGreaterThan(1);

    const deals = Array.from({ length: 50 }, (_, index) => ({ orderNumber: `crm-${index}` }));
    const { receipts } = await gateway().orders.create.mutate({ orders: deals, wait: 10_000 });
    const before = (await simulator.requests()).length;
    await settle();

    expect(receipts.every((receipt) => receipt.state === "delivered")).toBe(true);
    const requests = await simulator.requests();
    const carried = requests.map(
      (request) => request.body.orders.filter((order: { orderNumber: string }) => order.orderNumber.startsWith("crm-")).length,
    );
    const last = carried.findLastIndex((count) => count > 0);
    // The deals were accepted while request `before - 1` was out at the latest: they went in the next two at most.
    expect(last).toBeLessThanOrEqual(before + 1);
    expect(requests.length).toBeGreaterThan(before + 10);
    expect(carried.reduce((sum, count) => sum + count, 0)).toBe(50);
  }, 30_000);
});
