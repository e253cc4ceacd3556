/**
 * The inputs of the procedures besides `orders.create` and `orders.update` (whose orders are `order.ts`'s):
 * the dry run, status look-ups and operators' delivery procedures.
 */

import { atMost, required, string } from "./fields/field";
import { normalizeOrderNumber, orderNumber } from "./fields/id";
import { say } from "./fields/say";
import { strict } from "./fields/strict";
import { MAX_ORDERS_PER_CALL } from "./limits";
import { callWait, ordersCreateInput, ordersUpdateInput } from "./order";
import { CHANGE_STATES } from "./outputs";
import * as z from "./zod";

// Looked up as stored: normalized as `orderNumber` is, so that an id typed in another Unicode form finds its deal.
const orderNumbers = z.array(required(string, normalizeOrderNumber)).check(z.maxLength(MAX_ORDERS_PER_CALL));

/**
 * The input of a dry run (`orders.validate`, `POST /v1/orders:validate`): `{ create: input }` or
 * `{ update: input }`, each the input of the call itself.
 *
 * @example dryRunInput.parse({ create: memoExampleOrder })
 */
export const dryRunInput = z.union([z.strictObject({ create: ordersCreateInput }), z.strictObject({ update: ordersUpdateInput })]);
export type DryRunInput = z.output<typeof dryRunInput>;

/**
 * The input of `orders.status`: the deals to look up.
 *
 * @example orderStatusInput.parse({ orderNumbers: ["42"] })
 */
export const orderStatusInput = z.strictObject({ orderNumbers: orderNumbers.check(z.minLength(1)) });

/**
 * The input of `deliveries.list`: the site's changes in one state, oldest first; page with `after` (the
 * last `changeId` seen).
 *
 * @example changeListInput.parse({ state: "dead" }) // { state: "dead", limit: 100, after: 0 }
 */
export const changeListInput = z.strictObject({
  state: z.enum(CHANGE_STATES),
  limit: z._default(z.int().check(z.minimum(1), z.maximum(1000)), 100),
  after: z._default(z.int().check(z.minimum(0)), 0),
});
export type ChangeListInput = z.output<typeof changeListInput>;

/**
 * The input of `deliveries.replay`: dead changes by id, by deal, or both.
 *
 * @example replayInput.parse({ changeIds: [17, 18] })
 */
export const replayInput = z
  .strictObject({
    changeIds: z.optional(z.array(z.int().check(z.minimum(1))).check(z.maxLength(MAX_ORDERS_PER_CALL))),
    orderNumbers: z.optional(orderNumbers),
  })
  .check(
    z.refine((selector) => (selector.changeIds?.length ?? 0) + (selector.orderNumbers?.length ?? 0) > 0, {
      error: () =>
        say(
          "name the changes to replay: changeIds, orderNumbers or both",
          "назовите изменения для повтора: changeIds, orderNumbers или оба",
        ),
    }),
  );
export type ReplayInput = z.output<typeof replayInput>;

/**
 * The input of `orders.delete`: the deals to delete in Calltouch (`client-order/delete`), each queued in
 * order with the deal's other changes; `wait` as in `orders.create`.
 *
 * @example ordersDeleteInput.parse({ orderNumbers: ["42", 43] }) // { orderNumbers: ["42", "43"] }
 */
export const ordersDeleteInput = strict({
  orderNumbers: z
    .array(orderNumber)
    .check(
      z.minLength(1, { error: () => say("give at least one orderNumber", "передайте хотя бы один orderNumber") }),
      z.maxLength(MAX_ORDERS_PER_CALL, atMost(MAX_ORDERS_PER_CALL, "orderNumbers per call", "orderNumbers за вызов")),
    ),
  wait: callWait,
});
export type OrdersDeleteInput = z.output<typeof ordersDeleteInput>;

/**
 * A change that deletes a deal, as the outbox stores it.
 *
 * @example const order: OrderDelete = { orderNumber: "42" };
 */
export interface OrderDelete {
  orderNumber: string;
}

/**
 * The input of `deliveries.forget` (admin): the deals whose ledger entry to clear, so that a create of them
 * goes as a create again (after the deal was deleted in Calltouch by hand, say).
 *
 * @example forgetInput.parse({ orderNumbers: ["42"] })
 */
export const forgetInput = z.strictObject({ orderNumbers: orderNumbers.check(z.minLength(1)) });

/**
 * The input of `orders.purge` (admin): the deals whose personal data the gateway erases on request.
 *
 * @example purgeInput.parse({ orderNumbers: ["42"] })
 */
export const purgeInput = z.strictObject({ orderNumbers: orderNumbers.check(z.minLength(1)) });
