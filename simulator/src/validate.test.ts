import { beforeEach, describe, expect, it } from "vitest";
import { calltouch, control, createBody, createOrder, freshSimulator, heldOrders, loggedRequests } from "./test-support";
import { dateProblem, type Method, type ValidationSettings, validateBody } from "./validate";

const DEFAULTS: ValidationSettings = {
  maxOrdersPerRequest: 100,
  requiredOnCreate: ["matching", "status", "statusDate", "orderDate"],
};

/** The issues of `body`, `[]` when valid. */
function issues(method: Method, body: unknown, settings = DEFAULTS) {
  const result = validateBody(method, body, settings);
  return result.ok ? [] : result.issues;
}

function createWith(fields: Record<string, unknown>) {
  return { crm: "crm", orders: [createOrder("o-1", fields)] };
}

function updateWith(fields: Record<string, unknown>) {
  return { orders: [{ orderNumber: "o-1", ...fields }] };
}

describe("dates", () => {
  it.each(["19-07-2021 16:42:32", "29-02-2024 00:00:00", "31-12-1999 23:59:59"])("accepts %s", (value) => {
    expect(dateProblem(value)).toBeUndefined();
  });

  it.each(["2021-07-19 16:42:32", "19.07.2021 16:42:32", "19-07-2021", "19-07-2021T16:42:32", "9-07-2021 16:42:32"])(
    "refuses the format of %s",
    (value) => {
      expect(dateProblem(value)).toBe(`expected dd-MM-yyyy HH:mm:ss, got ${JSON.stringify(value)}`);
    },
  );

  it.each([
    "31-02-2021 10:00:00",
    "29-02-2023 10:00:00",
    "00-01-2021 10:00:00",
    "01-13-2021 10:00:00",
    "01-01-2021 24:00:00",
    "01-01-2021 10:60:00",
  ])("refuses the impossible %s", (value) => {
    expect(dateProblem(value)).toBe(`${JSON.stringify(value)} is not a real calendar date and time`);
  });

  it("checks every date field, matching's included", () => {
    const bad = "2021-07-19 16:42:32";
    const matching = [{ type: "callContact", callContactParams: { phones: ["79157771122"], date: bad } }];
    const order = createOrder("o-1", { orderDate: bad, statusDate: bad, matching });
    expect(issues("create", { crm: "crm", orders: [order] }).map((issue) => issue.field)).toEqual([
      "orders[0].statusDate",
      "orders[0].matching[0].callContactParams.date",
      "orders[0].orderDate",
    ]);
    expect(issues("update", updateWith({ updateDate: bad }))).toEqual([
      { field: "orders[0].updateDate", message: 'expected dd-MM-yyyy HH:mm:ss, got "2021-07-19 16:42:32"' },
    ]);
  });
});

describe("the request root", () => {
  it("accepts the memo's example", () => {
    expect(issues("create", createBody("УникальныйIDсделки2"))).toEqual([]);
  });

  it("caps the orders at maxOrdersPerRequest", () => {
    const orderNumbers = Array.from({ length: 101 }, (_, i) => `o-${i}`);
    expect(issues("create", createBody(...orderNumbers))).toEqual([
      { field: "orders", message: "at most 100 orders per request, got 101" },
    ]);
    expect(issues("create", createBody(...orderNumbers.slice(0, 100)))).toEqual([]);
    expect(
      issues(
        "update",
        { orders: orderNumbers.slice(0, 3).map((orderNumber) => ({ orderNumber })) },
        { ...DEFAULTS, maxOrdersPerRequest: 2 },
      ),
    ).toEqual([{ field: "orders", message: "at most 2 orders per request, got 3" }]);
  });

  it("wants crm on create, a non-empty array of orders, and nothing else", () => {
    expect(issues("create", { orders: [createOrder("o-1")] })).toEqual([{ field: "crm", message: "required" }]);
    expect(issues("create", { crm: "crm", orders: [] })).toEqual([{ field: "orders", message: "must hold at least one order" }]);
    expect(issues("update", { orders: { orderNumber: "o-1" } })).toEqual([{ field: "orders", message: "expected an array of orders" }]);
    expect(issues("update", { orders: [{ orderNumber: "o-1" }], extra: 1 })).toEqual([
      { field: "extra", message: "unknown key; allowed: crm, orders" },
    ]);
    expect(issues("create", [])).toEqual([{ field: "", message: "Invalid input: expected object, received array" }]);
  });

  it("wants a non-empty string orderNumber in every order", () => {
    const { orderNumber: _, ...withoutNumber } = createOrder("o-1");
    expect(issues("create", { crm: "crm", orders: [createOrder("o-0"), withoutNumber, createOrder("")] })).toEqual([
      { field: "orders[1].orderNumber", message: "required" },
      { field: "orders[2].orderNumber", message: "must not be empty" },
    ]);
    expect(issues("update", { orders: [{ orderNumber: 42 }] })).toEqual([
      { field: "orders[0].orderNumber", message: "Invalid input: expected string, received number" },
    ]);
  });

  it("takes delete's orderNumbers alone", () => {
    expect(issues("delete", { orderNumbers: ["o-1", "o-2"] })).toEqual([]);
    expect(issues("delete", { orderNumbers: [] })).toEqual([{ field: "orderNumbers", message: "must hold at least one orderNumber" }]);
    expect(issues("delete", { orderNumbers: "o-1", crm: "crm" })).toEqual([
      { field: "orderNumbers", message: "expected an array of orderNumber strings" },
      { field: "crm", message: "unknown key; allowed: orderNumbers" },
    ]);
  });

  it("lists every issue, not just the first", () => {
    const body = { crm: "crm", orders: [createOrder("o-1", { revenue: "1 000,00" }), createOrder("o-2", { orderDate: "x" })] };
    expect(issues("create", body).map((issue) => issue.field)).toEqual(["orders[0].revenue", "orders[1].orderDate"]);
  });
});

