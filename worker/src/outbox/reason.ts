/**
 * The reason a dead letter is grouped by: Calltouch's text (or the gateway's) with what differs from one
 * deal to the next masked, so that the same refusal of many deals is one group for an operator.
 */

const MAX_REASON_LENGTH = 300;

/**
 * Masks quoted values and numbers: `Order with orderNumber "crm-2" not found` and `… "crm-7" not found`
 * group together. Only for grouping: the change keeps Calltouch's text as it came (masked for phones).
 *
 * @example reasonOf('Order with orderNumber "crm-2" not found') // 'Order with orderNumber "…" not found'
 */
export function reasonOf(text: string): string {
  return text
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
    .replace(/«[^»]*»/g, "«…»")
    .replace(/'[^'\s][^']*'/g, "'…'")
    .replace(/\d+(?:[.,]\d+)*/g, "#")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, MAX_REASON_LENGTH);
}
