import { describe, expect, it } from "vitest";
import { type CompileSettings, compileCreate } from "./compile";
import { MATCHING_TYPES, OFFLINE_VISIT } from "./matching";
import { orderCreateInput } from "./order";
import { fieldErrorsOf } from "./test-support";
import type { CalltouchMatchingItem } from "./wire";

const moscow: CompileSettings = { timeZone: "Europe/Moscow" };
const acceptedAt = new Date("2024-03-01T09:00:00Z");
const date = "19-07-2021 16:42:32";
const offline = { type: "customSources", customSourceParams: OFFLINE_VISIT } as const;

const matchingOf = (input: Record<string, unknown>, settings = moscow) =>
  compileCreate(orderCreateInput.parse({ orderNumber: "1", orderDate: date, ...input }), settings, acceptedAt).matching;

const errorsOf = (input: Record<string, unknown>) => fieldErrorsOf(orderCreateInput, { orderNumber: "1", ...input });

describe("explicit matching", () => {
  // Each of Calltouch's ten types, as a caller writes it and as it goes on the wire.
  const cases: [unknown, CalltouchMatchingItem][] = [
    [
      { type: "request", requestParams: { requestId: "11", tags: ["тег1", "тег2"], tagsLogic: "and" } },
      { type: "request", requestParams: { requestId: 11, tags: ["тег1", "тег2"], tagsLogic: "and" } },
    ],
    [
      { type: "call", callParams: { callId: 22, tags: ["тег"], tagsLogic: "or" } },
      { type: "call", callParams: { callId: 22, tags: ["тег"], tagsLogic: "or" } },
    ],
    [
      { type: "chat", chatParams: { chatId: 33 } },
      { type: "chat", chatParams: { chatId: 33 } },
    ],
    [
      { type: "session", sessionParams: { sessionId: [1234567, "7654321"] } },
      { type: "session", sessionParams: { sessionId: ["1234567", "7654321"] } },
    ],
    [
      {
        type: "leadContact",
        leadContactParams: {
          phones: ["8 915 777-11-22"],
          emails: ["Name@Server.com"],
          date: "2021-07-19T13:42:32Z",
          leadTypeToMatch: "nearestUniq",
          searchDepth: 262800,
          withChats: true,
          tags: ["тег"],
          tagsLogic: "and",
        },
      },
      {
        type: "leadContact",
        leadContactParams: {
          phones: ["79157771122"],
          emails: ["name@server.com"],
          date,
          leadTypeToMatch: "nearestUniq",
          searchDepth: 262800,
          withChats: true,
          tags: ["тег"],
          tagsLogic: "and",
        },
      },
    ],
    [
      {
        type: "callContact",
        callContactParams: {
          phones: ["+7 (495) 333-88-77"],
          md5Phones: ["4FEC00B25336E719D4A0B255EA5AA0F5"],
          date,
          callTypeToMatch: "nearestUniqLead",
        },
      },
      {
        type: "callContact",
        callContactParams: {
          phones: ["74953338877"],
          md5Phones: ["4fec00b25336e719d4a0b255ea5aa0f5"],
          date,
          callTypeToMatch: "nearestUniqLead",
        },
      },
    ],
    [
      { type: "requestContact", requestContactParams: { emails: ["a@b.ru"], requestTypeToMatch: "nearest", searchDepth: 120 } },
      { type: "requestContact", requestContactParams: { emails: ["a@b.ru"], requestTypeToMatch: "nearest", searchDepth: 120 } },
    ],
    [
      {
        type: "chatContact",
        chatContactParams: {
          waPhones: ["+7 (911) 222-33-44"],
          tgIds: ["123456"],
          tgUsernames: ["@username", "username"],
          vkIds: [123456],
          date: "2021-07-19T16:42:32+03:00",
          chatTypeToMatch: "nearestUniq",
        },
      },
      {
        type: "chatContact",
        chatContactParams: {
          waPhones: ["79112223344"],
          tgIds: ["123456"],
          tgUsernames: ["@username", "username"],
          vkIds: ["123456"],
          date,
          chatTypeToMatch: "nearestUniq",
        },
      },
    ],
    [
      { type: "customSources", customSourceParams: { source: " Выставка ", medium: "офлайн", campaign: null, content: "", term: "стенд" } },
      { type: "customSources", customSourceParams: { source: "Выставка", medium: "офлайн", term: "стенд" } },
    ],
    [{ type: "withoutSource" }, { type: "withoutSource" }],
  ];

  it("covers all ten types of Calltouch", () => {
    expect(cases.map(([, wire]) => wire.type)).toStrictEqual(MATCHING_TYPES);
    expect(new Set(MATCHING_TYPES).size).toBe(10);
  });

  it.each(cases.map(([item, wire]) => [wire.type, item, wire] as const))("sends %s normalized and as written", (_, item, wire) => {
    const matching = matchingOf({ matching: [item] });
    expect(matching).toStrictEqual([wire]);
    expect(JSON.parse(JSON.stringify(matching))).toStrictEqual([wire]);
  });

  it("drops what the caller left empty in an item", () => {
    const item = {
      type: "leadContact",
      leadContactParams: { phones: ["8 915 777-11-22"], emails: null, date: "", tagsLogic: null, withChats: null },
    };
    const matching = matchingOf({ matching: [item] });
    expect(matching).toStrictEqual([{ type: "leadContact", leadContactParams: { phones: ["79157771122"] } }]);
    expect(JSON.parse(JSON.stringify(matching))).toStrictEqual(matching);
  });

  it("replaces the compiled chain entirely, in the caller's order", () => {
    expect(matchingOf({ matching: [{ type: "withoutSource" }, { type: "call", callParams: { callId: 1 } }] })).toStrictEqual([
      { type: "withoutSource" },
      { type: "call", callParams: { callId: 1 } },
    ]);
  });

  it("refuses an unknown or missing type, naming the known ones", () => {
    expect(errorsOf({ matching: [{ type: "phone" }] })).toStrictEqual([
      {
        path: ["matching", 0, "type"],
        field: "matching[0].type",
        message: `unknown matching type "phone": expected one of ${MATCHING_TYPES.join(", ")}`,
      },
    ]);
    expect(errorsOf({ matching: [{ callParams: { callId: 1 } }] })[0]?.message).toMatch(/^required: expected one of request, call/);
    expect(errorsOf({ matching: ["call"] })[0]).toMatchObject({
      field: "matching[0]",
      message: "expected a matching item: an object with a type, got a string",
    });
  });

  it("refuses an item that could match nothing or is malformed", () => {
    expect(errorsOf({ matching: [{ type: "callContact", callContactParams: { emails: ["a@b.ru"] } }] })).toStrictEqual([
      {
        path: ["matching", 0, "callContactParams", "emails"],
        field: "matching[0].callContactParams.emails",
        message: 'unknown key "emails"',
      },
      {
        path: ["matching", 0, "callContactParams"],
        field: "matching[0].callContactParams",
        message: "give at least one of phones, md5Phones",
      },
    ]);
    expect(errorsOf({ matching: [{ type: "callContact", callContactParams: { phones: [] } }] })).toStrictEqual([
      {
        path: ["matching", 0, "callContactParams"],
        field: "matching[0].callContactParams",
        message: "give at least one of phones, md5Phones",
      },
    ]);
    expect(errorsOf({ matching: [{ type: "call" }] })[0]).toMatchObject({
      field: "matching[0].callParams",
      message: "required: expected an object",
    });
    expect(errorsOf({ matching: [{ type: "call", callParams: { callId: 0 } }] })[0]?.field).toBe("matching[0].callParams.callId");
    expect(errorsOf({ matching: [{ type: "session", sessionParams: { sessionId: [] } }] })[0]).toMatchObject({
      field: "matching[0].sessionParams.sessionId",
      message: "must list at least one value",
    });
    expect(errorsOf({ matching: [{ type: "request", requestParams: { requestId: 1, tagsLogic: "xor" } }] })[0]).toMatchObject({
      field: "matching[0].requestParams.tagsLogic",
      message: `expected "and" or "or", got a string`,
    });
    expect(
      errorsOf({ matching: [{ type: "requestContact", requestContactParams: { emails: ["a@b.ru"], requestTypeToMatch: "closest" } }] })[0],
    ).toMatchObject({
      field: "matching[0].requestContactParams.requestTypeToMatch",
    });
    expect(
      errorsOf({ matching: [{ type: "leadContact", leadContactParams: { phones: ["1"], date: "2021-07-19 16:42" } }] }).map((e) => e.field),
    ).toStrictEqual(["matching[0].leadContactParams.phones[0]", "matching[0].leadContactParams.date"]);
    expect(errorsOf({ matching: [{ type: "customSources", customSourceParams: { medium: "x" } }] })[0]?.field).toBe(
      "matching[0].customSourceParams.source",
    );
    expect(errorsOf({ matching: Array.from({ length: 21 }, () => ({ type: "withoutSource" })) })[0]).toMatchObject({
      field: "matching",
      message: "at most 20 items",
    });
  });

  it("is one or the other: explicit matching or the friendly inputs", () => {
    for (const friendly of [
      { phones: ["89157771122"] },
      { emails: ["a@b.ru"] },
      { sessionId: 1 },
      { callId: 1 },
      { requestId: 1 },
      { source: { source: "x" } },
    ]) {
      expect(errorsOf({ matching: [{ type: "withoutSource" }], ...friendly })).toStrictEqual([
        {
          path: ["matching"],
          field: "matching",
          message: expect.stringContaining(`give either matching or phones/emails/sessionId/callId/requestId/source, not both`),
        },
      ]);
    }
  });
});