describe("money", () => {
  it.each(["1000.00", "0", "-15.5", 1000, 99.99])("accepts %j", (revenue) => {
    expect(issues("create", createWith({ revenue, margin: revenue }))).toEqual([]);
  });

  it.each(["1 000,00", "1000,00", "", "1e3", true, null])("refuses %j", (revenue) => {
    expect(issues("create", createWith({ revenue }))).toEqual([
      { field: "orders[0].revenue", message: 'expected a decimal string such as "1000.00" or a number' },
    ]);
  });

  it("checks product prices", () => {
    const products = [
      { name: "Приём", price: "2500.00", quantity: 1 },
      { name: "Анализ", price: "дорого" },
    ];
    expect(issues("update", updateWith({ products }))).toEqual([
      { field: "orders[0].products[1].price", message: 'expected a decimal string such as "1000.00" or a number' },
    ]);
  });
});

describe("matching", () => {
  const withMatching = (matching: unknown) => createWith({ matching });

  it("accepts every type of the table with its own params key", () => {
    const matching = [
      { type: "request", requestParams: { requestId: 17, tags: ["a"], tagsLogic: "or" } },
      { type: "call", callParams: { callId: "9" } },
      { type: "chat", chatParams: { chatId: 3 } },
      { type: "session", sessionParams: { sessionId: ["1234567"] } },
      { type: "leadContact", leadContactParams: { emails: ["a@b.c"], leadTypeToMatch: "nearestUniqLead", withChats: true } },
      { type: "callContact", callContactParams: { md5Phones: ["0cc175b9c0f1b6a831c399e269772661"] } },
      { type: "requestContact", requestContactParams: { phones: ["79157771122"], requestTypeToMatch: "nearestUniq" } },
      { type: "chatContact", chatContactParams: { tgUsernames: ["someone"], chatTypeToMatch: "nearest", searchDepth: 60 } },
      { type: "customSources", customSourceParams: { source: "офлайн-визит", term: "t" } },
      { type: "withoutSource" },
    ];
    expect(issues("create", withMatching(matching))).toEqual([]);
    expect(issues("update", updateWith({ reMatching: matching }))).toEqual([]);
  });

  it("refuses matching that is not a list of items", () => {
    expect(issues("create", withMatching({ type: "withoutSource" }))).toEqual([
      { field: "orders[0].matching", message: "Invalid input: expected array, received object" },
    ]);
    expect(issues("create", withMatching([]))).toEqual([{ field: "orders[0].matching", message: "must list at least one matching item" }]);
    expect(issues("create", withMatching(["callContact"]))).toEqual([
      { field: "orders[0].matching[0]", message: "Invalid input: expected object, received string" },
    ]);
  });

  it("refuses an unknown type", () => {
    const [issue] = issues("create", withMatching([{ type: "phoneContact", phoneContactParams: {} }]));
    expect(issue?.field).toBe("orders[0].matching[0].type");
    expect(issue?.message).toMatch(/^unknown matching type "phoneContact"; expected one of: request, call, chat, session, leadContact/);
  });

  it("wants the params key the table names for the type", () => {
    expect(issues("create", withMatching([{ type: "callContact", requestContactParams: { phones: ["79157771122"] } }]))).toEqual([
      { field: "orders[0].matching[0].callContactParams", message: "required" },
      { field: "orders[0].matching[0].requestContactParams", message: "unknown key" },
    ]);
    expect(issues("create", withMatching([{ type: "withoutSource", customSourceParams: { source: "x" } }]))).toEqual([
      { field: "orders[0].matching[0].customSourceParams", message: "unknown key" },
    ]);
  });

  it("checks the field types and the fields each params object allows", () => {
    const matching = [
      { type: "callContact", callContactParams: { phones: "79157771122", searchDepth: 1.5, requestTypeToMatch: "nearest" } },
      { type: "requestContact", requestContactParams: { phones: [79157771122], searchDepth: "259200", requestTypeToMatch: "closest" } },
      { type: "session", sessionParams: { sessionId: "1234567" } },
    ];
    expect(issues("create", withMatching(matching))).toEqual([
      { field: "orders[0].matching[0].callContactParams.phones", message: "Invalid input: expected array, received string" },
      { field: "orders[0].matching[0].callContactParams.searchDepth", message: "Invalid input: expected int, received number" },
      { field: "orders[0].matching[0].callContactParams.requestTypeToMatch", message: "unknown key" },
      { field: "orders[0].matching[1].requestContactParams.phones[0]", message: "Invalid input: expected string, received number" },
      {
        field: "orders[0].matching[1].requestContactParams.requestTypeToMatch",
        message: 'Invalid option: expected one of "nearest"|"nearestUniq"|"nearestUniqLead"',
      },
      { field: "orders[0].matching[1].requestContactParams.searchDepth", message: "Invalid input: expected number, received string" },
      { field: "orders[0].matching[2].sessionParams.sessionId", message: "Invalid input: expected array, received string" },
    ]);
  });

  it("wants a contact search to name a contact", () => {
    expect(issues("create", withMatching([{ type: "callContact", callContactParams: { phones: [], searchDepth: 60 } }]))).toEqual([
      { field: "orders[0].matching[0].callContactParams", message: "needs at least one of: phones, md5Phones" },
    ]);
  });
});

