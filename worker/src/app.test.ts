import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import app from "./app";

describe("GET /health", () => {
  it("is ok when the settings are", async () => {
    const response = await app.request("/health", {}, env);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("names what is misconfigured, never a value, and every other route answers 500 with a request id", async () => {
    const broken = { ...env, CALLTOUCH_TOKEN: "", CALLTOUCH_RPS: "fast" };

    const health = await app.request("/health", {}, broken);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({
      status: "misconfigured",
      problems: [expect.stringContaining("CALLTOUCH_TOKEN is not set"), "CALLTOUCH_RPS must be a whole number"],
    });

    const call = await app.request("/trpc/orders.create", { method: "POST", body: "{}" }, broken);
    expect(call.status).toBe(500);
    const body = (await call.json()) as { error: { requestId: string } };
    expect(body.error.requestId).toBe(call.headers.get("x-request-id"));
  });
});

describe("the edge", () => {
  it("refuses a body over the limit with 413 before reading it", async () => {
    const small = { ...env, MAX_BODY_BYTES: "1024" };
    const response = await app.request(
      "/trpc/orders.create",
      { method: "POST", headers: { "content-type": "application/json" }, body: "x".repeat(2048) },
      small,
    );
    expect(response.status).toBe(413);
  });

  it("answers an unknown route with 404 JSON", async () => {
    const response = await app.request("/nope", {}, env);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { message: "No route for GET /nope" } });
  });
});
