import type { CompileSettings } from "./compile-settings";
import { definedFields, withoutUndefined } from "./defined";
import { optionalDate, toSiteTime } from "./fields/date";
import { emailSet } from "./fields/email";
import { atMost, boolean, expected, optional } from "./fields/field";
import { digitsSet, md5Set, optionalCalltouchId, optionalDigits, requiredCalltouchId, requiredDigitsSet, tgUsernameSet } from "./fields/id";
import { phoneSet } from "./fields/phone";
import { say } from "./fields/say";
import { strict } from "./fields/strict";
import { optionalText, requiredText, tagSet } from "./fields/text";
import { LIMITS } from "./limits";
import type { CalltouchMatchingItem, CalltouchMatchingType, CustomSource } from "./wire";
import * as z from "./zod";

/**
 * The memo's search depth: 259200 minutes, 180 days back from the deal's date.
 *
 * @example const settings: CompileSettings = { timeZone: "Europe/Moscow", searchDepth: DEFAULT_SEARCH_DEPTH / 2 };
 */
export const DEFAULT_SEARCH_DEPTH = 259_200;

/**
 * The memo's fallback source for a deal whose lead is not found: an offline visit. Frozen: every
 * compiled order that falls back to it holds this one object.
 *
 * @example { type: "customSources", customSourceParams: OFFLINE_VISIT } // the last item of a compiled chain
 */
export const OFFLINE_VISIT: CustomSource = Object.freeze({ source: "офлайн-визит", medium: "офлайн-визит", campaign: "офлайн-визит" });

/**
 * A custom source (`source` of the friendly input, `customSourceParams` of an explicit item).
 *
 * @example customSource.parse({ source: "выставка", medium: "офлайн" })
 */
export const customSource = strict({
  source: requiredText,
  medium: optionalText,
  campaign: optionalText,
  content: optionalText,
  term: optionalText,
});

const tagFilter = {
  tags: tagSet,
  tagsLogic: optional(z.enum(["and", "or"], { error: expected(`"and" or "or"`, `"and" или "or"`) })),
};

const typeToMatch = optional(
  z.enum(["nearest", "nearestUniq", "nearestUniqLead"], {
    error: expected(`"nearest", "nearestUniq" or "nearestUniqLead"`, `"nearest", "nearestUniq" или "nearestUniqLead"`),
  }),
);

const contactSearch = {
  date: optionalDate,
  searchDepth: optional(
    z
      .int({ error: expected("a whole number of minutes", "целое число минут") })
      .check(z.minimum(1, { error: () => say("must be at least 1 minute", "не меньше 1 минуты") })),
  ),
  ...tagFilter,
};

/** A contact item that names no contact would match nothing: refuse it rather than send it. */
function withSomeContact<T extends z.ZodMiniType<Record<string, unknown>>>(params: T, contacts: readonly string[]) {
  return params.check(
    z.refine((value) => contacts.some((key) => value[key] !== undefined), {
      error: () => say(`give at least one of ${contacts.join(", ")}`, `укажите хотя бы одно из: ${contacts.join(", ")}`),
    }),
  );
}

