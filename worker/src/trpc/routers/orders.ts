import {
  dryRunInput,
  orderStatusInput,
  ordersCreateInput,
  ordersDeleteInput,
  ordersUpdateInput,
  purgeInput,
} from "@calltouch-gateway/contract";
import { TRPCError } from "@trpc/server";
import type { ZodMiniType } from "zod/mini";
import { accept, acceptDeletes, dryRun, type OrderFailure, type Outcome, purgeDeals, statusOf, tooManyOrders } from "../../services/orders";
import { invalidFields, router, scopedInput } from "../trpc";

const CODES = { invalid: "BAD_REQUEST", too_large: "PAYLOAD_TOO_LARGE", conflict: "CONFLICT" } as const satisfies Record<
  OrderFailure["kind"],
  TRPCError["code"]
>;

/** The result of an order function, or its failure thrown as the matching tRPC error. */
function orThrow<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  if (outcome.error.fieldErrors) throw invalidFields(outcome.error.fieldErrors);
  throw new TRPCError({ code: CODES[outcome.error.kind], message: outcome.error.message });
}

/** A call of deals (or of deletes), whose orders are counted before its schema reads them: too many is a 413 with the limit. */
const writer = <S extends ZodMiniType>(schema: S) =>
  scopedInput("orders:write", schema, (rawInput, ctx) => {
    const tooMany = tooManyOrders(rawInput, ctx.settings);
    return tooMany && new TRPCError({ code: CODES[tooMany.kind], message: tooMany.message });
  });

/** Deals: create them at their first stage, update them at every later change, and follow them. */
export const ordersRouter = router({
  /**
   * Accepts one deal or up to 1000 for creation; answers a receipt per deal (state `queued`, or later
   * states when the call asked to `wait`).
   */
  create: writer(ordersCreateInput).mutation(async ({ input, ctx }) => orThrow(await accept(ctx, "create", input))),

  /** Accepts changes of one deal or up to 1000 (only the fields given change); a receipt per deal. */
  update: writer(ordersUpdateInput).mutation(async ({ input, ctx }) => orThrow(await accept(ctx, "update", input))),

  /**
   * A dry run of `create` (`{ create: input }`) or `update` (`{ update: input }`): the Calltouch JSON each
   * order would be sent as (and whether as a create or an update), or the same 400 the call would get.
   * A mutation although it changes nothing: a thousand orders do not fit in a query's URL.
   */
  validate: writer(dryRunInput).mutation(({ input, ctx }) => dryRun(ctx, input)),

  /** What became of each deal: the state of its latest change, Calltouch's id, what the ledger believes, and its history. */
  status: scopedInput("orders:read", orderStatusInput).query(async ({ input, ctx }) => ({
    orders: await statusOf(ctx, input.orderNumbers),
  })),

  /** Deletes deals in Calltouch (`{ orderNumbers, wait? }`), each in order with its other changes; a receipt per deal. */
  delete: writer(ordersDeleteInput).mutation(async ({ input, ctx }) => orThrow(await acceptDeletes(ctx, input))),

  /** Erases what the gateway holds of these deals' personal data, on request (admin). */
  purge: scopedInput("admin", purgeInput).mutation(async ({ input, ctx }) => orThrow(await purgeDeals(ctx, input.orderNumbers))),
});
