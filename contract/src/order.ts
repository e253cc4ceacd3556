import { optionalDate } from "./fields/date";
import { emailSet, optionalEmail } from "./fields/email";
import { atMost, boolean, expected, optional, required, string } from "./fields/field";
import { digitsSet, optionalDigits, optionalTgUsername, orderNumber, tgUsernameSet } from "./fields/id";
import { optionalMoney, optionalSignedMoney, requiredMoney } from "./fields/money";
import { optionalPhone, phoneSet } from "./fields/phone";
import { say } from "./fields/say";
import { sparse } from "./fields/sparse";
import { strict } from "./fields/strict";
import {
  optionalCurrency,
  optionalLongText,
  optionalText,
  optionalUrl,
  requiredTagSet,
  requiredText,
  tagSet,
  trimmed,
} from "./fields/text";
import { LIMITS, MAX_ORDERS_PER_CALL } from "./limits";
import { matchingShape, refuseMixedMatching } from "./matching";
import * as z from "./zod";

/** Whether a normalized object has any field set; an object of nothing but blanks is not set itself. */
function setOrNothing<T extends Record<string, unknown>>(value: T): T | undefined {
  return Object.values(value).some((field) => field !== undefined) ? value : undefined;
}

const customFieldList = z
  .array(
    strict({
      field: requiredText,
      value: required(z.union([string, z.number()], { error: expected("a string or a number", "строка или число") }), (value, ctx) =>
        trimmed(LIMITS.longText)(String(value), ctx),
      ),
    }),
    { error: expected("a list of {field, value}", "список {field, value}") },
  )
  .check(z.maxLength(LIMITS.customFields, atMost(LIMITS.customFields)));

const product = strict({
  name: requiredText,
  price: requiredMoney,
  brand: optionalText,
  category: optionalText,
  variant: optionalText,
  quantity: optional(
    z
      .int({ error: expected("a whole number", "целое число") })
      .check(z.minimum(1, { error: () => say("must be at least 1", "не меньше 1") })),
  ),
});

const orderContacts = optional(
  strict({
    mainContacts: optional(
      strict({
        fio: optionalText,
        phoneNumber: optionalPhone,
        email: optionalEmail,
        waPhone: optionalPhone,
        tgId: optionalDigits,
        tgUsername: optionalTgUsername,
        vkId: optionalDigits,
      }),
      setOrNothing,
    ),
    otherContacts: optional(
      strict({ phoneNumber: phoneSet, email: emailSet, waPhone: phoneSet, tgId: digitsSet, tgUsername: tgUsernameSet, vkId: digitsSet }),
      setOrNothing,
    ),
  }),
  setOrNothing,
);

/** The fields create and update share: Calltouch's names, plus the friendly matching inputs. */
const commonShape = {
  /** The CRM's deal id, the key of every later update. */
  orderNumber,
  /**
   * The caller's key for this change: sending a change again with the same key returns the first
   * receipt instead of storing it twice. Never sent to Calltouch.
   */
  idempotencyKey: optionalText,
  /** Free text; each new spelling becomes a new status in Calltouch's reports. */
  status: optionalText,
  /** When the deal entered its status. */
  statusDate: optionalDate,
  funnel: optionalText,
  /** ISO 4217, lower-cased: `rub`. */
  currency: optionalCurrency,
  /** The deal's amount, zero or more. */
  revenue: optionalMoney,
  /** The deal's margin; negative for a loss. */
  margin: optionalSignedMoney,
  manager: optionalText,
  /** A link to the deal in the CRM. */
  orderLink: optionalUrl,
  orderName: optionalText,
  /** A comment: `comment` on create, `addNewComment` on update. */
  comment: optionalLongText,
  /** The deal's tags: `addTags`. */
  tags: tagSet,
  /** Tags to put on the lead the deal is matched to. */
  addTagsToLead: optional(strict({ tags: requiredTagSet, overwrite: optional(boolean) })),
  customFields: optional(customFieldList),
  /** Custom fields to put on the lead the deal is matched to. */
  addCustomFieldsToLead: optional(strict({ customFields: required(customFieldList), overwrite: optional(boolean) })),
  products: optional(
    z
      .array(product, { error: expected("a list of products", "список товаров") })
      .check(z.maxLength(LIMITS.products, atMost(LIMITS.products))),
  ),
  /** The client's contacts, stored on the deal; matching uses `phones` and `emails`, not these. */
  orderContacts,
  ...matchingShape,
};

/**
 * One order of `orders.create`. Only `orderNumber` is required. Dates come as ISO 8601 with an offset or
 * as Calltouch's `dd-MM-yyyy HH:mm:ss` (site time); `orderDate` defaults to the time the gateway accepts
 * the order and `statusDate` to `orderDate`. Unknown keys are refused.
 *
 * @example orderCreateInput.parse({ orderNumber: "42", status: "Запись", revenue: 1000, phones: ["8 915 777-11-22"] })
 */
export const orderCreateInput = sparse(
  strict({
    ...commonShape,
    /** When the deal was made; also the moment contact matching searches back from. */
    orderDate: optionalDate,
  }).check(refuseMixedMatching),
);

/** The keys of an update that change nothing by themselves. */
const NOT_A_CHANGE = new Set(["orderNumber", "orderDate", "tagsOverwrite", "idempotencyKey"]);

