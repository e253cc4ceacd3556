import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { type BodyVariables, bearerOf, gate, knockOf, leadCors, readBody } from "./access";
import { consoleDoor } from "./console/route";
import { dropIn } from "./dropin/route";
import { forms } from "./forms/route";
import { Hono } from "./hono";
import { log } from "./log";
import { docs } from "./rest/docs";
import type { DocumentedLimits } from "./rest/openapi";
import { rest } from "./rest/route";
import { runtimeHealth } from "./runtime";
import { callerLimits, readKeys, readSettings, type Settings } from "./settings";
import { appRouter } from "./trpc/router";

type AppEnv = {
  Bindings: Env;
  Variables: { settings: Settings; requestId: string; callerRequestId: string | undefined; limits: DocumentedLimits } & BodyVariables;
};

const app = new Hono<AppEnv>();

/** A caller's own request id is kept when it is plain and short; anything else is dropped, never echoed. */
const CALLER_REQUEST_ID = /^[\w.:=/+-]{1,128}$/;

// Every request gets an id of the gateway's own, in logs, answers and the X-Request-Id header. A caller's
// X-Request-Id is only the caller's word: it is kept beside ours, logged as theirs, and never taken as ours,
// so that no caller can make their requests' log lines look like another's.
app.use(async (c, next) => {
  const id = crypto.randomUUID();
  const callers = c.req.header("x-request-id");
  c.set("requestId", id);
  c.set("callerRequestId", callers !== undefined && CALLER_REQUEST_ID.test(callers) ? callers : undefined);
  if (c.var.callerRequestId) log("info", "request", { requestId: id, callerRequestId: c.var.callerRequestId, path: c.req.path });
  c.header("X-Request-Id", id);
  await next();
  // Set again only on an answer made elsewhere without it (a static file's): setting a header on a
  // finished answer copies the whole Response, which every call would pay. tRPC's adapter is handed it below.
  if (c.res.headers.get("x-request-id") !== id) c.header("X-Request-Id", id);
});

const admitAdmin = gate("admin");

// Public: whether the gateway works, nothing more. What is wrong, and what a self-hosted gateway runs
// without, goes to the logs (at start, too) and to an admin key.
app.get("/health", async (c) => {
  const result = readSettings(c.env);
  if (!result.ok) log("error", "gateway misconfigured", { requestId: c.var.requestId, problems: result.problems });
  const keys = readKeys(c.env);
  const admin = keys !== null && (await admitAdmin(knockOf(c, bearerOf(c.req.header("authorization"))), c.env, keys)).ok;
  // The console is optional: without its session key it is off, which an admin should learn here.
  const consoleOff =
    result.ok && result.settings.console.sessionKey === undefined ? { console: "off: CONSOLE_SESSION_KEY is not set" } : {};
  const details = admin ? { ...(result.ok ? {} : { problems: result.problems }), ...consoleOff, ...runtimeHealth(c.env) } : {};
  return c.json({ status: result.ok ? "ok" : "misconfigured", ...details }, result.ok ? 200 : 503);
});

// The API's description is public and needs no settings (it states the deployment's limits when they can
// be read): `/openapi.json` and its reference page `/docs`.
app.use("/openapi.json", (c, next) => {
  c.set("limits", callerLimits(c.env));
  return next();
});
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

/** The doors web pages call with public keys: they speak Russian to visitors, whatever they ask for. */
const visitorsDoor = (path: string) => path.startsWith("/forms/") || path === "/trpc/leads.submit";

// Every door reads its body by one policy (access/body): JSON, and form data on the form endpoint and the console only.
// A lead is a visitor's form: its doors read far less than a CRM's call of a thousand deals. API callers
// read English unless they ask for Russian (Accept-Language).
const readDoorBody = readBody<AppEnv>((c) => {
  const settings = c.get("settings");
  const visitor = visitorsDoor(c.req.path);
  return {
    // The console's pages post forms, as website forms do.
    accepts: c.req.path.startsWith("/forms/") || c.req.path.startsWith("/console/") ? ["json", "form"] : ["json"],
    maxBytes: visitor ? Math.min(settings.leadMaxBodyBytes, settings.maxBodyBytes) : settings.maxBodyBytes,
    language: visitor ? "ru" : knockOf(c, undefined).language,
    // A tRPC query carries its input in the URL.
    ...(c.req.path.startsWith("/trpc/") ? { queryInput: "input" } : {}),
  };
});
for (const door of ["/trpc/*", "/v1/*", "/forms/*", "/lead-service/v1/api/client-order/*", "/console/*"]) app.use(door, readDoorBody);
app.use(
  "/trpc/leads.submit",
  leadCors((c) => bearerOf(c.req.header("authorization"))),
);

app.all("/trpc/*", async (c) => {
  const settings = c.get("settings");
  const id = c.get("requestId");
  return fetchRequestHandler({
    endpoint: "/trpc",
    req: c.req.raw,
    router: appRouter,
    // One procedure per request: each is judged, limited and logged on its own.
    allowBatching: false,
    createContext: ({ resHeaders }) => {
      resHeaders.set("X-Request-Id", id);
      return {
        env: c.env,
        requestId: id,
        settings,
        knock: knockOf(c, bearerOf(c.req.header("authorization")), visitorsDoor(c.req.path) ? "ru" : undefined),
        idempotencyKey: c.req.header("idempotency-key"),
        bodyRefusal: c.var.body.ok ? undefined : c.var.body.error,
        resHeaders,
      };
    },
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") {
        log("error", "procedure failed", { requestId: id, callerRequestId: c.var.callerRequestId, path, error: error.cause ?? error });
      }
    },
  });
});

app.route("/console", consoleDoor);
app.route("/forms", forms);
app.route("/v1", rest);
app.route("/lead-service/v1/api/client-order", dropIn);

app.notFound((c) => c.json({ error: { message: `No route for ${c.req.method} ${c.req.path.slice(0, 200)}` } }, 404));

app.onError((error, c) => {
  log("error", "request failed", { requestId: c.get("requestId"), callerRequestId: c.var.callerRequestId, error });
  return c.json(internalError(c.get("requestId")), 500);
});

function internalError(id: string) {
  return { error: { message: `Internal error; quote request id ${id} when reporting it`, requestId: id } };
}

export default app;
