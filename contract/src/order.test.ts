import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { memoExampleOrder } from "./examples";
import { MAX_ORDERS_PER_CALL } from "./limits";
import {
  type OrderCreate,
  type OrderCreateInput,
  type OrderUpdateInput,
  orderCreateInput,
  ordersCreateInput,
  ordersUpdateInput,
  orderUpdateInput,
  toCall,
} from "./order";
import { fieldErrorsOf as fieldErrors } from "./test-support";

describe("one order or a list", () => {
  it("takes one order, a list of them, or {orders, wait}, and toCall makes each a call", () => {
    const one = ordersCreateInput.parse(memoExampleOrder);
    const many = ordersCreateInput.parse([memoExampleOrder, { orderNumber: 2 }]);
    const envelope = ordersCreateInput.parse({ orders: [{ orderNumber: 3 }], wait: 5000 });
    expect(toCall(one).orders).toHaveLength(1);
    expect(toCall(many).orders.map((order) => order.orderNumber)).toStrictEqual(["УникальныйIDсделки2", "2"]);
    expect(toCall(envelope)).toStrictEqual({ orders: [expect.objectContaining({ orderNumber: "3" })], wait: 5000 });
    expect(toCall(ordersUpdateInput.parse({ orderNumber: 1, status: "x" })).orders).toHaveLength(1);
  });

  it("names the field of an order inside the envelope, and refuses a wait past the cap", () => {
    expect(fieldErrors(ordersCreateInput, { orders: [{ orderNumber: 1, revenu: 1 }] })).toStrictEqual([
      { path: ["orders", 0, "revenu"], field: "orders[0].revenu", message: expect.stringContaining("revenue") },
    ]);
    expect(fieldErrors(ordersCreateInput, { orders: [{ orderNumber: 1 }], wait: 10 ** 9 })).toStrictEqual([
      { path: ["wait"], field: "wait", message: expect.stringContaining("at most") },
    ]);
  });

  it(`takes 1 to ${MAX_ORDERS_PER_CALL} orders`, () => {
    const orders = (count: number) => Array.from({ length: count }, (_, i) => ({ orderNumber: i + 1 }));
    expect(toCall(ordersCreateInput.parse(orders(MAX_ORDERS_PER_CALL))).orders).toHaveLength(MAX_ORDERS_PER_CALL);
    expect(fieldErrors(ordersCreateInput, orders(MAX_ORDERS_PER_CALL + 1))).toStrictEqual([
      { path: [], field: "", message: "at most 1000 orders per call" },
    ]);
    expect(fieldErrors(ordersUpdateInput, [])).toStrictEqual([{ path: [], field: "", message: "give at least one order" }]);
  });

  it("says what it expected in place of something else", () => {
    expect(fieldErrors(ordersCreateInput, "УникальныйIDсделки2")).toStrictEqual([
      { path: [], field: "", message: "expected an order, a list of 1 to 1000 orders, or {orders, wait}, got a string" },
    ]);
  });

  it("names each bad field of each order", () => {
    expect(
      fieldErrors(ordersCreateInput, [memoExampleOrder, { orderNumber: "3", phones: ["89157771122", "1"] }, { status: "x" }]),
    ).toStrictEqual([
      { path: [1, "phones", 1], field: "[1].phones[1]", message: expect.stringMatching(/^not a valid phone number/) },
      { path: [2, "orderNumber"], field: "[2].orderNumber", message: "required: expected the CRM's deal id: a string or an integer" },
    ]);
  });
});

describe("unknown keys", () => {
  it("are refused wherever they are, with a hint where one is close", () => {
    expect(fieldErrors(orderCreateInput, { ...memoExampleOrder, revenu: 1000 })).toStrictEqual([
      { path: ["revenu"], field: "revenu", message: 'unknown key "revenu" (did you mean "revenue"?)' },
    ]);
    expect(fieldErrors(ordersCreateInput, [{ orderNumber: 1, products: [{ name: "Стол", prise: 1 }] }])).toStrictEqual([
      {
        path: [0, "products", 0, "price"],
        field: "[0].products[0].price",
        message: "required: expected an amount: a number or a decimal string (1000.50)",
      },
      { path: [0, "products", 0, "prise"], field: "[0].products[0].prise", message: 'unknown key "prise" (did you mean "price"?)' },
    ]);
    expect(fieldErrors(orderCreateInput, { orderNumber: 1, orderContacts: { mainContacts: { phone: "89157771122" } } })).toMatchObject([
      { field: "orderContacts.mainContacts.phone", message: 'unknown key "phone" (did you mean "phoneNumber"?)' },
    ]);
  });

  it("keep create and update apart: update-only fields are unknown to create", () => {
    for (const key of ["tagsOverwrite", "leadManager", "updateDate"]) {
      expect(fieldErrors(orderCreateInput, { orderNumber: 1, [key]: null })).toMatchObject([
        { field: key, message: `unknown key "${key}"` },
      ]);
    }
  });
});

