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

  it("serves the static assets that wrangler.toml's [build] wrote, from a snapshot taken at start", () => {
    expect(servers.gateway.output()).toMatch(
      /\[selfhost\] static assets: \d+ files \(.+\) from .*worker\/public, served before the Worker, with 1 rule of _headers/,
    );
  });

  it("says at start that it is self-hosted, with nothing of wrangler.toml's top level missing, and /health says so too, to an admin key", async () => {
    expect(servers.gateway.output()).toMatch(/"message":"self-hosted","runtime":"workerd 1\.\d+\.\d+"/);
    const asAdmin = { headers: { authorization: "Bearer dev-key" } };
    expect(await (await fetch(`${servers.gatewayUrl}/health`, asAdmin)).json()).toEqual({
      status: "ok",
      selfHosted: { unavailable: [] },
    });
    expect(await (await fetch(`${servers.gatewayUrl}/health`)).json()).toEqual({ status: "ok" });
  });
});
