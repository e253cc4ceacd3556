import type { InvalidRule } from "./config";
import type { FieldIssue } from "./issues";
import type { ValidBody } from "./validate";

/**
 * The issues that `invalidOrders` rules find in a valid body: one per order whose `orderNumber` a rule
 * matches, at that order's path, with the rule's message (first matching rule wins).
 */
export function invalidOrderIssues(body: ValidBody, rules: readonly InvalidRule[]): FieldIssue[] {
  const numbers = body.method === "delete" ? body.orderNumbers : body.orders.map((order) => order.orderNumber);
  const list = body.method === "delete" ? "orderNumbers" : "orders";
  return numbers.flatMap((orderNumber, index) => {
    const rule = rules.find(
      (r) => (r.on === undefined || r.on.includes(body.method)) && new RegExp(r.orderNumberPattern).test(orderNumber),
    );
    return rule ? [{ field: `${list}[${index}]`, message: rule.message }] : [];
  });
}
