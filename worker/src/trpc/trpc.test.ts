import { env } from "cloudflare:workers";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { describe, expect, it } from "vitest";
import { readSettings } from "../settings";
import { publicProcedure, router, scopedProcedure } from "./trpc";

const result = readSettings({
  CALLTOUCH_SITE_ID: "1",
  CALLTOUCH_TOKEN: "the-token",
  API_KEYS: JSON.stringify({ keys: [] }),
});
if (!result.ok) throw new Error("test settings are invalid");
const { settings } = result;

const testRouter = router({
  explode: publicProcedure.mutation(() => {
    throw new Error("database password is hunter2 and token the-token");
  }),
  secret: scopedProcedure("orders:read").query(() => "inside"),
});

async function call(path: string, method = "POST") {
  const response = await fetchRequestHandler({
    endpoint: "/trpc",
    req: new Request(`http://gateway.test/trpc/${path}`, {
      method,
      ...(method === "POST" ? { headers: { "content-type": "application/json" }, body: "{}" } : {}),
    }),
    router: testRouter,
    createContext: () => ({
      env,
      requestId: "req-42",
      settings,
      knock: { key: undefined, origin: undefined, ip: undefined, language: "en" as const },
      idempotencyKey: undefined,
      bodyRefusal: undefined,
      resHeaders: new Headers(),
    }),
  });
  return { status: response.status, body: (await response.json()) as { error: { message: string; data: Record<string, unknown> } } };
}

describe("the error formatter", () => {
  it("answers an internal failure with the request id only: no message, no stack", async () => {
    const { status, body } = await call("explode");

    expect(status).toBe(500);
    expect(body.error.message).toBe("Internal error; quote request id req-42 when reporting it");
    expect(body.error.data).toEqual({ code: "INTERNAL_SERVER_ERROR", httpStatus: 500, path: "explode", requestId: "req-42" });
    expect(JSON.stringify(body)).not.toMatch(/hunter2|the-token|stack/);
  });

  it("refuses a protected procedure without a key with 401", async () => {
    const { status, body } = await call("secret", "GET");

    expect(status).toBe(401);
    expect(body.error.data.code).toBe("UNAUTHORIZED");
  });
});
