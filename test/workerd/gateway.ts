import { createGatewayClient } from "@calltouch-gateway/client";
import { exports } from "cloudflare:workers";
import { OBSERVER_KEY, TEST_API_KEY } from "../../worker/test/constants";

/** Every response the gateway gave in this test file, so that tests can check none leaks a secret. */
export const responses: { status: number; body: string }[] = [];

/** Calls the gateway Worker in-process, recording each response. */
export async function callGateway(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  // A browser follows the forms' redirects; tests look at them.
  const response = await exports.default.fetch(new Request(input, { redirect: "manual", ...init }));
  const body = await response.text();
  responses.push({ status: response.status, body });
  return new Response(body, response);
}

/** The typed client, talking to the gateway Worker in-process. */
export function gateway(apiKey = TEST_API_KEY) {
  return createGatewayClient({ url: "http://gateway.test", apiKey, fetch: callGateway });
}

/** Waits until the outbox has nothing queued or in flight. */
export async function settle(client = gateway(OBSERVER_KEY), timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stats = await client.deliveries.stats.query();
    if (stats.queued === 0 && stats.inFlight === 0) return;
    if (Date.now() > deadline) throw new Error(`the outbox did not settle: ${JSON.stringify(stats)}`);
    await scheduler.wait(50);
  }
}
