/**
 * The inputs of the procedures besides `orders.create` and `orders.update` (whose orders are `order.ts`'s):
 * the dry run, status look-ups and operators' delivery procedures.
 */
import * as z from "zod";
import { required, string } from "./fields/field";
import { normalizeOrderNumber } from "./fields/id";
import { MAX_ORDERS_PER_CALL } from "./limits";
import { ordersCreateInput, ordersUpdateInput } from "./order";
import { CHANGE_STATES } from "./outputs";

// Looked up as stored: normalized as `orderNumber` is, so that an id typed in another Unicode form finds its deal.
const orderNumbers = z.array(required(string, normalizeOrderNumber)).max(MAX_ORDERS_PER_CALL);

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
export const orderStatusInput = z.strictObject({ orderNumbers: orderNumbers.min(1) });

/**
 * The input of `deliveries.list`: the site's changes in one state, oldest first; page with `after` (the
 * last `changeId` seen).
 *
 * @example changeListInput.parse({ state: "dead" }) // { state: "dead", limit: 100, after: 0 }
 */
export const changeListInput = z.strictObject({
  state: z.enum(CHANGE_STATES),
  limit: z.int().min(1).max(1000).default(100),
  after: z.int().min(0).default(0),
});
export type ChangeListInput = z.output<typeof changeListInput>;

/**
 * The input of `deliveries.replay`: dead changes by id, by deal, or both.
 *
 * @example replayInput.parse({ changeIds: [17, 18] })
 */
export const replayInput = z
  .strictObject({
    changeIds: z.array(z.int().min(1)).max(MAX_ORDERS_PER_CALL).optional(),
    orderNumbers: orderNumbers.optional(),
  })
  .refine((selector) => (selector.changeIds?.length ?? 0) + (selector.orderNumbers?.length ?? 0) > 0, {
    error: "name the changes to replay: changeIds, orderNumbers or both",
  });
export type ReplayInput = z.output<typeof replayInput>;
