// One upstream rate budget for every site: Calltouch counts requests per source IP, so all sites together stay
// within CALLTOUCH_RPS, share it fairly, and slow down together when Calltouch asks one of them to.
import { reset } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { OTHER_SITE_ID, OTHER_SITE_KEY, SIMULATOR_SITE_ID, TEST_API_KEY } from "../../worker/test/constants";
import { type SimulatorRequest, simulator } from "../../worker/test/simulator";
import { gateway, settle } from "./gateway";

// The pool's second site has this token; the simulator accepts it once told of the site.
const OTHER_SITE = { siteId: OTHER_SITE_ID, accessToken: "token-of-the-other-site" };

beforeEach(async () => {
  await reset();
  await simulator.reset();
  await simulator.configure({ sites: [OTHER_SITE] });
});

const siteOf = (request: SimulatorRequest) => request.headers.siteid;

async function createMany(apiKey: string, prefix: string, count: number): Promise<void> {
  for (let from = 0; from < count; from += 300) {
    const orders = Array.from({ length: Math.min(300, count - from) }, (_, index) => ({ orderNumber: `${prefix}-${from + index}` }));
    await gateway(apiKey).orders.create.mutate(orders);
  }
}

describe("the egress budget", { timeout: 60_000 }, () => {
  it("keeps two sites together within 5 requests a second, and a site with a backlog does not starve the other", async () => {
    await createMany(TEST_API_KEY, "big", 3000);
    await expect.poll(async () => (await simulator.requests()).length, { timeout: 5000, interval: 10 }).toBeGreaterThan(2);
    await createMany(OTHER_SITE_KEY, "small", 300);
    const before = (await simulator.requests()).length;

    await Promise.all([settle(gateway(TEST_API_KEY)), settle(gateway(OTHER_SITE_KEY))]);

    const requests = await simulator.requests();
    expect(requests.every((request) => request.outcome === "ok")).toBe(true);
    expect((await simulator.stats()).maxInAnySecond.all).toBeLessThanOrEqual(5);
    const small = requests.flatMap((request, index) => (siteOf(request) === OTHER_SITE_ID ? [index] : []));
    expect(small).toHaveLength(3);
    // Turns: the small site's three requests go among the next few, not after the big site's 30.
    expect(small.at(-1)!).toBeLessThanOrEqual(before + 8);
    expect(requests.filter((request) => siteOf(request) === SIMULATOR_SITE_ID)).toHaveLength(30);
  });

  it("slows every site down when Calltouch throttles one", async () => {
    await simulator.configure({ requestsPerSecond: 2, throttle: { retryAfter: 1 } });

    await Promise.all([createMany(TEST_API_KEY, "a", 900), createMany(OTHER_SITE_KEY, "b", 900)]);
    await Promise.all([settle(gateway(TEST_API_KEY)), settle(gateway(OTHER_SITE_KEY))]);

    const requests = await simulator.requests();
    const throttled = requests.filter((request) => request.outcome === "throttled");
    expect(throttled.length).toBeGreaterThan(0);
    for (const refusal of throttled) {
      // Whichever site was throttled, no site started a request until its Retry-After had passed: during the
      // hold only the other site's request that was already on its way may arrive (the answer left a moment
      // after the arrival: a little slack).
      const during = requests.filter((request) => request.seq > refusal.seq && request.at < refusal.at + 950);
      expect(during.length, `requests during the hold after request ${refusal.seq}`).toBeLessThanOrEqual(1);
    }
    expect(new Set(throttled.map(siteOf)).size).toBeGreaterThanOrEqual(1);
    expect(new Set(requests.map(siteOf))).toEqual(new Set([SIMULATOR_SITE_ID, OTHER_SITE_ID]));
    const { orders } = await gateway(TEST_API_KEY).orders.status.query({ orderNumbers: ["a-0", "a-899"] });
    expect(orders.map((order) => order.state)).toEqual(["delivered", "delivered"]);
  });
});