describe("create and update shapes", () => {
  it("refuses update's fields on create, and says what create calls them", () => {
    expect(issues("create", createWith({ reMatching: [{ type: "withoutSource" }], addNewComment: { text: "hi" } }))).toEqual([
      { field: "orders[0].reMatching", message: 'use "matching" on create; "reMatching" is update\'s' },
      { field: "orders[0].addNewComment", message: 'use "comment" on create; "addNewComment" is update\'s' },
    ]);
    expect(issues("create", createWith({ addTags: { overwrite: true, tags: [{ tag: "a" }] } }))).toEqual([
      { field: "orders[0].addTags", message: "on create addTags is an array [{tag}]; the object {overwrite, tags} is update's shape" },
    ]);
  });

  it("refuses create's fields on update, and says what update calls them", () => {
    expect(
      issues("update", updateWith({ matching: [{ type: "withoutSource" }], comment: { text: "hi" }, orderDate: "19-07-2021 16:42:32" })),
    ).toEqual([
      { field: "orders[0].matching", message: 'use "reMatching" on update; "matching" is create\'s' },
      { field: "orders[0].comment", message: 'use "addNewComment" on update; "comment" is create\'s' },
      { field: "orders[0].orderDate", message: "orderDate is create's; update has updateDate and statusDate" },
    ]);
    expect(issues("update", updateWith({ addTags: [{ tag: "a" }] }))).toEqual([
      {
        field: "orders[0].addTags",
        message: "on update addTags is an object {overwrite, tags: [{tag}]}; the plain array is create's shape",
      },
    ]);
  });

  it("accepts a full update", () => {
    const update = {
      status: "Оплачен",
      statusDate: "20-07-2021 10:00:00",
      updateDate: "20-07-2021 10:00:00",
      revenue: 1500,
      leadManager: { manager: "Иванов", overwrite: true },
      addNewComment: { text: "оплата получена" },
      addTags: { overwrite: false, tags: [{ tag: "оплачен" }] },
      addTagsToLead: { tags: [{ tag: "клиент" }] },
      customFields: [{ field: "филиал", value: "Центр" }],
      addCustomFieldsToLead: { overwrite: true, customFields: [{ field: "visits", value: 2 }] },
      orderContacts: { mainContacts: { fio: "Пётр", phoneNumber: "79157771122" }, otherContacts: { email: ["p@example.com"] } },
      reMatching: [{ type: "session", sessionParams: { sessionId: ["555"] } }],
    };
    expect(issues("update", updateWith(update))).toEqual([]);
  });

  it("refuses an unknown order key, listing the allowed ones", () => {
    const [issue] = issues("create", createWith({ phone: "79157771122" }));
    expect(issue?.field).toBe("orders[0].phone");
    expect(issue?.message).toMatch(
      /^unknown key; allowed on create: orderNumber, status, statusDate, .*, matching, orderDate, comment, addTags$/,
    );
  });

  it("requires status, statusDate, orderDate and matching on create unless requiredOnCreate says otherwise", () => {
    const bare = { crm: "crm", orders: [{ orderNumber: "o-1" }] };
    expect(issues("create", bare)).toEqual(
      ["status", "statusDate", "matching", "orderDate"].map((key) => ({ field: `orders[0].${key}`, message: "required" })),
    );
    expect(issues("create", bare, { ...DEFAULTS, requiredOnCreate: [] })).toEqual([]);
  });
});

