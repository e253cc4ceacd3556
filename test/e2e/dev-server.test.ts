import { afterAll, beforeAll, describe } from "vitest";
import { type DevServers, startDevServers } from "./dev-servers";
import { gatewayBehaviour } from "./gateway-behaviour";

let servers: DevServers;

beforeAll(async () => {
  servers = await startDevServers();
});

afterAll(() => servers?.stop());

// The same tests run against the self-hosted gateway (selfhost/smoke.test.ts).
describe("the development servers of `scripts/run dev`", () => gatewayBehaviour(() => servers));