describe("orderCreateInput", () => {
  it("needs only orderNumber", () => {
    expect(orderCreateInput.parse({ orderNumber: "1" })).toStrictEqual({ orderNumber: "1" });
  });

  it("normalizes the memo's example", () => {
    expect(orderCreateInput.parse(memoExampleOrder)).toStrictEqual({
      orderNumber: "УникальныйIDсделки2",
      orderDate: "2021-07-19T13:42:32.000Z",
      status: "Запись",
      revenue: "1000.00",
      phones: ["79157771122", "79009991122"],
      emails: ["name@server.com", "234234@test.com"],
      tags: ["Тег1", "Тег2", "Тег3"],
    });
  });

  it("validates nested Calltouch fields", () => {
    expect(
      fieldErrors(orderCreateInput, {
        orderNumber: 1,
        products: [{ name: "", price: "1,5", quantity: 0 }],
        customFields: [{ field: "a" }],
        addTagsToLead: { overwrite: true },
        addCustomFieldsToLead: { customFields: [] },
        orderContacts: { otherContacts: { email: ["x"] } },
      }).map(({ field, message }) => `${field}: ${message}`),
    ).toStrictEqual([
      "addTagsToLead.tags: required: expected a list",
      "customFields[0].value: required: expected a string or a number",
      "addCustomFieldsToLead.customFields: must not be empty",
      "products[0].name: must not be empty",
      'products[0].price: use a dot as the decimal separator and no thousands separator (1000.50), got "1,5"',
      "products[0].quantity: must be at least 1",
      "orderContacts.otherContacts.email[0]: not a valid e-mail address (name@example.com)",
    ]);
  });

  it("takes an object of nothing but blanks as not set", () => {
    expect(
      orderCreateInput.parse({ orderNumber: 1, orderContacts: { mainContacts: { fio: "" }, otherContacts: { phoneNumber: [null] } } }),
    ).toStrictEqual({
      orderNumber: "1",
      orderContacts: undefined,
    });
  });
});

describe("orderUpdateInput", () => {
  it("needs orderNumber and something to change", () => {
    const nothing = [{ path: [], field: "", message: "an update must change something: give at least one field besides orderNumber" }];
    expect(fieldErrors(orderUpdateInput, { orderNumber: 1 })).toStrictEqual(nothing);
    expect(fieldErrors(orderUpdateInput, { orderNumber: 1, status: "", revenue: null, tags: [] })).toStrictEqual(nothing);
    expect(fieldErrors(orderUpdateInput, { orderNumber: 1, orderDate: "2021-07-19T16:42:32+03:00" })).toStrictEqual(nothing);
    expect(fieldErrors(orderUpdateInput, { status: "x" })[0]?.field).toBe("orderNumber");
  });

  it("counts re-matching as a change", () => {
    expect(orderUpdateInput.parse({ orderNumber: 1, sessionId: "123" })).toStrictEqual({ orderNumber: "1", sessionId: "123" });
  });

  it("takes tagsOverwrite only with tags", () => {
    expect(fieldErrors(orderUpdateInput, { orderNumber: 1, status: "x", tagsOverwrite: true })).toStrictEqual([
      { path: ["tagsOverwrite"], field: "tagsOverwrite", message: "tagsOverwrite says how to apply tags: give tags too" },
    ]);
  });

  it("reports every problem of the order's checks together", () => {
    const mixed = { orderNumber: 1, matching: [{ type: "withoutSource" }], phones: ["89157771122"], tagsOverwrite: true };
    expect(fieldErrors(orderUpdateInput, mixed).map((error) => error.field)).toStrictEqual(["matching", "tagsOverwrite"]);
  });
});

describe("the contract's types", () => {
  it("show callers what they may write, and the compiler what it gets", () => {
    expectTypeOf<OrderCreateInput["orderNumber"]>().toEqualTypeOf<string | number>();
    expectTypeOf<OrderCreateInput["revenue"]>().toEqualTypeOf<string | number | null | undefined>();
    expectTypeOf<OrderCreateInput["phones"]>().toEqualTypeOf<(string | number | null)[] | null | undefined>();
    expectTypeOf<OrderUpdateInput["tagsOverwrite"]>().toEqualTypeOf<boolean | null | undefined>();
    expectTypeOf<OrderCreate["orderNumber"]>().toEqualTypeOf<string>();
    expectTypeOf<OrderCreate["revenue"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<OrderCreate["callId"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf(memoExampleOrder).toExtend<OrderCreateInput>();
  });

  it("can be published as JSON Schema (for OpenAPI)", () => {
    const schema = z.toJSONSchema(ordersCreateInput, { io: "input" });
    expect(schema.anyOf).toHaveLength(3);
    expect(JSON.stringify(z.toJSONSchema(ordersUpdateInput, { io: "input" }))).toContain('"additionalProperties":false');
  });
});