/**
 * One order of `orders.update`: `orderNumber` and at least one change. `status` without `statusDate`
 * gets the acceptance time as `statusDate`. `tags` are added (or, with `tagsOverwrite: true`, replace the
 * deal's tags). Matching inputs re-match the deal (`reMatching`); `orderDate` is accepted only as the
 * moment that re-matching searches back from (it defaults to the acceptance time) and is not sent otherwise.
 *
 * @example orderUpdateInput.parse({ orderNumber: "42", status: "Оплачено", revenue: "1500.00" })
 */
export const orderUpdateInput = sparse(
  strict({
    ...commonShape,
    orderDate: optionalDate,
    /** When the deal was updated in the CRM. */
    updateDate: optionalDate,
    /** The manager of the lead the deal is matched to. */
    leadManager: optional(strict({ manager: requiredText, overwrite: optional(boolean) })),
    /** With `tags`: replace the deal's tags instead of adding to them. */
    tagsOverwrite: optional(boolean),
  })
    .check(refuseMixedMatching)
    .check((payload) => {
      const order = payload.value;
      if (order.tagsOverwrite !== undefined && order.tags === undefined) {
        const message = say(
          "tagsOverwrite says how to apply tags: give tags too",
          "tagsOverwrite говорит, как применить теги: передайте и tags",
        );
        payload.issues.push({ code: "custom", input: order, path: ["tagsOverwrite"], continue: true, message });
      }
      if (!Object.entries(order).some(([key, value]) => value !== undefined && !NOT_A_CHANGE.has(key))) {
        const message = say(
          "an update must change something: give at least one field besides orderNumber",
          "обновление должно что-то менять: передайте хотя бы одно поле, кроме orderNumber",
        );
        payload.issues.push({ code: "custom", input: order, continue: true, message });
      }
    }),
);

/** The longest a call may ask the gateway to hold its answer for delivery, in milliseconds. */
export const MAX_WAIT_MS = 120_000;

/**
 * A call's `wait`: hold the answer up to this many milliseconds until its changes are delivered (or dead).
 *
 * @example callWait.parse(5000) // 5000
 */
export const callWait = optional(
  z
    .int({ error: expected("a whole number of milliseconds", "целое число миллисекунд") })
    .check(
      z.minimum(0, { error: () => say("must not be negative", "не может быть отрицательным") }),
      z.maximum(MAX_WAIT_MS, atMost(MAX_WAIT_MS, "ms", "мс")),
    ),
);

function oneOrMany<T extends z.ZodMiniType>(order: T) {
  const many = z
    .array(order)
    .check(
      z.minLength(1, { error: () => say("give at least one order", "передайте хотя бы одну сделку") }),
      z.maxLength(MAX_ORDERS_PER_CALL, atMost(MAX_ORDERS_PER_CALL, "orders per call", "сделок за вызов")),
    );
  // The envelope form carries options of the call besides its orders.
  const envelope = strict({ orders: many, wait: callWait });
  return z.union([order, many, envelope], {
    error: expected(
      `an order, a list of 1 to ${MAX_ORDERS_PER_CALL} orders, or {orders, wait}`,
      `сделка, список от 1 до ${MAX_ORDERS_PER_CALL} сделок или {orders, wait}`,
    ),
  });
}

/**
 * The input of `orders.create`: one order, a list of 1 to {@link MAX_ORDERS_PER_CALL}, or the envelope
 * `{ orders, wait }`. Use {@link toCall} on the output, and `toFieldErrors` on a failure.
 *
 * @example toCall(ordersCreateInput.parse(memoExampleOrder)).orders.map((order) => compileCreate(order, settings, new Date()))
 */
export const ordersCreateInput = oneOrMany(orderCreateInput);

/**
 * The input of `orders.update`: one order, a list of 1 to {@link MAX_ORDERS_PER_CALL}, or `{ orders, wait }`.
 *
 * @example toCall(ordersUpdateInput.parse([{ orderNumber: "42", status: "Оплачено" }]))
 */
export const ordersUpdateInput = oneOrMany(orderUpdateInput);

/**
 * An order of `orders.create` as callers write it.
 *
 * @example const order: OrderCreateInput = { orderNumber: 42, phones: ["8 915 777-11-22"], revenue: "1000.50" };
 */
export type OrderCreateInput = z.input<typeof orderCreateInput>;
/**
 * An order of `orders.create`, validated and normalized: what `compileCreate` takes.
 *
 * @example const order: OrderCreate = orderCreateInput.parse(memoExampleOrder); // order.revenue === "1000.00"
 */
export type OrderCreate = z.output<typeof orderCreateInput>;
/**
 * An order of `orders.update` as callers write it.
 *
 * @example const change: OrderUpdateInput = { orderNumber: 42, status: "Оплачено", tags: ["оплата"] };
 */
export type OrderUpdateInput = z.input<typeof orderUpdateInput>;
/**
 * An order of `orders.update`, validated and normalized: what `compileUpdate` takes.
 *
 * @example const change: OrderUpdate = orderUpdateInput.parse({ orderNumber: 42, status: "Оплачено" });
 */
export type OrderUpdate = z.output<typeof orderUpdateInput>;

/** A validated call: its orders as a list, and how long the caller will wait for their delivery. */
export interface Call<T> {
  orders: T[];
  wait?: number;
}

/**
 * Any of the input forms of a call as one shape.
 *
 * @example toCall(order) // { orders: [order] }; toCall({ orders: [a, b], wait: 5000 }) // the same object
 */
export function toCall<T>(input: T | T[] | Call<T>): Call<T> {
  if (Array.isArray(input)) return { orders: input };
  const envelope = input as Call<T>;
  return Array.isArray(envelope.orders) && !("orderNumber" in envelope) ? envelope : { orders: [input as T] };
}
