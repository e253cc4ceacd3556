import {
  type ChangeKind,
  type FieldError,
  type Language,
  orderCreateInput,
  ordersDeleteInput,
  orderUpdateInput,
  parseIn,
  type Receipt,
  toFieldErrors,
} from "@calltouch-gateway/contract";
import type { Context } from "hono";
import { type BodyVariables, bearerOf, gate, knockOf, type Refusal } from "../access";
import { Hono } from "../hono";
import { accept, tooManyOrders } from "../services/orders";
import type { Settings } from "../settings";
import { calltouchField, fromCalltouch } from "./wire-input";

type DropInEnv = { Bindings: Env; Variables: { settings: Settings; requestId: string } & BodyVariables };

const schemas = { create: orderCreateInput, update: orderUpdateInput } as const;

/**
 * Calltouch's own deals API, answered by the gateway: an integration that already speaks Calltouch
 * switches by changing its base URL and putting a gateway key where the Calltouch token was
 * (`Access-Token`). Its deals go through the outbox like any other (batching, order, retries); the
 * answer waits for delivery up to `DROP_IN_WAIT_MS`, so that the integration gets Calltouch's ids as it
 * expects, and otherwise says the deal is queued.
 */
export const dropIn = new Hono<DropInEnv>();

const admitWriter = gate("orders:write");

dropIn.post("/:kind{create|update|delete}", async (c) => {
  const kind = c.req.param("kind") as ChangeKind;
  const settings = c.get("settings");
  if (!c.var.body.ok) return calltouchError(c, c.var.body.error);
  const key = c.req.header("access-token") ?? bearerOf(c.req.header("authorization"));
  const knock = knockOf(c, key);
  const admitted = await admitWriter({ ...knock, site: c.req.header("siteid") }, c.env, settings.keys);
  if (!admitted.ok) return calltouchError(c, admitted.error);
  const principal = admitted.value;

  const body = c.var.body.value;
  const json = body.type === "json" ? body.value : undefined;
  const tooMany = tooManyOrders(json, settings);
  if (tooMany) return c.json({ data: null, error: { code: CODES[413], message: tooMany.message } }, 413);
  const parsed = readOrders(kind, json, knock.language);
  if (!parsed.ok) return c.json({ data: { validationErrorData: parsed.errors } }, 400);

  // The same path as every other call; the wait is the drop-in's, so that callers get Calltouch's ids.
  const caller = { env: c.env, settings, requestId: c.get("requestId"), principal, idempotencyKey: c.req.header("idempotency-key") };
  // The drop-in's wait is the gateway's own, held to what any call may wait.
  const wait = Math.min(settings.delivery.dropInWaitMs, settings.delivery.maxWaitMs);
  const outcome = await accept(caller, kind, { orders: parsed.orders, wait });
  if (!outcome.ok) {
    return outcome.error.kind === "conflict"
      ? c.json({ data: null, error: { code: "CONFLICT", message: outcome.error.message } }, 409)
      : c.json({ data: { validationErrorData: [{ field: "", message: outcome.error.message }] } }, 400);
  }
  return c.json({ data: { orders: outcome.value.receipts.map(calltouchItem) } });
});

/** The body in Calltouch's format, validated by the contract's rules, or Calltouch-style validation errors. */
function readOrders(kind: ChangeKind, body: unknown, language: Language) {
  const errors: { field: string; message: string }[] = [];
  const ru = language === "ru";
  const root = body as { crm?: unknown; orders?: unknown } | undefined;
  if (typeof root !== "object" || root === null)
    return { ok: false as const, errors: [{ field: "", message: ru ? "тело запроса — объект JSON" : "the body must be a JSON object" }] };
  if (kind === "delete") return readDeletes(root, language);
  if (kind === "create" && (typeof root.crm !== "string" || root.crm.trim() === "")) {
    errors.push({ field: "crm", message: ru ? "обязательное поле: название CRM" : "required: the name of the CRM" });
  }
  if (!Array.isArray(root.orders) || root.orders.length === 0) {
    errors.push({ field: "orders", message: ru ? "ожидается список сделок, хотя бы одна" : "must be a list of orders, at least one" });
    return { ok: false as const, errors };
  }
  const orders = root.orders.map((order, index) => {
    const result = parseIn(schemas[kind], fromCalltouch(kind, order), language);
    if (!result.success) errors.push(...toFieldErrors(result.error).map((error) => wireError(kind, index, error)));
    return result.data!;
  });
  return errors.length > 0 ? { ok: false as const, errors } : { ok: true as const, orders };
}

/** A delete's body, `{ orderNumbers }`, as the deletes of those deals. */
function readDeletes(root: object, language: Language) {
  const parsed = parseIn(ordersDeleteInput, root, language);
  if (!parsed.success) return { ok: false as const, errors: toFieldErrors(parsed.error).map(({ field, message }) => ({ field, message })) };
  return { ok: true as const, orders: parsed.data.orderNumbers.map((orderNumber) => ({ orderNumber })) };
}

function wireError(kind: Exclude<ChangeKind, "delete">, index: number, error: FieldError) {
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

const CODES = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  429: "LIMIT_EXCEEDED",
} as const satisfies Record<Refusal["status"], string>;

/**
 * A refusal in the shape of Calltouch's own errors, with `Retry-After` when limited; one about fields of
 * the body in the shape of Calltouch's validation errors.
 */
function calltouchError(c: Context<DropInEnv>, refusal: Refusal) {
  if (refusal.fieldErrors !== undefined) {
    return c.json({ data: { validationErrorData: refusal.fieldErrors.map(({ field, message }) => ({ field, message })) } }, 400);
  }
  if (refusal.retryAfter !== undefined) c.header("Retry-After", String(refusal.retryAfter));
  return c.json({ data: null, error: { code: CODES[refusal.status], message: refusal.message } }, refusal.status);
}
