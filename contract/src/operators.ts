/**
 * What operators see of a site (the console, `GET /v1/deliveries/…`, `calltouch-gateway deliveries`): its
 * numbers with a day of per-minute counts, its dead letters grouped by reason, and the deals found by a
 * phone. Schemas, so that the OpenAPI document describes exactly these shapes.
 */

import { replayInput } from "./inputs";
import { changeRecord, deliveryStats, orderStatus } from "./outputs";
import * as z from "./zod";

/** The events the outbox counts per minute. */
export const MINUTE_EVENTS = ["delivered", "dead", "retried"] as const;
/** @example const event: MinuteEvent = "retried"; */
export type MinuteEvent = (typeof MINUTE_EVENTS)[number];

/**
 * A site's numbers for an operator: `deliveries.stats`, the changes delivered since midnight (site time),
 * and per minute over the last 24 hours how many were delivered, died, or went back to wait after an attempt.
 *
 * @example { site: "12345", queued: 3, …, deliveredToday: 812, perMinute: { from: "2026-11-28T13:16:00.000Z", delivered: [0, 4, …], dead: […], retried: […] } }
 */
export const siteOverview = z.extend(deliveryStats, {
  site: z.string().check(z.describe("The Calltouch site id")),
  deliveredToday: z.int().check(z.minimum(0), z.describe("Changes delivered since midnight in CALLTOUCH_TIME_ZONE")),
  perMinute: z
    .object({
      from: z
        .string()
        .check(z.describe("The first minute (ISO 8601); each array holds 1,440 minutes from it, the last is the current one")),
      delivered: z.array(z.int().check(z.minimum(0))),
      dead: z.array(z.int().check(z.minimum(0))).check(z.describe("Refused by Calltouch for the order, or given up")),
      retried: z
        .array(z.int().check(z.minimum(0)))
        .check(z.describe("Sent back to wait after an attempt: no answer, a 5xx, a slow-down, a split batch")),
    })
    .check(z.describe("Counts per minute over the last 24 hours, kept by the outbox itself")),
});
export type SiteOverview = z.output<typeof siteOverview>;

/**
 * Dead letters of one reason: Calltouch's refusal (or the gateway's last failure) with quoted values and
 * numbers masked, so that the same refusal of many deals is one group.
 *
 * @example { reason: 'Order with orderNumber "…" not found', count: 300, latestAt: "2026-11-28T21:03:11.209Z" }
 */
export const deadReason = z.object({
  reason: z.string(),
  count: z.int().check(z.minimum(1)),
  latestAt: z.string().check(z.describe("When the last of them died (ISO 8601)")),
});
export type DeadReason = z.output<typeof deadReason>;

/** A site's dead letters grouped by reason, the largest group first. */
export const deadReasons = z.object({ reasons: z.array(deadReason) });
export type DeadReasons = z.output<typeof deadReasons>;

/**
 * A dead change with what it went as: the Calltouch JSON of its order (compiled again from the stored
 * change, as the flusher compiles it) and the answer (`error`).
 */
export const deadLetter = z.extend(changeRecord, {
  reason: z.string(),
  sent: z.record(z.string(), z.unknown()).check(z.describe("The order's Calltouch JSON as it was sent")),
});
export type DeadLetter = z.output<typeof deadLetter>;

/** A page of one reason's dead letters, oldest first; `next` is the `after` of the following page. */
export const deadLetterPage = z.object({ letters: z.array(deadLetter), next: z.optional(z.int()) });
export type DeadLetterPage = z.output<typeof deadLetterPage>;

/** The deals whose changes carry a phone, each as `orders.status` shows it, the most recent first. */
export const dealsFound = z.object({ orders: z.array(orderStatus) });
export type DealsFound = z.output<typeof dealsFound>;

/**
 * The input of `POST /v1/deliveries:replay`: dead changes by id or deal (as `deliveries.replay`), or every
 * dead letter of one reason (as `GET /v1/deliveries/dead-reasons` names it).
 *
 * @example deliveriesReplayInput.parse({ reason: 'Order with orderNumber "…" not found' })
 */
export const deliveriesReplayInput = z.union([z.strictObject({ reason: z.string().check(z.minLength(1), z.maxLength(300)) }), replayInput]);
export type DeliveriesReplayInput = z.output<typeof deliveriesReplayInput>;
