import * as z from "zod";
import { outboxOf } from "../../outbox/site";
import { CHANGE_STATES, type ChangeRecord, type DeliveryStats } from "../../outbox/types";
import { router, scopedProcedure } from "../trpc";

/**
 * For operators: what waits, what died and why, and putting dead changes back on their way. Outputs are
 * annotated: the outbox's RPC stub types its answers as disposable, which they are not once sent as JSON.
 */
export const deliveriesRouter = router({
  /** The site's changes in one state, oldest first; page with `after` (the last `changeId` seen). */
  list: scopedProcedure("orders:read")
    .input(
      z.strictObject({
        state: z.enum(CHANGE_STATES),
        limit: z.int().min(1).max(1000).default(100),
        after: z.int().min(0).default(0),
      }),
    )
    .query(async ({ input, ctx }): Promise<{ changes: ChangeRecord[]; next?: number }> => {
      const changes = await outboxOf(ctx.env, ctx.principal.site).list(input.state, input.limit, input.after);
      return { changes, ...(changes.length === input.limit ? { next: changes.at(-1)!.changeId } : {}) };
    }),

  /** Sends dead changes again, with a fresh retry budget; answers the ids that were dead and now wait. */
  replay: scopedProcedure("admin")
    .input(
      z
        .strictObject({
          changeIds: z.array(z.int().min(1)).max(1000).optional(),
          orderNumbers: z.array(z.string().trim().min(1).max(255)).max(1000).optional(),
        })
        .refine((selector) => (selector.changeIds?.length ?? 0) + (selector.orderNumbers?.length ?? 0) > 0, {
          error: "name the changes to replay: changeIds, orderNumbers or both",
        }),
    )
    .mutation(
      async ({ input, ctx }): Promise<{ replayed: number[] }> => ({
        replayed: await outboxOf(ctx.env, ctx.principal.site).replay(input),
      }),
    ),

  /** Counts by state, the age of the oldest queued change, and why delivery is paused, if it is. */
  stats: scopedProcedure("orders:read").query(({ ctx }): Promise<DeliveryStats> => outboxOf(ctx.env, ctx.principal.site).stats()),

  /** Lifts a pause caused by an auth refusal, once the configuration is fixed on Calltouch's side. */
  resume: scopedProcedure("admin").mutation(
    async ({ ctx }): Promise<{ resumed: boolean }> => ({
      resumed: await outboxOf(ctx.env, ctx.principal.site).resume(),
    }),
  ),
});
