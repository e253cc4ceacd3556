/**
 * The orders service: what the gateway does with deals, whoever calls it. tRPC, REST, the drop-in and
 * forms are thin adapters over these functions, so that all answer the same receipts and refuse the same
 * calls; none of them reaches the outbox but through here. The functions answer typed failures instead of
 * throwing, and each adapter says them in its own protocol.
 */
import {
  type Call,
  type ChangeKind,
  type DryRunInput,
  type DryRunResult,
  type FieldError,
  fieldError,
  invalidInputMessage,
  type OrderCreate,
  type OrderDelete,
  type OrderStatus,
  type OrderUpdate,
  type Purged,
  type Receipt,
  toCall,
} from "@calltouch-gateway/contract";
import * as z from "zod/mini";
import { allows, type SecretPrincipal } from "../access";
import { compileChange, sendAs } from "../outbox/compile";
import { enqueue } from "../outbox/intake";
import { outboxOf } from "../outbox/site";
import type { Result } from "../result";
import type { Settings } from "../settings";

/**
 * What the order functions need to know of an authenticated call, whichever protocol carried it. tRPC's
 * context is one as it is; REST builds one from the Hono context.
 *
 * @example const caller: OrderCaller = { env, settings, requestId, principal, idempotencyKey: c.req.header("idempotency-key") };
 */
export interface OrderCaller {
  env: Env;
  settings: Settings;
  requestId: string;
  principal: SecretPrincipal;
  /** The `Idempotency-Key` header of the call, if any. */
  idempotencyKey: string | undefined;
}

/**
 * Why a call was refused after its input passed the contract's schema. Each adapter maps the kind to its
 * status: `invalid` 400, `too_large` 413, `conflict` 409. `fieldErrors` name the fields of an invalid call.
 *
 * @example if (!outcome.ok && outcome.error.kind === "conflict") return c.json({ error: { message: outcome.error.message } }, 409);
 */
export interface OrderFailure {
  kind: "invalid" | "too_large" | "conflict";
  message: string;
  fieldErrors?: FieldError[];
}

/**
 * A result of the orders service, or why there is none.
 *
 * @example const outcome: Outcome<{ receipts: Receipt[] }> = await accept(caller, "create", input); // outcome.value.receipts
 */
export type Outcome<T> = Result<T, OrderFailure>;

const idempotencyKey = z.optional(
  z.string().check(z.trim(), z.minLength(1), z.maxLength(255, "the Idempotency-Key header must be at most 255 characters")),
);

/**
 * Stores the changes of one call in the site's outbox and answers a receipt per order, in input order.
 * Every authenticated way into the gateway ends here. `input` is the contract's parsed input.
 *
 * @example
 * const outcome = await accept(caller, "create", ordersCreateInput.parse(memoExampleOrder));
 * if (outcome.ok) console.log(outcome.value.receipts[0].state); // "queued"
 */
export async function accept<T extends OrderCreate | OrderUpdate | OrderDelete>(
  caller: OrderCaller,
  kind: ChangeKind,
  input: T | T[] | Call<T>,
): Promise<Outcome<{ receipts: Receipt[] }>> {
  const key = idempotencyKey.safeParse(caller.idempotencyKey);
  if (!key.success) return { ok: false, error: { kind: "invalid", message: key.error.issues[0]!.message } };
  const call = toCall(input);
  const tooMany = tooManyOrders(call, caller.settings);
  if (tooMany) return { ok: false, error: tooMany };
  const { maxWaitMs } = caller.settings.delivery;
  if (call.wait !== undefined && call.wait > maxWaitMs) {
    // Held for less than asked, a caller would take "queued" for a slow Calltouch: the limit is said instead.
    const fieldErrors = [fieldError(["wait"], `at most ${maxWaitMs} ms here (WAIT_MAX_MS)`)];
    return { ok: false, error: { kind: "invalid", message: invalidInputMessage(fieldErrors), fieldErrors } };
  }
  const { site, keyId } = caller.principal;
  const result = await enqueue(caller.env, {
    site,
    kind,
    origin: "deal",
    orders: call.orders,
    requestId: caller.requestId,
    caller: keyId,
    ...(key.data === undefined ? {} : { idempotencyKey: key.data }),
    ...(call.wait === undefined ? {} : { waitMs: call.wait }),
  });
  if (!result.ok) return { ok: false, error: { kind: "conflict", message: result.error.message } };
  return { ok: true, value: { receipts: result.value } };
}

/**
 * Queues the deletion of deals in Calltouch, each in order with the deal's other changes; once a delete
 * is delivered, the ledger forgets the deal, so that a later create creates it again.
 *
 * @example const outcome = await acceptDeletes(caller, ordersDeleteInput.parse({ orderNumbers: ["42"] }));
 */
export function acceptDeletes(caller: OrderCaller, input: { orderNumbers: string[]; wait?: number | undefined }) {
  const orders: OrderDelete[] = input.orderNumbers.map((orderNumber) => ({ orderNumber }));
  return accept(caller, "delete", input.wait === undefined ? { orders } : { orders, wait: input.wait });
}

/**
 * Erases what the gateway holds of these deals' personal data, on request (the changes' inputs and
 * Calltouch's texts, queued changes cancelled, idempotency records that point at them); refused with
 * `conflict` while a change of one is being sent.
 *
 * @example const outcome = await purgeDeals(caller, ["42"]); // outcome.value.purged[0].changes === 3
 */
