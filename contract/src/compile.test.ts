import { describe, expect, it } from "vitest";
import { type CompileSettings, compileCreate, compileCreateAsUpdate, compileUpdate } from "./compile";
import { memoExampleOrder } from "./examples";
import { orderCreateInput, orderUpdateInput } from "./order";
import type { CalltouchCreateBody } from "./wire";

const moscow: CompileSettings = { timeZone: "Europe/Moscow" };
/** 2024-03-01 12:00:00 in Moscow. */
const acceptedAt = new Date("2024-03-01T09:00:00Z");
const accepted = "01-03-2024 12:00:00";

const create = (input: unknown, settings = moscow) => compileCreate(orderCreateInput.parse(input), settings, acceptedAt);
const update = (input: unknown, settings = moscow) => compileUpdate(orderUpdateInput.parse(input), settings, acceptedAt);
/** What goes on the wire: no key may hold `undefined` (JSON would drop it, but nothing should rely on that). */
const expectWire = (actual: unknown, expected: unknown) => {
  expect(actual).toStrictEqual(expected);
  expect(JSON.parse(JSON.stringify(actual))).toStrictEqual(expected);
};

describe("the memo's example deal", () => {
  it("compiles to the memo's request body", () => {
    // The body of the memo's curl example, with the phones in canonical form and `crm` from configuration.
    const memoBody = {
      crm: "название CRM",
      orders: [
        {
          matching: [
            {
              type: "callContact",
              callContactParams: {
                phones: ["79157771122", "79009991122"],
                date: "19-07-2021 16:42:32",
                callTypeToMatch: "nearest",
                searchDepth: 259200,
              },
            },
            {
              type: "requestContact",
              requestContactParams: {
                emails: ["name@server.com", "234234@test.com"],
                phones: ["79157771122", "79009991122"],
                date: "19-07-2021 16:42:32",
                requestTypeToMatch: "nearest",
                searchDepth: 259200,
              },
            },
            {
              type: "customSources",
              customSourceParams: {
                source: "офлайн-визит",
                medium: "офлайн-визит",
                campaign: "офлайн-визит",
              },
            },
          ],
          orderNumber: "УникальныйIDсделки2",
          status: "Запись",
          statusDate: "19-07-2021 16:42:32",
          orderDate: "19-07-2021 16:42:32",
          revenue: "1000.00",
          addTags: [{ tag: "Тег1" }, { tag: "Тег2" }, { tag: "Тег3" }],
        },
      ],
    };
    const body: CalltouchCreateBody = { crm: "название CRM", orders: [create(memoExampleOrder)] };
    expect(body).toEqual(memoBody);
    expectWire(body, memoBody);
  });

  it("does not depend on the time it is accepted", () => {
    const order = orderCreateInput.parse(memoExampleOrder);
    expect(compileCreate(order, moscow, new Date())).toStrictEqual(compileCreate(order, moscow, acceptedAt));
  });
});

