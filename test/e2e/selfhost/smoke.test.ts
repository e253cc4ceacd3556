import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatewayBehaviour } from "../gateway-behaviour";
import { type SelfHostedServers, startSelfHosted } from "./servers";

let servers: SelfHostedServers;

beforeAll(async () => {
  servers = await startSelfHosted();
});

afterAll(() => servers?.stop());

// The tests of the development servers (dev-server.test.ts), against the gateway and the simulator
// self-hosted on workerd by `scripts/run selfhost`.
describe("the gateway self-hosted on workerd", () => {
  gatewayBehaviour(() => servers);

  it("says at start that it is self-hosted, and /health says so too, to an admin key", async () => {
    // Static assets are not served self-hosted yet (scripts/selfhost/wrangler-config.mjs), and it says so.
    expect(servers.gateway.output()).toMatch(
      /"message":"self-hosted, without some features of Cloudflare","runtime":"workerd 1\.\d+\.\d+"/,
    );
    const asAdmin = { headers: { authorization: "Bearer dev-key" } };
    expect(await (await fetch(`${servers.gatewayUrl}/health`, asAdmin)).json()).toEqual({
      status: "ok",
      selfHosted: { unavailable: [expect.stringMatching(/^static assets/)] },
    });
    expect(await (await fetch(`${servers.gatewayUrl}/health`)).json()).toEqual({ status: "ok" });
  });
});