const matchingItems = [
  strict({ type: z.literal("request"), requestParams: strict({ requestId: requiredCalltouchId, ...tagFilter }) }),
  strict({ type: z.literal("call"), callParams: strict({ callId: requiredCalltouchId, ...tagFilter }) }),
  strict({ type: z.literal("chat"), chatParams: strict({ chatId: requiredCalltouchId, ...tagFilter }) }),
  strict({ type: z.literal("session"), sessionParams: strict({ sessionId: requiredDigitsSet }) }),
  strict({
    type: z.literal("leadContact"),
    leadContactParams: withSomeContact(
      strict({ phones: phoneSet, emails: emailSet, leadTypeToMatch: typeToMatch, withChats: optional(boolean), ...contactSearch }),
      ["phones", "emails"],
    ),
  }),
  strict({
    type: z.literal("callContact"),
    callContactParams: withSomeContact(strict({ phones: phoneSet, md5Phones: md5Set, callTypeToMatch: typeToMatch, ...contactSearch }), [
      "phones",
      "md5Phones",
    ]),
  }),
  strict({
    type: z.literal("requestContact"),
    requestContactParams: withSomeContact(
      strict({ phones: phoneSet, emails: emailSet, md5Phones: md5Set, requestTypeToMatch: typeToMatch, ...contactSearch }),
      ["phones", "emails", "md5Phones"],
    ),
  }),
  strict({
    type: z.literal("chatContact"),
    chatContactParams: withSomeContact(
      strict({
        phones: phoneSet,
        emails: emailSet,
        waPhones: phoneSet,
        tgIds: digitsSet,
        tgUsernames: tgUsernameSet,
        vkIds: digitsSet,
        chatTypeToMatch: typeToMatch,
        ...contactSearch,
      }),
      ["phones", "emails", "waPhones", "tgIds", "tgUsernames", "vkIds"],
    ),
  }),
  strict({ type: z.literal("customSources"), customSourceParams: customSource }),
  strict({ type: z.literal("withoutSource") }),
] as const;

/**
 * The ten matching types of Calltouch, in the order of its documentation.
 *
 * @example MATCHING_TYPES.includes("callContact") // true
 */
export const MATCHING_TYPES: readonly CalltouchMatchingType[] = matchingItems.map((item) => item.shape.type.def.values[0]!);

const notAnItem = expected("a matching item: an object with a type", "элемент сопоставления: объект с полем type");

/** Names the wrong `type` itself: zod would only say that no option matched. */
function wrongItem(issue: { code?: string; input?: unknown }): string {
  if (issue.code !== "invalid_union") return notAnItem(issue);
  const type = typeof issue.input === "object" && issue.input !== null ? (issue.input as { type?: unknown }).type : undefined;
  const types = MATCHING_TYPES.join(", ");
  if (type === undefined) return say(`required: expected one of ${types}`, `обязательное поле: ожидается одно из ${types}`);
  const named = JSON.stringify(type);
  return say(
    `unknown matching type ${named}: expected one of ${types}`,
    `неизвестный тип сопоставления ${named}: ожидается одно из ${types}`,
  );
}

/**
 * One item of an explicit `matching` list: any of Calltouch's ten types, typed as in its documentation,
 * with phones, e-mails and dates normalized like everywhere else. It is sent as written: nothing is
 * added (no default `date`, `searchDepth` or `*TypeToMatch`).
 *
 * @example matchingItem.parse({ type: "callContact", callContactParams: { phones: ["8 915 777-11-22"], date: "2021-07-19T16:42:32+03:00" } })
 */
export const matchingItem = z.discriminatedUnion("type", matchingItems, { error: wrongItem });

/**
 * A validated explicit matching item; its `date`, if any, is still a zone-free `DealDate`.
 *
 * @example const item: MatchingItem = matchingItem.parse({ type: "session", sessionParams: { sessionId: [1234567] } });
 */
export type MatchingItem = z.output<typeof matchingItem>;

/**
 * The inputs from which a deal's matching is compiled, shared by create and update. Either the friendly
 * ones (`phones`, `emails`, `sessionId`, `callId`, `requestId`, `source`) or an explicit `matching`.
 */
export const matchingShape = {
  /** Every phone of the client; they feed `callContact` and `requestContact`. */
  phones: phoneSet,
  /** Every e-mail of the client; they feed `requestContact`. */
  emails: emailSet,
  /** The visitor's Calltouch session (`_ct_session_id`): matched first, it is exact. */
  sessionId: optionalDigits,
  /** A Calltouch call id: matched exactly, before any contact. */
  callId: optionalCalltouchId,
  /** A Calltouch form request id: matched exactly, before any contact. */
  requestId: optionalCalltouchId,
  /** The custom source used when no lead is found, in place of the configured default. */
  source: optional(customSource),
  /** An explicit matching list that replaces the compiled one entirely. */
  matching: optional(
    z
      .array(matchingItem, { error: expected("a list of matching items", "список элементов сопоставления") })
      .check(z.maxLength(LIMITS.matching, atMost(LIMITS.matching))),
  ),
};

