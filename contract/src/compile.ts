import type { CompileSettings } from "./compile-settings";
import { definedFields, withoutUndefined } from "./defined";
import { type DealDate, formatSiteTime, toSiteTime } from "./fields/date";
import { compileMatching, hasMatchingInput } from "./matching";
import type { OrderCreate, OrderUpdate } from "./order";
import type { CalltouchCreateOrder, CalltouchOrderFields, CalltouchTag, CalltouchUpdateOrder } from "./wire";

export type { CompileSettings } from "./compile-settings";

/**
 * The zone of Calltouch site time when the gateway is not told otherwise.
 *
 * @example const settings: CompileSettings = { timeZone: env.CALLTOUCH_TIME_ZONE ?? DEFAULT_TIME_ZONE };
 */
export const DEFAULT_TIME_ZONE = "Europe/Moscow";

/**
 * The status of a created deal whose caller gave none. Calltouch may require `status` on create (it is not
 * documented which of `status`, `statusDate` and `orderDate` it requires), so create always sends one.
 *
 * @example compileCreate(order, { timeZone: "Europe/Moscow", defaultStatus: DEFAULT_STATUS }, new Date())
 */
export const DEFAULT_STATUS = "Новая";

/**
 * Compiles a validated order of `orders.create` to Calltouch's create order. `orderDate` is the order's
 * or else `acceptedAt`; `statusDate` is the order's or else `orderDate`; both are always sent, in site
 * time. `status` is the order's or else `settings.defaultStatus`; every other field is sent only when the
 * caller set it.
 *
 * @example compileCreate(orderCreateInput.parse(memoExampleOrder), { timeZone: "Europe/Moscow" }, new Date())
 */
export function compileCreate(order: OrderCreate, settings: CompileSettings, acceptedAt: Date): CalltouchCreateOrder {
  const siteTime = siteTimeOf(settings.timeZone, acceptedAt);
  const orderDate = siteTime(order.orderDate);
  return definedFields({
    ...sharedFields(order),
    status: order.status ?? settings.defaultStatus ?? DEFAULT_STATUS,
    matching: compileMatching(order, orderDate, settings),
    orderDate,
    statusDate: order.statusDate === undefined ? orderDate : siteTime(order.statusDate),
    comment: order.comment === undefined ? undefined : { text: order.comment },
    addTags: order.tags?.map(toTag),
  });
}

/**
 * Compiles a validated order of `orders.update` to Calltouch's update order: only what the caller set.
 * `status` without `statusDate` is dated `acceptedAt`. Matching inputs become `reMatching`, searching back
 * from the order's `orderDate` or else `acceptedAt`.
 *
 * @example
 * const change = orderUpdateInput.parse({ orderNumber: "42", status: "Оплачено" });
 * compileUpdate(change, { timeZone: "Europe/Moscow" }, new Date()) // { orderNumber: "42", status: "Оплачено", statusDate: "…" }
 */
export function compileUpdate(order: OrderUpdate, settings: CompileSettings, acceptedAt: Date): CalltouchUpdateOrder {
  const siteTime = siteTimeOf(settings.timeZone, acceptedAt);
  return definedFields({
    ...sharedFields(order),
    statusDate: order.statusDate !== undefined || order.status !== undefined ? siteTime(order.statusDate) : undefined,
    updateDate: order.updateDate === undefined ? undefined : siteTime(order.updateDate),
    leadManager: order.leadManager && { manager: order.leadManager.manager, overwrite: order.leadManager.overwrite ?? false },
    addNewComment: order.comment === undefined ? undefined : { text: order.comment },
    addTags: order.tags && { overwrite: order.tagsOverwrite ?? false, tags: order.tags.map(toTag) },
    reMatching: hasMatchingInput(order) ? compileMatching(order, siteTime(order.orderDate), settings) : undefined,
  });
}

/**
 * Compiles a create for a deal Calltouch already holds as an update of it: the create's fields in
 * update's shape, without re-matching (the deal keeps the lead it was matched to) and without
 * `orderDate`, which update does not take. The gateway sends a create this way when its ledger knows
 * the deal, or when Calltouch answered the create with "already exists".
 *
 * @example compileCreateAsUpdate(orderCreateInput.parse({ orderNumber: "42", status: "Оплачено" }), settings, new Date())
 */
export function compileCreateAsUpdate(order: OrderCreate, settings: CompileSettings, acceptedAt: Date): CalltouchUpdateOrder {
  const { phones, emails, sessionId, callId, requestId, source, matching, orderDate, ...fields } = order;
  // A create's status dates from the deal unless told otherwise; an update's from the moment of acceptance.
  const statusDate = fields.statusDate ?? (fields.status === undefined ? undefined : orderDate);
  return compileUpdate({ ...fields, statusDate }, settings, acceptedAt);
}

/** A date of the order in site time, or the acceptance time when the order gives none. */
function siteTimeOf(timeZone: string, acceptedAt: Date): (date: DealDate | undefined) => string {
  return (date) => (date === undefined ? formatSiteTime(acceptedAt, timeZone) : toSiteTime(date, timeZone));
}

/** The fields that create and update send the same way. */
function sharedFields(order: OrderCreate | OrderUpdate): CalltouchOrderFields {
  const { addTagsToLead, addCustomFieldsToLead } = order;
  return {
    orderNumber: order.orderNumber,
    status: order.status,
    funnel: order.funnel,
    currency: order.currency,
    revenue: order.revenue,
    margin: order.margin,
    manager: order.manager,
    orderLink: order.orderLink,
    orderName: order.orderName,
    addTagsToLead: addTagsToLead && { overwrite: addTagsToLead.overwrite ?? false, tags: addTagsToLead.tags.map(toTag) },
    customFields: order.customFields,
    addCustomFieldsToLead: addCustomFieldsToLead && {
      overwrite: addCustomFieldsToLead.overwrite ?? false,
      customFields: addCustomFieldsToLead.customFields,
    },
    products: withoutUndefined(order.products),
    orderContacts: withoutUndefined(order.orderContacts),
  };
}

function toTag(tag: string): CalltouchTag {
  return { tag };
}
