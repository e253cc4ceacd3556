import {
  type ChangePage,
  changeListInput,
  type DeliveryStats,
  type Forgotten,
  forgetInput,
  type Replayed,
  replayInput,
} from "@calltouch-gateway/contract";
import { deliveryStatsOf, forgetDeals, listChanges, replayChanges, resumeDelivery } from "../../services/deliveries";
import { router, scopedInput, scopedProcedure } from "../trpc";

/**
 * For operators: what waits, what died and why, and putting dead changes back on their way. Outputs are
 * annotated: the outbox's RPC stub types its answers as disposable, which they are not once sent as JSON.
 */
export const deliveriesRouter = router({
  /** The site's changes in one state, oldest first; page with `after` (the last `changeId` seen). */
  list: scopedInput("orders:read", changeListInput).query(({ input, ctx }): Promise<ChangePage> => listChanges(ctx, input)),

  /**
   * Sends dead changes again, with a fresh retry budget, decided again from facts; answers the ids that were
   * dead and now wait, and those refused (a later change of their deal was delivered, which they would overwrite).
   */
  replay: scopedInput("admin", replayInput).mutation(({ input, ctx }): Promise<Replayed> => replayChanges(ctx, input)),

  /** Clears the ledger's belief that Calltouch holds these deals: a create of one goes as a create again. */
  forget: scopedInput("admin", forgetInput).mutation(({ input, ctx }): Promise<Forgotten> => forgetDeals(ctx, input.orderNumbers)),

  /** Counts by state, the age of the oldest queued change, and why delivery is paused, if it is. */
  stats: scopedProcedure("orders:read").query(({ ctx }): Promise<DeliveryStats> => deliveryStatsOf(ctx)),

  /** Lifts a pause caused by an auth refusal, once the configuration is fixed on Calltouch's side. */
  resume: scopedProcedure("admin").mutation(({ ctx }): Promise<{ resumed: boolean }> => resumeDelivery(ctx)),
});
