/**
 * The deliveries service: what operators may see and do of a site's outbox (its records, its counts,
 * replaying dead changes, lifting a pause), whichever door they come through. Doors never reach the
 * outbox but through here and the orders service.
 */
import type { ChangeListInput, ChangePage, DeliveryStats, Forgotten, Replayed, ReplayInput } from "@calltouch-gateway/contract";
import { outboxOf } from "../outbox/site";

/** Whose deliveries: the site of the caller's key. */
export interface DeliveriesCaller {
  env: Env;
  principal: { site: string };
}

/**
 * The site's changes in one state, oldest first; `next` is the `after` of the following page.
 *
 * @example const { changes, next } = await listChanges(caller, { state: "dead", limit: 100, after: 0 });
 */
export async function listChanges(caller: DeliveriesCaller, input: ChangeListInput): Promise<ChangePage> {
  const changes = await outboxOf(caller.env, caller.principal.site).list(input.state, input.limit, input.after);
  return { changes, ...(changes.length === input.limit ? { next: changes.at(-1)!.changeId } : {}) };
}

/**
 * Puts dead changes back on their way with a fresh retry budget, decided again from facts; answers the ids
 * that were dead and now wait, and those refused because a later change of their deal was delivered.
 *
 * @example const { replayed, refused } = await replayChanges(caller, { changeIds: [17] });
 */
export function replayChanges(caller: DeliveriesCaller, input: ReplayInput): Promise<Replayed> {
  return outboxOf(caller.env, caller.principal.site).replay(input);
}

/**
 * Clears what the ledger believes of these deals (that Calltouch holds them), so that a create of one goes
 * as a create again: for a deal deleted in Calltouch by hand. Answers the deals it knew.
 *
 * @example const { forgotten } = await forgetDeals(caller, ["42"]);
 */
export async function forgetDeals(caller: DeliveriesCaller, orderNumbers: string[]): Promise<Forgotten> {
  return { forgotten: await outboxOf(caller.env, caller.principal.site).forget(orderNumbers) };
}

/**
 * Counts by state, the age of the oldest queued change, and why delivery is paused, if it is.
 *
 * @example const { queued, paused } = await deliveryStatsOf(caller);
 */
export function deliveryStatsOf(caller: DeliveriesCaller): Promise<DeliveryStats> {
  return outboxOf(caller.env, caller.principal.site).stats();
}

/**
 * Lifts a pause caused by an auth refusal, once the configuration is fixed on Calltouch's side.
 *
 * @example const { resumed } = await resumeDelivery(caller);
 */
export async function resumeDelivery(caller: DeliveriesCaller): Promise<{ resumed: boolean }> {
  return { resumed: await outboxOf(caller.env, caller.principal.site).resume() };
}
