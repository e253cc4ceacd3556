import {
  type Call,
  type OrderCreate,
  type OrderUpdate,
  ordersCreateInput,
  ordersUpdateInput,
  toCall,
} from "@calltouch-gateway/contract";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import type { ChangeKind } from "../../calltouch/client";
import { compileChange, sendAs } from "../../outbox/compile";
import { outboxOf } from "../../outbox/site";
import type { Receipt } from "../../outbox/types";
import { type Context, router, scopedProcedure } from "../trpc";

const idempotencyKey = z
  .string()
  .trim()
  .min(1)
  .max(255, "the Idempotency-Key header must be at most 255 characters")
  .optional();

/**
 * Stores the changes of one call in the site's outbox and answers a receipt per order, in input order.
 * Every way into the gateway ends here.
 */
async function accept<T extends OrderCreate | OrderUpdate>(
  ctx: Context & { principal: NonNullable<Context["principal"]> },
  kind: ChangeKind,
  input: T | T[] | Call<T>,
): Promise<{ receipts: Receipt[] }> {
  const key = idempotencyKey.safeParse(ctx.idempotencyKey);
  if (!key.success) throw new TRPCError({ code: "BAD_REQUEST", message: key.error.issues[0]!.message });
  const call = toCall(input);
  if (call.orders.length > ctx.settings.maxOrdersPerCall) {
    throw new TRPCError({
      code: "PAYLOAD_TOO_LARGE",
      message: `At most ${ctx.settings.maxOrdersPerCall} orders per call; this one has ${call.orders.length}`,
    });
  }
  const result = await outboxOf(ctx.env, ctx.principal.site).enqueue({
    site: ctx.principal.site,
    kind,
    orders: call.orders,
    requestId: ctx.requestId,
    caller: ctx.principal.keyId,
    ...(key.data === undefined ? {} : { idempotencyKey: key.data }),
    ...(call.wait === undefined ? {} : { waitMs: call.wait }),
  });
  if (!result.ok) throw new TRPCError({ code: "CONFLICT", message: result.conflict });
  return { receipts: result.receipts };
}

/**
 * The Calltouch orders a call would become, now, without storing or sending anything: the same rules as
 * the call itself (validation, defaults, the ledger's create-as-update), compiled by the same code.
 */
async function preview<T extends OrderCreate | OrderUpdate>(
  ctx: Context & { principal: NonNullable<Context["principal"]> },
  kind: ChangeKind,
  input: T | T[] | Call<T>,
) {
  const { orders } = toCall(input);
  const known = new Set(
    kind === "create" ? await outboxOf(ctx.env, ctx.principal.site).known(orders.map((order) => order.orderNumber)) : [],
  );
  const now = new Date();
  return {
    orders: orders.map((order) => {
      const sentAs = sendAs(kind, known.has(order.orderNumber));
      return { orderNumber: order.orderNumber, sentAs, calltouch: compileChange(kind, sentAs, order, ctx.settings.calltouch, now) };
    }),
  };
}

/** Deals: create them at their first stage, update them at every later change, and follow them. */
export const ordersRouter = router({
  /**
   * Accepts one deal or up to 1000 for creation; answers a receipt per deal (state `queued`, or later
   * states when the call asked to `wait`).
   */
  create: scopedProcedure("orders:write").input(ordersCreateInput).mutation(({ input, ctx }) => accept(ctx, "create", input)),

  /** Accepts changes of one deal or up to 1000 (only the fields given change); a receipt per deal. */
  update: scopedProcedure("orders:write").input(ordersUpdateInput).mutation(({ input, ctx }) => accept(ctx, "update", input)),

  /**
   * A dry run of `create` (`{ create: input }`) or `update` (`{ update: input }`): the Calltouch JSON each
   * order would be sent as (and whether as a create or an update), or the same 400 the call would get.
   * A mutation although it changes nothing: a thousand orders do not fit in a query's URL.
   */
  validate: scopedProcedure("orders:write")
    .input(z.union([z.strictObject({ create: ordersCreateInput }), z.strictObject({ update: ordersUpdateInput })]))
    .mutation(({ input, ctx }) => ("create" in input ? preview(ctx, "create", input.create) : preview(ctx, "update", input.update))),

  /** What became of each deal: the state of its latest change, Calltouch's id, and its history. */
  status: scopedProcedure("orders:read")
    .input(z.strictObject({ orderNumbers: z.array(z.string().trim().min(1).max(255)).min(1).max(1000) }))
    .query(async ({ input, ctx }) => ({
      orders: await outboxOf(ctx.env, ctx.principal.site).status(input.orderNumbers),
    })),
});