describe("a refused request over HTTP", () => {
  beforeEach(() => freshSimulator());

  it("answers 400 with data.validationErrorData, stores nothing and logs it as invalid", async () => {
    const answer = await calltouch("create", createBody(...Array.from({ length: 101 }, (_, i) => `o-${i}`)));
    expect(answer).toMatchObject({
      status: 400,
      body: { data: { validationErrorData: [{ field: "orders", message: "at most 100 orders per request, got 101" }] } },
    });
    expect(await heldOrders()).toEqual([]);
    const [logged] = await loggedRequests();
    expect(logged).toMatchObject({ outcome: "invalid", status: 400, response: answer.body });
  });

  it("refuses a whole batch for one bad order", async () => {
    const body = { crm: "crm", orders: [createOrder("good"), createOrder("bad", { orderDate: "31-02-2021 10:00:00" })] };
    const answer = await calltouch("create", body);
    expect(answer.status).toBe(400);
    expect(answer.body.data.validationErrorData).toEqual([
      { field: "orders[1].orderDate", message: '"31-02-2021 10:00:00" is not a real calendar date and time' },
    ]);
    expect(await heldOrders()).toEqual([]);
  });

  it("refuses a body that is not JSON and a Content-Type that is not JSON", async () => {
    const answer = await calltouch("create", "{not json", { "Content-Type": "text/plain" });
    expect(answer.body.data.validationErrorData).toEqual([
      { field: "headers.Content-Type", message: 'expected application/json, got "text/plain"' },
      { field: "", message: "body is not valid JSON" },
    ]);
    const [logged] = await loggedRequests();
    expect(logged?.body).toBe("{not json");
  });

  it("plays each inner shape of validationErrorData and the configured status", async () => {
    const body = { crm: "crm", orders: [createOrder("o-1", { revenue: "x", orderDate: "y" })] };
    await control("PUT", "config", { validation: { status: 422, shape: "messages" } });
    expect(await calltouch("create", body)).toMatchObject({
      status: 422,
      body: {
        data: {
          validationErrorData: [
            'orders[0].revenue: expected a decimal string such as "1000.00" or a number',
            'orders[0].orderDate: expected dd-MM-yyyy HH:mm:ss, got "y"',
          ],
        },
      },
    });
    await control("PUT", "config", { validation: { shape: "byField" } });
    expect((await calltouch("create", body)).body.data.validationErrorData).toEqual({
      "orders[0].revenue": ['expected a decimal string such as "1000.00" or a number'],
      "orders[0].orderDate": ['expected dd-MM-yyyy HH:mm:ss, got "y"'],
    });
  });

  it("takes maxOrdersPerRequest and requiredOnCreate from the config", async () => {
    await control("PUT", "config", { maxOrdersPerRequest: 2, requiredOnCreate: [] });
    expect((await calltouch("create", createBody("a", "b", "c"))).body.data.validationErrorData).toEqual([
      { field: "orders", message: "at most 2 orders per request, got 3" },
    ]);
    expect((await calltouch("create", { crm: "crm", orders: [{ orderNumber: "bare" }] })).status).toBe(200);
  });
});
