/**
 * The deliveries service: what operators may see and do of a site's outbox (its records, its counts,
 * replaying dead changes, lifting a pause), whichever door they come through. Doors never reach the
 * outbox but through here and the orders service.
 */
import {
  type ChangeListInput,
  type ChangePage,
  canonicalPhone,
  type DeadLetter,
  type DeadLetterPage,
  type DeadReasons,
  type DealsFound,
  type DeliveryStats,
  type Forgotten,
  normalizeOrderNumber,
  type Replayed,
  type ReplayInput,
  type SiteOverview,
} from "@calltouch-gateway/contract";
import * as z from "zod/mini";
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

/**
 * The site's numbers with a day of per-minute counts (delivered, dead, retried), and the changes delivered
 * since midnight in `timeZone` (the site's, `CALLTOUCH_TIME_ZONE`).
 *
 * @example const overview = await overviewOf(caller, settings.calltouch.timeZone);
 */
export function overviewOf(caller: DeliveriesCaller, timeZone: string): Promise<SiteOverview> {
  const now = Date.now();
  return outboxOf(caller.env, caller.principal.site).overview(caller.principal.site, now - sinceMidnight(now, timeZone));
}

/**
 * The site's dead letters grouped by reason (quoted values and numbers masked), the largest group first.
 *
 * @example const { reasons } = await deadReasonsOf(caller);
 */
export async function deadReasonsOf(caller: DeliveriesCaller): Promise<DeadReasons> {
  return { reasons: await outboxOf(caller.env, caller.principal.site).deadReasons() };
}

/**
 * A page of one reason's dead letters, oldest first, each with the Calltouch JSON it went as.
 *
 * @example const { letters, next } = await deadLettersOf(caller, reason, { limit: 50, after: 0 });
 */
export async function deadLettersOf(
  caller: DeliveriesCaller,
  reason: string,
  page: { limit: number; after: number },
): Promise<DeadLetterPage> {
  // RPC types cannot say that `sent` is plain JSON (an `unknown` crosses as `never`); it is, compiled by the contract.
  const letters = (await outboxOf(caller.env, caller.principal.site).deadLetters(
    reason,
    page.limit,
    page.after,
  )) as unknown as DeadLetter[];
  return { letters, ...(letters.length === page.limit ? { next: letters.at(-1)!.changeId } : {}) };
}

/**
 * Replays every dead letter of one reason (as `replayChanges` does each).
 *
 * @example const { replayed } = await replayReason(caller, 'Order with orderNumber "…" not found');
 */
export function replayReason(caller: DeliveriesCaller, reason: string): Promise<Replayed> {
  return outboxOf(caller.env, caller.principal.site).replayReason(reason);
}

/** The most deals a search answers. */
export const MAX_DEALS_FOUND = 20;

/**
 * The deals an operator's words name: a deal by its number, and the deals whose changes carry the phone
 * the words read as (normalized as the contract stores phones), each as `orders.status` tells it.
 *
 * @example const { orders } = await findDeals(caller, "8 915 777-11-22");
 */
export async function findDeals(caller: DeliveriesCaller, words: string): Promise<DealsFound> {
  const outbox = outboxOf(caller.env, caller.principal.site);
  const orderNumber = z.pipe(z.string(), z.transform(normalizeOrderNumber)).safeParse(words);
  const phone = words.replace(/\D/g, "").length >= 7 ? canonicalPhone(words.trim()) : null;
  const [byNumber, byPhone] = await Promise.all([
    orderNumber.success && orderNumber.data !== "" ? outbox.status([orderNumber.data]) : [],
    phone === null ? [] : outbox.dealsWithPhone(phone, MAX_DEALS_FOUND),
  ]);
  const found = [...byNumber.filter((status) => status.state !== "unknown"), ...byPhone];
  const seen = new Set<string>();
  return { orders: found.filter((status) => !seen.has(status.orderNumber) && seen.add(status.orderNumber)).slice(0, MAX_DEALS_FOUND) };
}

/** Milliseconds since midnight in a time zone (whole seconds: Intl tells no more). */
function sinceMidnight(now: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
    hourCycle: "h23",
  }).formatToParts(now);
  const part = (type: string) => Number(parts.find((one) => one.type === type)?.value ?? 0);
  return ((part("hour") * 60 + part("minute")) * 60 + part("second")) * 1000 + (now % 1000);
}

/**
 * When each key last had a change accepted on the caller's site (to the minute), by key id: what the
 * console's keys view shows as last used.
 *
 * @example const used = await keyUseOf(caller); used["crm"] // 1796000000000
 */
export function keyUseOf(caller: DeliveriesCaller): Promise<Record<string, number>> {
  return outboxOf(caller.env, caller.principal.site).keyUse();
}
