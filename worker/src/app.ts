import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { authenticate } from "./auth/api-key";
import { dropIn } from "./dropin/route";
import { forms } from "./forms/route";
import { log } from "./log";
import { memo } from "./memo";
import { docs } from "./rest/docs";
import { rest } from "./rest/route";
import { runtimeHealth } from "./runtime";
import { readSettings, type Settings } from "./settings";
import { appRouter } from "./trpc/router";

type AppEnv = { Bindings: Env; Variables: { settings: Settings } };

const app = new Hono<AppEnv>();

app.use(requestId());

app.get("/health", (c) => {
  const result = readSettings(c.env);
  const status = result.ok ? { status: "ok" } : { status: "misconfigured", problems: result.problems };
  return c.json({ ...status, ...runtimeHealth(c.env) }, result.ok ? 200 : 503);
});

// The API's description is public and needs no settings: `/openapi.json` and its reference page `/docs`.
app.route("/", docs);

// Everything below needs working settings; a misconfigured gateway says so in its logs and /health.
app.use("*", async (c, next) => {
  const result = readSettings(c.env);
  if (!result.ok) {
    log("error", "gateway misconfigured", { requestId: c.get("requestId"), problems: result.problems });
    return c.json(internalError(c.get("requestId")), 500);
  }
  c.set("settings", result.settings);
  await next();
});

app.use("*", (c, next) => bodyLimitFor(c.get("settings").maxBodyBytes)(c, next));

app.all("/trpc/*", async (c) => {
  const settings = c.get("settings");
  const id = c.get("requestId");
  return fetchRequestHandler({
    endpoint: "/trpc",
    req: c.req.raw,
    router: appRouter,
    createContext: async ({ resHeaders }) => ({
      env: c.env,
      requestId: id,
      settings,
      principal: await authenticate(c.req.header("authorization"), settings.keys),
      idempotencyKey: c.req.header("idempotency-key"),
      resHeaders,
    }),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") {
        log("error", "procedure failed", { requestId: id, path, error: error.cause ?? error });
      }
    },
  });
});

app.route("/forms", forms);
app.route("/v1", rest);
app.route("/lead-service/v1/api/client-order", dropIn);

app.notFound((c) => c.json({ error: { message: `No route for ${c.req.method} ${c.req.path}` } }, 404));

app.onError((error, c) => {
  log("error", "request failed", { requestId: c.get("requestId"), error });
  return c.json(internalError(c.get("requestId")), 500);
});

function internalError(id: string) {
  return { error: { message: `Internal error; quote request id ${id} when reporting it`, requestId: id } };
}

// The limit is a setting, so the middleware is made once per distinct value rather than per request.
const bodyLimits = new Map<number, MiddlewareHandler>();
function bodyLimitFor(maxSize: number): MiddlewareHandler {
  return memo(bodyLimits, maxSize, () =>
    bodyLimit({
      maxSize,
      onError: (c) => c.json({ error: { message: `The request body is larger than ${maxSize} bytes` } }, 413),
    }),
  );
}

export default app;
