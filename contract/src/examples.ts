import type { OrderCreateInput } from "./order";

/**
 * The example deal of the customer's integration memo (docs/calltouch-api.md) as a caller writes it.
 * Compiled with `crm` and zone `Europe/Moscow`, it gives the memo's request body; the README and tests
 * across the repository reuse it.
 *
 * @example compileCreate(orderCreateInput.parse(memoExampleOrder), { timeZone: "Europe/Moscow" }, new Date())
 */
export const memoExampleOrder = {
  orderNumber: "УникальныйIDсделки2",
  orderDate: "2021-07-19T16:42:32+03:00",
  status: "Запись",
  revenue: 1000,
  phones: ["79157771122", "+79009991122"],
  emails: ["name@server.com", "234234@test.com"],
  tags: ["Тег1", "Тег2", "Тег3"],
} as const satisfies OrderCreateInput;
