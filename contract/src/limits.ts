/**
 * How many orders one `orders.create` / `orders.update` call may carry. Calltouch takes 100 per request;
 * the gateway batches upstream, so a caller may hand over a CRM's whole export in ten times that.
 *
 * @example ordersCreateInput.parse(Array.from({ length: MAX_ORDERS_PER_CALL + 1 }, () => order)); // throws
 */
export const MAX_ORDERS_PER_CALL = 1000;

/**
 * The size limits of the public input, in one place so that docs and tests quote the same numbers.
 * Lengths are in characters after trimming; list sizes count the items as given (blanks and repeats too).
 *
 * @example LIMITS.text // 255: status, funnel, manager, orderName, a tag, …
 */
export const LIMITS = {
  /** `orderNumber`, the CRM's own deal id. */
  orderNumber: 255,
  /** Short free text: status, funnel, manager, orderName, tags, custom field names, product fields. */
  text: 255,
  /** A comment or a custom field's value. */
  longText: 10_000,
  /** `orderLink`. */
  url: 2048,
  /** Phones or e-mails of one list. */
  contacts: 20,
  /** Tags of one list. */
  tags: 100,
  /** `customFields` and `addCustomFieldsToLead.customFields`. */
  customFields: 100,
  /** `products`. */
  products: 500,
  /** Items of an explicit `matching` list. */
  matching: 20,
  /** A lead's comment: what a visitor writes in a website form. */
  leadComment: 2000,
  /** Custom fields one public key may let its leads set. */
  leadCustomFields: 20,
  /** Fields of one lead as a form posts them (repeats counted): beyond it the gateway reads no further. */
  leadFields: 40,
} as const;
