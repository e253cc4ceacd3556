import {
  type ChangeKind,
  type FieldError,
  orderCreateInput,
  orderUpdateInput,
  type Receipt,
  toFieldErrors,
} from "@calltouch-gateway/contract";
import { type Context, Hono } from "hono";
import { allows, lacksScopeMessage, principalOfKey } from "../auth/api-key";
import { RATE_LIMITED_MESSAGE, RETRY_AFTER_SECONDS, withinKeyRateLimit } from "../auth/rate-limit";
import { accept } from "../services/orders";
import type { Settings } from "../settings";
import { calltouchField, fromCalltouch } from "./wire-input";

type DropInEnv = { Bindings: Env; Variables: { settings: Settings; requestId: string } };

const schemas = { create: orderCreateInput, update: orderUpdateInput } as const;

/**
 * Calltouch's own deals API, answered by the gateway: an integration that already speaks Calltouch
 * switches by changing its base URL and putting a gateway key where the Calltouch token was
 * (`Access-Token`). Its deals go through the outbox like any other (batching, order, retries); the
 * answer waits for delivery up to `DROP_IN_WAIT_MS`, so that the integration gets Calltouch's ids as it
 * expects, and otherwise says the deal is queued.
 */
export const dropIn = new Hono<DropInEnv>();

dropIn.post("/:kind{create|update}", async (c) => {
  const kind = c.req.param("kind") as ChangeKind;
  const settings = c.get("settings");
  const token = c.req.header("access-token") ?? c.req.header("authorization")?.replace(/^Bearer\s+/i, "");
  const principal = await principalOfKey(token, settings.keys);
  if (!principal) return calltouchError(c, 401, "UNAUTHORIZED", "Access-Token is not a key of this gateway");
  if (!allows(principal, "orders:write")) return calltouchError(c, 403, "FORBIDDEN", lacksScopeMessage("orders:write"));
  const siteId = c.req.header("siteid");
  if (siteId !== undefined && siteId !== principal.site) {
    return calltouchError(c, 403, "FORBIDDEN", `this key sends to site ${principal.site}, not ${siteId}`);
  }
  if (!(await withinKeyRateLimit(c.env, principal))) {
    c.header("Retry-After", String(RETRY_AFTER_SECONDS));
    return calltouchError(c, 429, "LIMIT_EXCEEDED", RATE_LIMITED_MESSAGE);
  }

  const body = await c.req.json().catch(() => undefined);
  const parsed = readBody(kind, body, settings.maxOrdersPerCall);
  if (!parsed.ok) return c.json({ data: { validationErrorData: parsed.errors } }, 400);

  // The same path as every other call; the wait is the drop-in's, so that callers get Calltouch's ids.
  const caller = { env: c.env, settings, requestId: c.get("requestId"), principal, idempotencyKey: c.req.header("idempotency-key") };
  const outcome = await accept(caller, kind, { orders: parsed.orders, wait: settings.delivery.dropInWaitMs });
  if (!outcome.ok) {
    return outcome.error.kind === "conflict"
      ? calltouchError(c, 409, "CONFLICT", outcome.error.message)
      : c.json({ data: { validationErrorData: [{ field: "", message: outcome.error.message }] } }, 400);
  }
  return c.json({ data: { orders: outcome.value.receipts.map(calltouchItem) } });
});

/** The body in Calltouch's format, validated by the contract's rules, or Calltouch-style validation errors. */
function readBody(kind: ChangeKind, body: unknown, maxOrders: number) {
  const errors: { field: string; message: string }[] = [];
  const root = body as { crm?: unknown; orders?: unknown } | undefined;
  if (typeof root !== "object" || root === null)
    return { ok: false as const, errors: [{ field: "", message: "the body must be a JSON object" }] };
  if (kind === "create" && (typeof root.crm !== "string" || root.crm.trim() === "")) {
    errors.push({ field: "crm", message: "required: the name of the CRM" });
  }
  if (!Array.isArray(root.orders) || root.orders.length === 0 || root.orders.length > maxOrders) {
    errors.push({ field: "orders", message: `must be a list of 1 to ${maxOrders} orders` });
    return { ok: false as const, errors };
  }
  const orders = root.orders.map((order, index) => {
    const result = schemas[kind].safeParse(fromCalltouch(kind, order));
    if (!result.success) errors.push(...toFieldErrors(result.error).map((error) => wireError(kind, index, error)));
    return result.data!;
  });
  return errors.length > 0 ? { ok: false as const, errors } : { ok: true as const, orders };
}

function wireError(kind: ChangeKind, index: number, error: FieldError) {
  const [head, ...rest] = error.field.split(/(?=[.[])/);
  return { field: `orders[${index}].${calltouchField(kind, head ?? "")}${rest.join("")}`, message: error.message };
}

/** A receipt in the shape of Calltouch's answer items: the id once delivered, the error once dead. */
function calltouchItem(receipt: Receipt) {
  if (receipt.state === "delivered") {
    return {
      orderNumber: receipt.orderNumber,
      ...(receipt.calltouchOrderId === undefined ? {} : { calltouchOrderId: receipt.calltouchOrderId }),
    };
  }
  if (receipt.state === "dead") return { orderNumber: receipt.orderNumber, error: receipt.error };
  return { orderNumber: receipt.orderNumber, changeId: receipt.changeId, state: receipt.state };
}

function calltouchError(c: Context<DropInEnv>, status: 401 | 403 | 409 | 429, code: string, message: string) {
  return c.json({ data: null, error: { code, message } }, status);
}
