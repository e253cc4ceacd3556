import {
  changeListInput,
  deliveriesReplayInput,
  dryRunInput,
  type FieldError,
  invalidInputMessage,
  type Language,
  MAX_WAIT_MS,
  normalizeOrderNumber,
  type OrderUpdate,
  ordersCreateInput,
  ordersDeleteInput,
  orderUpdateInput,
  parseIn,
  type Receipt,
  say,
  toFieldErrors,
} from "@calltouch-gateway/contract";
import type { Context, MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import * as z from "zod/mini";
import { type BodyVariables, bearerOf, gate, knockOf, type Scope, type SecretPrincipal } from "../access";
import { Hono } from "../hono";
import type { Result } from "../result";
import { deadReasonsOf, listChanges, overviewOf, replayChanges, replayReason, resumeDelivery } from "../services/deliveries";
import {
  accept,
  acceptDeletes,
  dryRun,
  type OrderCaller,
  type OrderFailure,
  type Outcome,
  statusOf,
  tooManyOrders,
} from "../services/orders";
import type { Settings } from "../settings";

type RestEnv = { Bindings: Env; Variables: { settings: Settings; requestId: string; principal: SecretPrincipal } & BodyVariables };
type RestContext = Context<RestEnv>;

/**
 * The error body of every REST answer that is not a success; `fieldErrors` when the input was invalid,
 * with the same paths as tRPC's `error.data.fieldErrors`.
 *
 * @example { error: { message: "Invalid input: phones[0]: not a valid phone number", requestId: "…", fieldErrors: [...] } }
 */
export interface RestError {
  error: { message: string; requestId?: string; fieldErrors?: FieldError[] };
}

const STATUSES = { invalid: 400, too_large: 413, conflict: 409 } as const satisfies Record<OrderFailure["kind"], ContentfulStatusCode>;

/**
 * `/v1`: the deals API as plain REST, for callers that do not speak tRPC. Every route calls the same
 * functions as its procedure (`worker/src/services/orders.ts`) behind the same key, scope and rate limit,
 * so the two protocols cannot drift apart; `/openapi.json` describes it.
 *
 * @example app.route("/v1", rest); // POST /v1/orders, PATCH|GET|DELETE /v1/orders/{orderNumber}, POST /v1/orders:validate
 */
export const rest = new Hono<RestEnv>();

// A body that cannot be read as meant (its type, charset, size or JSON: access/body) is refused first.
rest.use("*", async (c, next) => {
  if (!c.var.body.ok) return fail(c, c.var.body.error.status, c.var.body.error.message, c.var.body.error.fieldErrors);
  await next();
});

rest.post("/orders", scoped("orders:write"), async (c) => {
  const input = parseBody(c, ordersCreateInput);
  if (!input.ok) return input.response;
  return answer(c, await accept(callerOf(c), "create", input.data), 201);
});

// A literal `:validate` (Google's custom-method style): Hono reads `:` as a parameter only at a segment's start.
rest.post("/orders:validate", scoped("orders:write"), async (c) => {
  const input = parseBody(c, dryRunInput);
  if (!input.ok) return input.response;
  return c.json(await dryRun(callerOf(c), input.data), 200);
});

rest.patch("/orders/:orderNumber", scoped("orders:write"), async (c) => {
  const body = readJson(c);
  if (!body.ok) return body.response;
  const language = languageOf(c);
  const order = updateOf(c.req.param("orderNumber"), body.data, language);
  const wait = parseIn(waitParam, c.req.query("wait"), language);
  if (!order.ok || !wait.success) {
    return invalid(c, [
      ...(order.ok ? [] : order.error),
      ...(wait.success ? [] : [{ path: ["wait"], field: "wait", message: wait.error.issues[0]!.message }]),
    ]);
  }
  const call = wait.data === undefined ? { orders: [order.value] } : { orders: [order.value], wait: wait.data };
  return answer(c, await accept(callerOf(c), "update", call), 200);
});

rest.delete("/orders/:orderNumber", scoped("orders:write"), async (c) => {
  const language = languageOf(c);
  const input = parseIn(ordersDeleteInput, { orderNumbers: [c.req.param("orderNumber")] }, language);
  const wait = parseIn(waitParam, c.req.query("wait"), language);
  if (!input.success || !wait.success) {
    return invalid(c, [
      ...(input.success ? [] : toFieldErrors(input.error)),
      ...(wait.success ? [] : [{ path: ["wait"], field: "wait", message: wait.error.issues[0]!.message }]),
    ]);
  }
  return answer(c, await acceptDeletes(callerOf(c), { orderNumbers: input.data.orderNumbers, wait: wait.data }), 200);
});

rest.get("/orders/:orderNumber", scoped("orders:read"), async (c) => {
  const orderNumber = parseIn(z.pipe(z.string(), z.transform(normalizeOrderNumber)), c.req.param("orderNumber"), languageOf(c));
  if (!orderNumber.success)
    return invalid(
      c,
      toFieldErrors(orderNumber.error).map((error) => ({ ...error, path: ["orderNumber"], field: "orderNumber" })),
    );
  const [status] = await statusOf(callerOf(c), [orderNumber.data]);
  if (!status || status.state === "unknown") return fail(c, 404, `The gateway never accepted a change of deal ${orderNumber.data}`);
  return c.json(status, 200);
});

// Operators: the site's delivery, as `deliveries.*` of tRPC and `calltouch-gateway deliveries` show it.

rest.get("/deliveries/stats", scoped("orders:read"), async (c) =>
  c.json(await overviewOf(callerOf(c), c.var.settings.calltouch.timeZone), 200),
);

rest.get("/deliveries/dead-reasons", scoped("orders:read"), async (c) => c.json(await deadReasonsOf(callerOf(c)), 200));

rest.get("/deliveries", scoped("orders:read"), async (c) => {
  const query = c.req.query();
  const input = changeListInput.safeParse({
    // Dead letters unless asked otherwise: what an operator lists most.
    state: query.state ?? "dead",
    ...(query.limit === undefined ? {} : { limit: Number(query.limit) }),
    ...(query.after === undefined ? {} : { after: Number(query.after) }),
  });
  if (!input.success) return invalid(c, toFieldErrors(input.error));
  return c.json(await listChanges(callerOf(c), input.data), 200);
});

rest.post("/deliveries:replay", scoped("admin"), async (c) => {
  const input = parseBody(c, deliveriesReplayInput);
  if (!input.ok) return input.response;
  const { data } = input;
  return c.json("reason" in data ? await replayReason(callerOf(c), data.reason) : await replayChanges(callerOf(c), data), 200);
});

rest.post("/deliveries:resume", scoped("admin"), async (c) => c.json(await resumeDelivery(callerOf(c)), 200));

/** `?wait=ms` of an update: the envelope's `wait` of `orders.update`, as a query parameter. */
const waitParam = z.optional(
  z.pipe(
    z.pipe(
      z.string().check(z.regex(/^\d+$/, { error: () => say("wait is a whole number of milliseconds", "wait: целое число миллисекунд") })),
      z.transform(Number),
    ),
    z.int().check(z.maximum(MAX_WAIT_MS, { error: () => say(`wait is at most ${MAX_WAIT_MS} ms`, `wait не больше ${MAX_WAIT_MS} мс`) })),
  ),
);

/**
 * A PATCH body as the update of the deal its path names. The path is the deal's id, so the body need not
 * repeat it; when it does, it must name the same deal (compared as the contract normalizes ids: `42` and
 * `" 42"` are deal "42"), since a body that names another deal is a caller's mistake, not a choice.
 */
function updateOf(orderNumber: string, body: unknown, language: Language): Result<OrderUpdate, FieldError[]> {
  const isOrder = typeof body === "object" && body !== null && !Array.isArray(body);
  if (isOrder && "orderNumber" in body) {
    const named = orderUpdateInput.shape.orderNumber.safeParse(body.orderNumber);
    const path = orderUpdateInput.shape.orderNumber.safeParse(orderNumber);
    if (named.success && path.success && named.data !== path.data) {
      const message =
        language === "ru"
          ? `называет сделку ${named.data}, а путь — сделку ${path.data}`
          : `names deal ${named.data}, but the path names deal ${path.data}`;
      return { ok: false, error: [{ path: ["orderNumber"], field: "orderNumber", message }] };
    }
  }
  const order = parseIn(orderUpdateInput, isOrder ? { ...body, orderNumber } : body, language);
  return order.success ? { ok: true, value: order.data } : { ok: false, error: toFieldErrors(order.error) };
}

/** The gate of a route that needs `scope`: refusals as REST errors, with `Retry-After` when limited. */
function scoped(scope: Scope): MiddlewareHandler<RestEnv> {
  const admit = gate(scope);
  return async (c, next) => {
    const admitted = await admit(knockOf(c, bearerOf(c.req.header("authorization"))), c.env, c.var.settings.keys);
    if (!admitted.ok) {
      if (admitted.error.retryAfter !== undefined) c.header("Retry-After", String(admitted.error.retryAfter));
      return fail(c, admitted.error.status, admitted.error.message);
    }
    c.set("principal", admitted.value);
    await next();
  };
}

function callerOf(c: RestContext): OrderCaller {
  return {
    env: c.env,
    settings: c.var.settings,
    requestId: c.var.requestId,
    principal: c.var.principal,
    idempotencyKey: c.req.header("idempotency-key"),
  };
}

type Parsed<T> = { ok: true; data: T } | { ok: false; response: Response };

/** The JSON body the edge read (`c.var.body`); a call without one is refused as invalid input. */
function readJson(c: RestContext): Parsed<unknown> {
  const body = c.var.body.ok ? c.var.body.value : undefined;
  if (body?.type === "json") return { ok: true, data: body.value };
  return { ok: false, response: invalid(c, [{ path: [], field: "", message: "send the body as JSON" }]) };
}

/** A call of deals as `schema` reads it, its orders counted first: too many is a 413 with the limit, not a 400. */
function parseBody<T extends z.ZodMiniType>(c: RestContext, schema: T): Parsed<z.output<T>> {
  const body = readJson(c);
  if (!body.ok) return body;
  const tooMany = tooManyOrders(body.data, c.var.settings);
  if (tooMany) return { ok: false, response: fail(c, STATUSES[tooMany.kind], tooMany.message) };
  const parsed = parseIn(schema, body.data, languageOf(c));
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, response: invalid(c, toFieldErrors(parsed.error)) };
}

function answer(c: RestContext, outcome: Outcome<{ receipts: Receipt[] }>, status: 200 | 201): Response {
  if (!outcome.ok) return fail(c, STATUSES[outcome.error.kind], outcome.error.message, outcome.error.fieldErrors);
  return c.json(outcome.value, status);
}

function invalid(c: RestContext, fieldErrors: FieldError[]): Response {
  return fail(c, 400, invalidInputMessage(fieldErrors, languageOf(c)), fieldErrors);
}

/** The caller's language (`Accept-Language`): the words of a refusal, never what is accepted. */
function languageOf(c: RestContext): Language {
  return knockOf(c, undefined).language;
}

function fail(c: RestContext, status: ContentfulStatusCode, message: string, fieldErrors?: FieldError[]): Response {
  const body: RestError = { error: { message, requestId: c.var.requestId, ...(fieldErrors ? { fieldErrors } : {}) } };
  return c.json(body, status);
}
