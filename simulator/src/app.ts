import { type Context, Hono } from "hono";
import * as z from "zod";
import { issuesOf } from "./issues";
import { OUTCOMES } from "./request-log";
import type { ReceivedRequest, SimulatorState } from "./state";
import { NOT_JSON, parseJson } from "./validate";

type App = { Bindings: { simulator: SimulatorState } };

const CONTROL_ENDPOINTS = [
  "GET /__simulator/requests[?path=&since=&outcome=]",
  "DELETE /__simulator/requests",
  "GET /__simulator/orders[?orderNumber=&siteId=]",
  "GET /__simulator/config",
  "PUT /__simulator/config",
  "DELETE /__simulator/config",
  "GET /__simulator/stats",
];

const logQuery = z.strictObject({
  path: z.string().min(1).optional(),
  since: z.coerce.number().int().min(0).optional(),
  outcome: z.enum(OUTCOMES).optional(),
});
const ordersQuery = z.strictObject({ orderNumber: z.string().min(1).optional(), siteId: z.string().min(1).optional() });

function badRequest(c: Context<App>, error: string, issues: unknown) {
  return c.json({ error, issues }, 400);
}

/**
 * The simulator's routes, served by the Durable Object: the control endpoints under `/__simulator/`, and
 * Calltouch everywhere else.
 */
export const app = new Hono<App>();

/**
 * Hosts the simulator answers at: this machine (`localhost`, `*.localhost`, loopback addresses) and the
 * `.test` names the tests use (RFC 6761 reserves them; they never resolve on the internet). A simulator
 * published by mistake would take anyone's deals and give away its control endpoints: it answers nothing.
 */
const LOCAL_HOST = /^(localhost|.+\.localhost|.+\.test|127(\.\d{1,3}){3}|\[::1\])$/;

app.use(async (c, next) => {
  const { hostname } = new URL(c.req.url);
  if (!LOCAL_HOST.test(hostname)) return c.json({ error: "the Calltouch simulator answers only on this machine (localhost)" }, 403);
  await next();
});

app.get("/__simulator/requests", (c) => {
  const query = logQuery.safeParse(c.req.query());
  if (!query.success) return badRequest(c, "invalid query", issuesOf(query.error));
  return c.json({ requests: c.env.simulator.requests(query.data) });
});

app.delete("/__simulator/requests", (c) => c.json({ forgotten: c.env.simulator.forget() }));

app.get("/__simulator/orders", (c) => {
  const query = ordersQuery.safeParse(c.req.query());
  if (!query.success) return badRequest(c, "invalid query", issuesOf(query.error));
  return c.json({ orders: c.env.simulator.orders(query.data) });
});

app.get("/__simulator/config", (c) => c.json(c.env.simulator.getConfig()));

app.put("/__simulator/config", async (c) => {
  const patch = parseJson(await c.req.text());
  if (patch === NOT_JSON) return badRequest(c, "invalid config", [{ field: "", message: "body is not valid JSON" }]);
  const result = c.env.simulator.patchConfig(patch);
  return result.ok ? c.json(result.config) : badRequest(c, "invalid config", result.issues);
});

app.delete("/__simulator/config", (c) => c.json(c.env.simulator.resetConfig()));

app.get("/__simulator/stats", (c) => c.json(c.env.simulator.stats()));

app.all("/__simulator/*", (c) => c.json({ error: "no such control endpoint", endpoints: CONTROL_ENDPOINTS }, 404));

// Not Calltouch: Cloudflare Turnstile's server-side check, which the gateway's form tests need too.
app.post("/turnstile/v0/siteverify", async (c) => {
  const body = await c.req.parseBody();
  return c.json(c.env.simulator.turnstile(String(body.secret ?? ""), String(body.response ?? "")));
});

// Everything else is a request to Calltouch, decided and logged at once (404 included). Holding the answer back
// awaits a timer, which leaves the object free to decide the requests that arrive meanwhile.
app.all("*", async (c) => {
  const url = new URL(c.req.url);
  const received: ReceivedRequest = {
    method: c.req.method,
    path: url.pathname,
    query: url.search,
    headers: Object.fromEntries(c.req.raw.headers),
    bodyText: await c.req.text(),
  };
  const answer = c.env.simulator.receive(received);
  if (answer.holdMs > 0) await scheduler.wait(answer.holdMs);
  return Response.json(answer.body, { status: answer.status, ...(answer.headers && { headers: answer.headers }) });
});
