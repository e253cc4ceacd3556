import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TEST_API_KEY } from "../test/constants";
import app from "./app";
import { announceRuntime, selfHosting } from "./runtime";

/** /health as an admin sees it: the details the public does not get. */
const asAdmin = { headers: { authorization: `Bearer ${TEST_API_KEY}` } };
const LOGS = "Workers Logs (observability): logs are workerd's standard output, e.g. the systemd journal";
/** The binding scripts/selfhost/workerd-config.mjs gives a self-hosted gateway. */
const selfHosted = (unavailable: string[]) => ({ ...env, SELF_HOSTED: { runtime: "workerd 1.20261102.1", unavailable } });
/** The test environment's keys less the one that requires Turnstile. */
const withoutTurnstile = (base: object) => {
  const file = JSON.parse(env.API_KEYS) as { keys: { turnstile?: boolean }[] };
  return { ...base, API_KEYS: JSON.stringify({ keys: file.keys.filter((key) => !key.turnstile) }) };
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe("on Cloudflare", () => {
  it("is not self-hosted, logs nothing at start and adds nothing to /health", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const info = vi.spyOn(console, "log").mockImplementation(() => {});

    announceRuntime(env);

    expect(selfHosting(env)).toBeUndefined();
    expect(warn).not.toHaveBeenCalled();
    expect(info).not.toHaveBeenCalled();
    expect(await (await app.request("/health", asAdmin, env)).json()).toEqual({ status: "ok" });
  });
});

describe("self-hosted on workerd", () => {
  it("names what wrangler.toml asks for that only Cloudflare has, and Turnstile when a key requires it", async () => {
    const hosted = selfHosted([LOGS]);

    const health = await app.request("/health", asAdmin, hosted);

    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({
      status: "ok",
      selfHosted: { unavailable: [LOGS, expect.stringMatching(/^Turnstile: .*siteverify.*throttle/)] },
    });
    // The public learns only that it works.
    expect(await (await app.request("/health", {}, hosted)).json()).toEqual({ status: "ok" });
  });

  it("says so in one log line at start, with the runtime", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});

    announceRuntime(selfHosted([LOGS]));

    expect(warn).toHaveBeenCalledTimes(1);
    expect(JSON.parse(warn.mock.calls[0]![0] as string)).toMatchObject({
      level: "warn",
      runtime: "workerd 1.20261102.1",
      unavailable: [LOGS, expect.stringContaining("Turnstile")],
    });
  });

  it("has nothing to name when nothing is missing, and logs the runtime as info", async () => {
    const hosted = withoutTurnstile(selfHosted([]));
    const info = vi.spyOn(console, "log").mockImplementation(() => {});

    announceRuntime(hosted);

    expect(await (await app.request("/health", asAdmin, hosted)).json()).toEqual({ status: "ok", selfHosted: { unavailable: [] } });
    expect(JSON.parse(info.mock.calls[0]![0] as string)).toMatchObject({
      level: "info",
      message: "self-hosted",
      runtime: "workerd 1.20261102.1",
    });
  });

  it("names it when misconfigured too", async () => {
    const health = await app.request("/health", asAdmin, { ...selfHosted([LOGS]), CALLTOUCH_TOKEN: "" });

    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: "misconfigured", selfHosted: { unavailable: [LOGS] } });
  });
});