describe("the compiled chain", () => {
  const callContact = (phones: string[], at = date) => ({
    type: "callContact",
    callContactParams: { phones, date: at, callTypeToMatch: "nearest", searchDepth: 259200 },
  });

  it("is only the custom source for a deal with nothing to match by", () => {
    expect(matchingOf({})).toStrictEqual([offline]);
  });

  it("searches calls and requests by phone, the memo's way", () => {
    expect(matchingOf({ phones: ["8 915 777-11-22", "+79157771122"] })).toStrictEqual([
      callContact(["79157771122"]),
      {
        type: "requestContact",
        requestContactParams: { phones: ["79157771122"], date, requestTypeToMatch: "nearest", searchDepth: 259200 },
      },
      offline,
    ]);
  });

  it("searches only requests by e-mail", () => {
    expect(matchingOf({ emails: ["a@b.ru"] })).toStrictEqual([
      { type: "requestContact", requestContactParams: { emails: ["a@b.ru"], date, requestTypeToMatch: "nearest", searchDepth: 259200 } },
      offline,
    ]);
  });

  it("puts exact ids first: session, call, request", () => {
    expect(matchingOf({ requestId: "3", phones: ["89157771122"], callId: 2, sessionId: "1" }).map((item) => item.type)).toStrictEqual([
      "session",
      "call",
      "request",
      "callContact",
      "requestContact",
      "customSources",
    ]);
    expect(matchingOf({ sessionId: 1234567, callId: "22", requestId: 33 }).slice(0, 3)).toStrictEqual([
      { type: "session", sessionParams: { sessionId: ["1234567"] } },
      { type: "call", callParams: { callId: 22 } },
      { type: "request", requestParams: { requestId: 33 } },
    ]);
  });

  it("ends with the caller's source, else the configured one, else the offline visit", () => {
    const source = { source: "выставка", medium: "офлайн", campaign: "весна", content: "стенд", term: "кухни" };
    expect(matchingOf({ source }).at(-1)).toStrictEqual({ type: "customSources", customSourceParams: source });
    const configured = { ...moscow, defaultSource: { source: "crm" } };
    expect(matchingOf({}, configured)).toStrictEqual([{ type: "customSources", customSourceParams: { source: "crm" } }]);
    // Settings come from outside the schemas: what they leave undefined is not sent either.
    expect(matchingOf({}, { ...moscow, defaultSource: { source: "crm", medium: undefined } })).toStrictEqual([
      { type: "customSources", customSourceParams: { source: "crm" } },
    ]);
    expect(matchingOf({ source: { source: "выставка" } }, configured)).toStrictEqual([
      { type: "customSources", customSourceParams: { source: "выставка" } },
    ]);
  });

  it("takes the search depth from configuration", () => {
    expect(matchingOf({ phones: ["89157771122"] }, { ...moscow, searchDepth: 43200 })[0]).toMatchObject({
      callContactParams: { searchDepth: 43200 },
    });
  });

  it("searches from the deal's date in site time", () => {
    const matching = compileCreate(orderCreateInput.parse({ orderNumber: "1", phones: ["89157771122"] }), moscow, acceptedAt).matching;
    expect(matching[0]).toStrictEqual(callContact(["79157771122"], "01-03-2024 12:00:00"));
  });
});
