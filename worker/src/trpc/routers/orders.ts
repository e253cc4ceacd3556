import { ordersCreateInput, ordersUpdateInput, toList } from "@calltouch-gateway/contract";
import { submitOrders } from "../../orders/submit";
import { authedProcedure, router } from "../trpc";

/** Deals: create them at their first stage, update them at every later change. */
export const ordersRouter = router({
  /** Creates one deal or up to 1000; answers a receipt per deal, in input order. */
  create: authedProcedure.input(ordersCreateInput).mutation(async ({ input, ctx }) => ({
    receipts: await submitOrders({ kind: "create", orders: toList(input) }, ctx.settings),
  })),

  /** Updates one deal or up to 1000 (only the fields given change); a receipt per deal. */
  update: authedProcedure.input(ordersUpdateInput).mutation(async ({ input, ctx }) => ({
    receipts: await submitOrders({ kind: "update", orders: toList(input) }, ctx.settings),
  })),
});
