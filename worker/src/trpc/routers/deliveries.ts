import { type ChangePage, changeListInput, type DeliveryStats, replayInput } from "@calltouch-gateway/contract";
import { deliveryStatsOf, listChanges, replayChanges, resumeDelivery } from "../../services/deliveries";
import { router, scopedProcedure } from "../trpc";

/**
 * For operators: what waits, what died and why, and putting dead changes back on their way. Outputs are
 * annotated: the outbox's RPC stub types its answers as disposable, which they are not once sent as JSON.
 */
export const deliveriesRouter = router({
  /** The site's changes in one state, oldest first; page with `after` (the last `changeId` seen). */
  list: scopedProcedure("orders:read")
    .input(changeListInput)
    .query(({ input, ctx }): Promise<ChangePage> => listChanges(ctx, input)),

  /** Sends dead changes again, with a fresh retry budget; answers the ids that were dead and now wait. */
  replay: scopedProcedure("admin")
    .input(replayInput)
    .mutation(({ input, ctx }): Promise<{ replayed: number[] }> => replayChanges(ctx, input)),

  /** Counts by state, the age of the oldest queued change, and why delivery is paused, if it is. */
  stats: scopedProcedure("orders:read").query(({ ctx }): Promise<DeliveryStats> => deliveryStatsOf(ctx)),

  /** Lifts a pause caused by an auth refusal, once the configuration is fixed on Calltouch's side. */
  resume: scopedProcedure("admin").mutation(({ ctx }): Promise<{ resumed: boolean }> => resumeDelivery(ctx)),
});