describe("compileCreate", () => {
  it("dates the order at acceptance when it has no orderDate, and gives it the default status", () => {
    expectWire(create({ orderNumber: "1" }), {
      orderNumber: "1",
      status: "Новая",
      orderDate: accepted,
      statusDate: accepted,
      matching: [
        { type: "customSources", customSourceParams: { source: "офлайн-визит", medium: "офлайн-визит", campaign: "офлайн-визит" } },
      ],
    });
  });

  it("takes the configured default status", () => {
    const order = compileCreate(orderCreateInput.parse({ orderNumber: "1" }), { ...moscow, defaultStatus: "Лид" }, acceptedAt);
    expect(order.status).toBe("Лид");
  });

  it("keeps a statusDate of its own", () => {
    const order = create({
      orderNumber: "1",
      orderDate: "2021-07-19T16:42:32+03:00",
      status: "Оплачено",
      statusDate: "2021-07-20T10:00:00+03:00",
    });
    expect(order).toMatchObject({ orderDate: "19-07-2021 16:42:32", statusDate: "20-07-2021 10:00:00", status: "Оплачено" });
  });

  it("formats instants in the configured zone and passes site time through", () => {
    const yekaterinburg = { timeZone: "Asia/Yekaterinburg" };
    expect(create({ orderNumber: "1", orderDate: "2021-07-19T16:42:32+03:00" }, yekaterinburg).orderDate).toBe("19-07-2021 18:42:32");
    expect(create({ orderNumber: "1", orderDate: "19-07-2021 16:42:32" }, yekaterinburg).orderDate).toBe("19-07-2021 16:42:32");
  });

  it("sends comment as {text} and tags as a plain array of {tag}", () => {
    expect(create({ orderNumber: "1", comment: "перезвонить", tags: ["a", "b"] })).toMatchObject({
      comment: { text: "перезвонить" },
      addTags: [{ tag: "a" }, { tag: "b" }],
    });
  });

  it("sends every Calltouch field the caller set, normalized", () => {
    const order = create({
      orderNumber: 42,
      orderDate: "19-07-2021 16:42:32",
      status: "Запись",
      funnel: "Продажи",
      currency: "RUB",
      revenue: "1500.5",
      margin: -10,
      manager: "Иванов",
      orderLink: "https://crm.example.ru/deal/42",
      orderName: "Кухня",
      addTagsToLead: { tags: ["VIP"] },
      customFields: [{ field: "grossprofit", value: 456.5 }],
      addCustomFieldsToLead: { customFields: [{ field: "city", value: "Москва" }], overwrite: true },
      products: [
        { name: "Табурет", price: "500.25", brand: "ikea", quantity: 10 },
        { name: "Стол", price: 1500 },
      ],
      orderContacts: {
        mainContacts: { fio: "Иван", phoneNumber: "8 900 000-00-00", email: "Test@Test.ru", tgUsername: "@user" },
        otherContacts: { phoneNumber: ["+7 900 000 00 01"], email: ["a@b.ru"], tgId: [7654321] },
      },
    });
    expectWire(order, {
      orderNumber: "42",
      orderDate: "19-07-2021 16:42:32",
      statusDate: "19-07-2021 16:42:32",
      status: "Запись",
      funnel: "Продажи",
      currency: "rub",
      revenue: "1500.50",
      margin: "-10.00",
      manager: "Иванов",
      orderLink: "https://crm.example.ru/deal/42",
      orderName: "Кухня",
      addTagsToLead: { overwrite: false, tags: [{ tag: "VIP" }] },
      customFields: [{ field: "grossprofit", value: "456.5" }],
      addCustomFieldsToLead: { overwrite: true, customFields: [{ field: "city", value: "Москва" }] },
      products: [
        { name: "Табурет", price: "500.25", brand: "ikea", quantity: 10 },
        { name: "Стол", price: "1500.00" },
      ],
      orderContacts: {
        mainContacts: { fio: "Иван", phoneNumber: "79000000000", email: "test@test.ru", tgUsername: "@user" },
        otherContacts: { phoneNumber: ["79000000001"], email: ["a@b.ru"], tgId: ["7654321"] },
      },
      matching: [
        { type: "customSources", customSourceParams: { source: "офлайн-визит", medium: "офлайн-визит", campaign: "офлайн-визит" } },
      ],
    });
  });

  it("never sends what the caller left empty, at any depth", () => {
    const order = create({
      orderNumber: "1",
      orderDate: "19-07-2021 16:42:32",
      status: null,
      revenue: "",
      manager: "   ",
      tags: [],
      phones: [null, ""],
      products: [{ name: "Стол", price: 1, brand: null, variant: "" }],
      orderContacts: { mainContacts: { fio: "", email: null }, otherContacts: { phoneNumber: [] } },
      source: { source: "выставка", medium: null },
    });
    expectWire(order, {
      orderNumber: "1",
      status: "Новая",
      orderDate: "19-07-2021 16:42:32",
      statusDate: "19-07-2021 16:42:32",
      products: [{ name: "Стол", price: "1.00" }],
      matching: [{ type: "customSources", customSourceParams: { source: "выставка" } }],
    });
  });

  it("writes its keys in the compiler's order, whatever it leaves out", () => {
    // The JSON the compiler wrote when it copied every object: the same text, key for key.
    const order = create({
      orderNumber: "1",
      orderDate: "19-07-2021 16:42:32",
      status: null,
      revenue: 5,
      comment: "x",
      phones: ["89157771122"],
      emails: null,
      products: [{ name: "Стол", price: 1, brand: null, category: "мебель" }],
      orderContacts: { mainContacts: { fio: null, email: "A@b.ru" } },
    });
    const date = '"date":"19-07-2021 16:42:32"';
    expect(JSON.stringify(order)).toBe(
      '{"orderNumber":"1","status":"Новая","revenue":"5.00","products":[{"name":"Стол","price":"1.00","category":"мебель"}],' +
        '"orderContacts":{"mainContacts":{"email":"a@b.ru"}},"matching":[' +
        `{"type":"callContact","callContactParams":{"phones":["79157771122"],${date},"callTypeToMatch":"nearest","searchDepth":259200}},` +
        `{"type":"requestContact","requestContactParams":{"phones":["79157771122"],${date},"requestTypeToMatch":"nearest","searchDepth":259200}},` +
        '{"type":"customSources","customSourceParams":{"source":"офлайн-визит","medium":"офлайн-визит","campaign":"офлайн-визит"}}],' +
        '"orderDate":"19-07-2021 16:42:32","statusDate":"19-07-2021 16:42:32","comment":{"text":"x"}}',
    );
  });
});

