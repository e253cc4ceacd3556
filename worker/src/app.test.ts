import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { FORM_KEY, READER_KEY, TEST_API_KEY } from "../test/constants";
import app from "./app";

describe("GET /health", () => {
  it("is ok when the settings are", async () => {
    const response = await app.request("/health", {}, env);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("tells the public only that it is misconfigured; an admin key also learns what, never a value", async () => {
    const broken = { ...env, CALLTOUCH_TOKEN: "", CALLTOUCH_RPS: "fast" };
    const problems = [expect.stringContaining("CALLTOUCH_TOKEN is not set"), "CALLTOUCH_RPS must be a whole number"];

    const health = await app.request("/health", {}, broken);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: "misconfigured" });

    const admin = await app.request("/health", { headers: { authorization: `Bearer ${TEST_API_KEY}` } }, broken);
    expect(await admin.json()).toEqual({ status: "misconfigured", problems });
    for (const key of [READER_KEY, "no-such-key"]) {
      const other = await app.request("/health", { headers: { authorization: `Bearer ${key}` } }, broken);
      expect(await other.json()).toEqual({ status: "misconfigured" });
    }
    // An admin key from a page is a leaked key: it learns nothing.
    const fromPage = await app.request(
      "/health",
      { headers: { authorization: `Bearer ${TEST_API_KEY}`, origin: "https://shop.example" } },
      broken,
    );
    expect(await fromPage.json()).toEqual({ status: "misconfigured" });
  });

  it("answers every other route 500 with a request id while misconfigured", async () => {
    const broken = { ...env, CALLTOUCH_TOKEN: "" };
    const call = await app.request("/trpc/orders.create", { method: "POST", body: "{}" }, broken);
    expect(call.status).toBe(500);
    const body = (await call.json()) as { error: { requestId: string } };
    expect(body.error.requestId).toBe(call.headers.get("x-request-id"));
  });
});

describe("request ids", () => {
  it("gives every request an id of its own, never the caller's, and logs the caller's beside it", async () => {
    const logged = vi.spyOn(console, "log").mockImplementation(() => {});
    const response = await app.request("/nope", { headers: { "x-request-id": "crm-trace-42" } }, env);
    const ours = response.headers.get("x-request-id")!;
    expect(ours).toMatch(/^[0-9a-f-]{36}$/);
    const lines = logged.mock.calls.map(([line]) => JSON.parse(line as string));
    expect(lines).toContainEqual(expect.objectContaining({ requestId: ours, callerRequestId: "crm-trace-42" }));
    logged.mockRestore();

    // One that is not a plain id is dropped, not echoed.
    const forged = await app.request("/nope", { headers: { "x-request-id": `${"x".repeat(300)} {"level":"error"}` } }, env);
    expect(forged.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("puts the id once on an answer tRPC builds, the same as its body says", async () => {
    const response = await app.request(
      "/trpc/orders.create",
      { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ orderNumber: "1" }) },
      env,
    );
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { data: { requestId: string } } };
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get("x-request-id")).toBe(body.error.data.requestId);
  });
});

describe("the edge", () => {
  it("refuses a body over the limit with 413 before reading it, in the door's own shape with the request id", async () => {
    const small = { ...env, MAX_BODY_BYTES: "1024" };
    const response = await app.request(
      "/trpc/orders.create",
      { method: "POST", headers: { "content-type": "application/json", "content-length": "2048" }, body: "x".repeat(2048) },
      small,
    );
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      error: {
        message: "The request body is larger than 1024 bytes",
        code: -32013,
        data: { code: "PAYLOAD_TOO_LARGE", httpStatus: 413, path: "orders.create", requestId: response.headers.get("x-request-id") },
      },
    });
  });

  it("refuses a body over the limit whose Content-Length claims less: a length nothing framed is counted again", async () => {
    const small = { ...env, MAX_BODY_BYTES: "1024" };
    const response = await app.request(
      "/trpc/orders.create",
      { method: "POST", headers: { "content-type": "application/json", "content-length": "10" }, body: `"${"x".repeat(2048)}"` },
      small,
    );
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe("The request body is larger than 1024 bytes");
  });

  it("says the body limit in Russian to a caller that asks, and on visitors' doors to everyone", async () => {
    const small = { ...env, MAX_BODY_BYTES: "1024" };
    const big = { method: "POST", headers: { "content-type": "application/json" }, body: "x".repeat(2048) };
    const asked = await app.request("/trpc/orders.create", { ...big, headers: { ...big.headers, "accept-language": "ru" } }, small);
    expect(((await asked.json()) as { error: { message: string } }).error.message).toBe("Запрос больше 1024 байт");
    const visitor = await app.request(
      `/forms/${FORM_KEY}`,
      { ...big, headers: { ...big.headers, "accept-language": "en", accept: "application/json" } },
      small,
    );
    expect(await visitor.json()).toEqual({ error: { message: "Запрос больше 1024 байт" } });
  });

  it("answers an unknown route with 404 JSON", async () => {
    const response = await app.request("/nope", {}, env);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { message: "No route for GET /nope" } });
  });
});
