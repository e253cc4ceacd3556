import { exports } from "cloudflare:workers";
import { createGatewayClient } from "@calltouch-gateway/client";
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

/**
 * The typed client, talking to the gateway Worker in-process. It never repeats a call: tests look at
 * each answer as the gateway gave it (client.test.ts tests the repeats).
 */
export function gateway(apiKey = TEST_API_KEY, fetch: typeof callGateway = callGateway) {
  return createGatewayClient({ url: "http://gateway.test", apiKey, fetch, retry: { attempts: 1, baseMs: 0, maxMs: 0 } });
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

/**
 * Sends until a rate limiter answers 429, and answers that refusal with how many went before it. The
 * limiters count per wall-clock window, so a burst that crosses into the next window starts over: with
 * a limit of `limit`, the first refusal comes after at least `limit` requests and at most `2 × limit`.
 */
export async function firstRefusal<R extends { status: number }>(
  limit: number,
  send: () => Promise<R>,
): Promise<{ before: number; refusal: R }> {
  for (let before = 0; before <= 2 * limit; before++) {
    const response = await send();
    if (response.status === 429) return { before, refusal: response };
  }
  throw new Error(`no 429 after ${2 * limit + 1} requests: the limit is not enforced`);
}