export async function purgeDeals(caller: Pick<OrderCaller, "env" | "principal">, orderNumbers: string[]): Promise<Outcome<Purged>> {
  const result = await outboxOf(caller.env, caller.principal.site).purge(orderNumbers);
  return result.ok
    ? { ok: true, value: { purged: result.value } }
    : { ok: false, error: { kind: "conflict", message: result.error.message } };
}

/**
 * A refusal of a call of more orders than one call may carry (`MAX_ORDERS_PER_CALL`), counted as sent:
 * one order, a list, `{ orders }`, a delete's `{ orderNumbers }`, or a dry run's `{ create }` /
 * `{ update }` of any of them. Doors count
 * before the schema reads a single order, so that too many is too large (413, with the limit), not a
 * list refused as invalid.
 *
 * @example const tooMany = tooManyOrders(await getRawInput(), ctx.settings); if (tooMany) throw …;
 */
export function tooManyOrders(input: unknown, settings: Pick<Settings, "maxOrdersPerCall">): OrderFailure | undefined {
  const count = ordersIn(input);
  const max = settings.maxOrdersPerCall;
  return count > max ? { kind: "too_large", message: `At most ${max} orders per call; this one has ${count}` } : undefined;
}

function ordersIn(input: unknown): number {
  if (Array.isArray(input)) return input.length;
  if (typeof input !== "object" || input === null) return 1;
  const { orders, orderNumbers, create, update } = input as {
    orders?: unknown;
    orderNumbers?: unknown;
    create?: unknown;
    update?: unknown;
  };
  if (Array.isArray(orders)) return orders.length;
  if (Array.isArray(orderNumbers)) return orderNumbers.length;
  return create !== undefined ? ordersIn(create) : update !== undefined ? ordersIn(update) : 1;
}

/**
 * The Calltouch orders a call would become, now, without storing or sending anything: the same rules as
 * the call itself (validation, defaults, the ledger's create-as-update), compiled by the same code.
 * Whether a create would go as an update tells whether Calltouch holds the deal, which only a key that
 * may read deals (`orders:read`) may learn: any other key sees each order compiled as the kind it asked
 * for, without `sentAs`.
 *
 * @example const { orders } = await preview(caller, "create", ordersCreateInput.parse(memoExampleOrder)); // orders[0].sentAs === "create"
 */
export async function preview<T extends OrderCreate | OrderUpdate>(
  caller: OrderCaller,
  kind: "create" | "update",
  input: T | T[] | Call<T>,
): Promise<DryRunResult> {
  const { orders } = toCall(input);
  const reader = allows(caller.principal, "orders:read");
  const known = new Set(
    kind === "create" && reader ? await outboxOf(caller.env, caller.principal.site).known(orders.map((order) => order.orderNumber)) : [],
  );
  const now = new Date();
  return {
    orders: orders.map((order) => {
      // A create or an update is sent as one of the two, never as a delete.
      const sentAs = sendAs(kind, known.has(order.orderNumber)) as "create" | "update";
      const calltouch = compileChange(kind, sentAs, order, caller.settings.calltouch, now) as DryRunResult["orders"][number]["calltouch"];
      return reader ? { orderNumber: order.orderNumber, sentAs, calltouch } : { orderNumber: order.orderNumber, calltouch };
    }),
  };
}

/**
 * {@link preview} of a parsed `dryRunInput`: `orders.validate` and `POST /v1/orders:validate`.
 *
 * @example const { orders } = await dryRun(caller, dryRunInput.parse({ update: { orderNumber: "42", status: "Оплачено" } }));
 */
export function dryRun(caller: OrderCaller, input: DryRunInput): Promise<DryRunResult> {
  return "create" in input ? preview(caller, "create", input.create) : preview(caller, "update", input.update);
}

/**
 * What became of each deal of the caller's site: the state of its latest change (`unknown` when the
 * gateway never accepted one), Calltouch's id and its history.
 *
 * @example const [deal] = await statusOf(caller, ["42"]); // deal.state === "delivered"
 */
export function statusOf(caller: Pick<OrderCaller, "env" | "principal">, orderNumbers: string[]): Promise<OrderStatus[]> {
  return outboxOf(caller.env, caller.principal.site).status(orderNumbers);
}

/**
 * Stores one lead of a public key (a website form, `leads.submit`) in its site's outbox. The door has
 * validated it and given it its key's defaults; idempotency and waiting are not offered to leads. A lead
 * is only ever sent as a create and never touches a deal Calltouch holds: if the ledger knows its order
 * number, it dies with the reason instead of becoming an update.
 *
 * @example const [receipt] = await acceptLead({ env, requestId, site: key.site, keyId: key.id }, order);
 */
export async function acceptLead(
  caller: { env: Env; requestId: string; site: string; keyId: string },
  order: OrderCreate,
): Promise<Outcome<Receipt>> {
  const result = await enqueue(caller.env, {
    site: caller.site,
    kind: "create",
    origin: "lead",
    orders: [order],
    requestId: caller.requestId,
    caller: caller.keyId,
  });
  return result.ok ? { ok: true, value: result.value[0]! } : { ok: false, error: { kind: "conflict", message: result.error.message } };
}