type MatchingInput = { [K in keyof typeof matchingShape]?: z.output<(typeof matchingShape)[K]> };

const FRIENDLY_KEYS = ["phones", "emails", "sessionId", "callId", "requestId", "source"] as const;

/**
 * Refuses an order that gives both an explicit `matching` and friendly matching inputs: one would have
 * to silently lose to the other. A check on zod's payload rather than a `superRefine`, which gives every
 * order's payload a new `addIssue` closure; the issue is the one `superRefine` would make (`continue`:
 * the order's other problems are reported too).
 */
export function refuseMixedMatching(payload: z.core.ParsePayload<MatchingInput>): void {
  const order = payload.value;
  if (order.matching === undefined) return;
  const mixed = FRIENDLY_KEYS.filter((key) => order[key] !== undefined);
  if (mixed.length === 0) return;
  payload.issues.push({
    code: "custom",
    input: order,
    path: ["matching"],
    continue: true,
    message: say(
      `give either matching or ${FRIENDLY_KEYS.join("/")}, not both: matching replaces the list those compile to (also given: ${mixed.join(", ")})`,
      `укажите либо matching, либо ${FRIENDLY_KEYS.join("/")}, но не всё вместе: matching заменяет список, который из них строится (указаны также: ${mixed.join(", ")})`,
    ),
  });
}

/** Whether the order asks for matching at all (an update re-matches only when it does). */
export function hasMatchingInput(order: MatchingInput): boolean {
  return order.matching !== undefined || FRIENDLY_KEYS.some((key) => order[key] !== undefined);
}

/**
 * The matching list of an order. An explicit `matching` is sent as written, its dates put in site time.
 * Otherwise the chain is: `session`, `call`, `request` (those the order names, exact first), then the
 * memo's `callContact` (if there are phones) and `requestContact` (if there are phones or e-mails), both
 * `nearest` from `date` back `searchDepth` minutes, then `customSources` (the order's `source`, else the
 * configured default, else {@link OFFLINE_VISIT}). No item holds a key whose value is `undefined`.
 *
 * @example compileMatching({ phones: ["79157771122"] }, "19-07-2021 16:42:32", { timeZone: "Europe/Moscow" })
 */
export function compileMatching(order: MatchingInput, date: string, settings: CompileSettings): CalltouchMatchingItem[] {
  if (order.matching !== undefined) return order.matching.map((item) => withoutUndefined(withSiteTime(item, settings.timeZone)));
  const { phones, emails } = order;
  const searchDepth = settings.searchDepth ?? DEFAULT_SEARCH_DEPTH;
  const chain: CalltouchMatchingItem[] = [];
  if (order.sessionId !== undefined) chain.push({ type: "session", sessionParams: { sessionId: [order.sessionId] } });
  if (order.callId !== undefined) chain.push({ type: "call", callParams: { callId: order.callId } });
  if (order.requestId !== undefined) chain.push({ type: "request", requestParams: { requestId: order.requestId } });
  if (phones !== undefined) {
    chain.push({ type: "callContact", callContactParams: { phones, date, callTypeToMatch: "nearest", searchDepth } });
  }
  if (phones !== undefined || emails !== undefined) {
    const requestContactParams = definedFields({ phones, emails, date, requestTypeToMatch: "nearest" as const, searchDepth });
    chain.push({ type: "requestContact", requestContactParams });
  }
  chain.push({ type: "customSources", customSourceParams: withoutUndefined(order.source ?? settings.defaultSource) ?? OFFLINE_VISIT });
  return chain;
}

/** The one zone-dependent part of an explicit item is the `date` inside a contact item's params. */
function withSiteTime(item: MatchingItem, timeZone: string): CalltouchMatchingItem {
  for (const [key, params] of Object.entries(item)) {
    if (typeof params === "object" && params !== null && "date" in params && typeof params.date === "string") {
      return { ...item, [key]: { ...params, date: toSiteTime(params.date, timeZone) } } as CalltouchMatchingItem;
    }
  }
  return item;
}