describe("compileCreateAsUpdate", () => {
  it("sends a create's fields in update's shape, without matching or orderDate", () => {
    const order = orderCreateInput.parse({ ...memoExampleOrder, comment: "again", idempotencyKey: "k-1" });
    expect(compileCreateAsUpdate(order, moscow, acceptedAt)).toStrictEqual({
      orderNumber: "УникальныйIDсделки2",
      status: "Запись",
      statusDate: "19-07-2021 16:42:32",
      revenue: "1000.00",
      addNewComment: { text: "again" },
      addTags: { overwrite: false, tags: [{ tag: "Тег1" }, { tag: "Тег2" }, { tag: "Тег3" }] },
    });
  });
});

describe("compileUpdate", () => {
  it("sends only what changes", () => {
    expectWire(update({ orderNumber: "1", revenue: 2000 }), { orderNumber: "1", revenue: "2000.00" });
  });

  it("dates a new status at acceptance unless a statusDate is given", () => {
    expectWire(update({ orderNumber: "1", status: "Оплачено" }), { orderNumber: "1", status: "Оплачено", statusDate: accepted });
    expect(update({ orderNumber: "1", status: "Оплачено", statusDate: "2024-02-29T23:30:00+03:00" }).statusDate).toBe(
      "29-02-2024 23:30:00",
    );
    expectWire(update({ orderNumber: "1", statusDate: "02-03-2024 10:00:00" }), { orderNumber: "1", statusDate: "02-03-2024 10:00:00" });
  });

  it("sends comment as addNewComment and tags as {overwrite, tags}", () => {
    expectWire(update({ orderNumber: "1", comment: "оплатил", tags: ["a"] }), {
      orderNumber: "1",
      addNewComment: { text: "оплатил" },
      addTags: { overwrite: false, tags: [{ tag: "a" }] },
    });
    expect(update({ orderNumber: "1", tags: ["a"], tagsOverwrite: true }).addTags).toStrictEqual({ overwrite: true, tags: [{ tag: "a" }] });
  });

  it("never sends what the caller left empty, at any depth", () => {
    const change = update({
      orderNumber: "1",
      products: [{ name: "Стол", price: 1, brand: null, quantity: null }],
      orderContacts: { mainContacts: { fio: "Иван", email: null }, otherContacts: { phoneNumber: ["89157771122", null] } },
      leadManager: { manager: "Петров", overwrite: null },
      callId: 7,
      source: { source: "выставка", term: "" },
    });
    expectWire(change, {
      orderNumber: "1",
      products: [{ name: "Стол", price: "1.00" }],
      orderContacts: { mainContacts: { fio: "Иван" }, otherContacts: { phoneNumber: ["79157771122"] } },
      leadManager: { manager: "Петров", overwrite: false },
      reMatching: [
        { type: "call", callParams: { callId: 7 } },
        { type: "customSources", customSourceParams: { source: "выставка" } },
      ],
    });
  });

  it("sends the update-only fields", () => {
    expectWire(update({ orderNumber: "1", updateDate: "2024-03-01T10:00:00Z", leadManager: { manager: "Петров" } }), {
      orderNumber: "1",
      updateDate: "01-03-2024 13:00:00",
      leadManager: { manager: "Петров", overwrite: false },
    });
  });

  it("re-matches only when asked to, searching back from orderDate or else from acceptance", () => {
    expect(update({ orderNumber: "1", status: "x" })).not.toHaveProperty("reMatching");
    expect(update({ orderNumber: "1", callId: 7 }).reMatching).toStrictEqual([
      { type: "call", callParams: { callId: 7 } },
      { type: "customSources", customSourceParams: { source: "офлайн-визит", medium: "офлайн-визит", campaign: "офлайн-визит" } },
    ]);
    const dated = update({ orderNumber: "1", phones: ["89157771122"], orderDate: "2021-07-19T16:42:32+03:00" });
    const undated = update({ orderNumber: "1", phones: ["89157771122"] });
    expect(dated.reMatching?.[0]).toStrictEqual({
      type: "callContact",
      callContactParams: { phones: ["79157771122"], date: "19-07-2021 16:42:32", callTypeToMatch: "nearest", searchDepth: 259200 },
    });
    expect(undated.reMatching?.[0]).toMatchObject({ callContactParams: { date: accepted } });
    expect(dated).not.toHaveProperty("orderDate");
    expect(dated).not.toHaveProperty("matching");
  });
});
