import { memoExampleOrder } from "@calltouch-gateway/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServers, startDevServers } from "./dev-servers";

let servers: DevServers;

beforeAll(async () => {
  servers = await startDevServers();
});

afterAll(() => servers?.stop());

describe("the development servers of `scripts/run dev`", () => {
  it("serve /health", async () => {
    const response = await fetch(`${servers.gatewayUrl}/health`);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  // Plain HTTP and JSON, as the README's curl example does it.
  it("deliver the memo's deal to the simulator with the dev-key", async () => {
    const response = await fetch(`${servers.gatewayUrl}/trpc/orders.create`, {
      method: "POST",
      headers: { authorization: "Bearer dev-key", "content-type": "application/json" },
      body: JSON.stringify({ orders: [memoExampleOrder], wait: 10_000 }),
    });

    expect(await response.json()).toEqual({
      result: {
        data: {
          receipts: [
            {
              orderNumber: memoExampleOrder.orderNumber,
              changeId: 1,
              state: "delivered",
              calltouchOrderId: 1,
              deliveredAt: expect.any(String),
              attempts: 1,
            },
          ],
        },
      },
    });
    const { requests } = (await (await fetch(`${servers.simulatorUrl}/__simulator/requests`)).json()) as {
      requests: { path: string; headers: Record<string, string>; body: { crm: string; orders: any[] } }[];
    };
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request!.path).toBe("/lead-service/v1/api/client-order/create");
    expect(request!.headers).toMatchObject({ "access-token": "simulator-token", siteid: "12345" });
    const [order] = request!.body.orders;
    expect(order.matching.map((item: { type: string }) => item.type)).toEqual(["callContact", "requestContact", "customSources"]);
    expect(order).toMatchObject({ orderDate: "19-07-2021 16:42:32", statusDate: "19-07-2021 16:42:32", revenue: "1000.00" });
  });
});
