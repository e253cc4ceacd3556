import * as z from "zod";
import { type FieldIssue, issuesOf, type UnknownKeyAdvice } from "./issues";

// Schemas follow the upstream notes, docs/calltouch-api.md. Objects are strict on purpose: the gateway must send only
// Calltouch's fields, and a key from the other method's shape is exactly the bug this simulator exists to catch.

const DATE_FORMAT = /^(\d{2})-(\d{2})-(\d{4}) (\d{2}):(\d{2}):(\d{2})$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Why `value` is not a Calltouch date (`dd-MM-yyyy HH:mm:ss` naming a real moment), or `undefined` when it is one. */
export function dateProblem(value: string): string | undefined {
  const match = DATE_FORMAT.exec(value);
  if (!match) return `expected dd-MM-yyyy HH:mm:ss, got ${JSON.stringify(value)}`;
  const [day = 0, month = 0, year = 0, hour = 0, minute = 0, second = 0] = match.slice(1).map(Number);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const monthDays = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  const real = monthDays !== undefined && day >= 1 && day <= monthDays && hour <= 23 && minute <= 59 && second <= 59;
  return real ? undefined : `${JSON.stringify(value)} is not a real calendar date and time`;
}

const date = z.string().superRefine((value, ctx) => {
  const problem = dateProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

const MONEY_MESSAGE = 'expected a decimal string such as "1000.00" or a number';
const money = z.union([z.string().regex(/^-?\d+(\.\d+)?$/, MONEY_MESSAGE), z.number()], { error: MONEY_MESSAGE });

const text = z.string();
const nonEmpty = z.string().min(1, "must not be empty");
const strings = z.array(z.string());
const id = z.union([nonEmpty, z.int()], { error: "expected a string or an integer" });
const searchDepth = z.int().min(0);
const typeToMatch = z.enum(["nearest", "nearestUniq", "nearestUniqLead"]);

/** A params object that must name the lead by at least one of `keys` (an empty contact search finds nothing). */
function needsOneOf<T extends z.ZodObject>(schema: T, keys: readonly (keyof z.infer<T> & string)[]) {
  return schema.superRefine((params, ctx) => {
    const present = keys.some((key) => {
      const value: unknown = params[key];
      return Array.isArray(value) ? value.length > 0 : value !== undefined && value !== "";
    });
    if (!present) ctx.addIssue({ code: "custom", message: `needs at least one of: ${keys.join(", ")}` });
  });
}

const tagSearch = { tags: strings.optional(), tagsLogic: text.optional() };

// The table "Matching: how a deal finds its lead": each type carries exactly its own params key.
const matchingOptions = [
  z.strictObject({ type: z.literal("request"), requestParams: z.strictObject({ requestId: id, ...tagSearch }) }),
  z.strictObject({ type: z.literal("call"), callParams: z.strictObject({ callId: id, ...tagSearch }) }),
  z.strictObject({ type: z.literal("chat"), chatParams: z.strictObject({ chatId: id, ...tagSearch }) }),
  z.strictObject({
    type: z.literal("session"),
    sessionParams: z.strictObject({ sessionId: z.array(nonEmpty).min(1, "must list at least one session id") }),
  }),
  z.strictObject({
    type: z.literal("leadContact"),
    leadContactParams: needsOneOf(
      z.strictObject({
        phones: strings.optional(),
        emails: strings.optional(),
        date: date.optional(),
        leadTypeToMatch: typeToMatch.optional(),
        searchDepth: searchDepth.optional(),
        withChats: z.boolean().optional(),
        ...tagSearch,
      }),
      ["phones", "emails"],
    ),
  }),
  z.strictObject({
    type: z.literal("callContact"),
    callContactParams: needsOneOf(
      z.strictObject({
        phones: strings.optional(),
        md5Phones: strings.optional(),
        date: date.optional(),
        callTypeToMatch: typeToMatch.optional(),
        searchDepth: searchDepth.optional(),
        ...tagSearch,
      }),
      ["phones", "md5Phones"],
    ),
  }),
  z.strictObject({
    type: z.literal("requestContact"),
    requestContactParams: needsOneOf(
      z.strictObject({
        phones: strings.optional(),
        emails: strings.optional(),
        md5Phones: strings.optional(),
        date: date.optional(),
        requestTypeToMatch: typeToMatch.optional(),
        searchDepth: searchDepth.optional(),
        ...tagSearch,
      }),
      ["phones", "emails", "md5Phones"],
    ),
  }),
  z.strictObject({
    type: z.literal("chatContact"),
    chatContactParams: needsOneOf(
      z.strictObject({
        phones: strings.optional(),
        emails: strings.optional(),
        waPhones: strings.optional(),
        tgIds: strings.optional(),
        tgUsernames: strings.optional(),
        vkIds: strings.optional(),
        date: date.optional(),
        chatTypeToMatch: typeToMatch.optional(),
        searchDepth: searchDepth.optional(),
      }),
      ["phones", "emails", "waPhones", "tgIds", "tgUsernames", "vkIds"],
    ),
  }),
  z.strictObject({
    type: z.literal("customSources"),
    customSourceParams: needsOneOf(
      z.strictObject({
        source: text.optional(),
        medium: text.optional(),
        campaign: text.optional(),
        content: text.optional(),
        term: text.optional(),
      }),
      ["source", "medium", "campaign", "content", "term"],
    ),
  }),
  z.strictObject({ type: z.literal("withoutSource") }),
] as const;
const MATCHING_TYPES = matchingOptions.map((option) => option.shape.type.value);
const matchingItem = z.discriminatedUnion("type", matchingOptions, {
  error: (issue) => {
    if (issue.code !== "invalid_union") return undefined;
    const input: unknown = issue.input;
    const type = typeof input === "object" && input !== null && "type" in input ? input.type : undefined;
    const expected = MATCHING_TYPES.join(", ");
    return `unknown matching type ${JSON.stringify(type) ?? "(missing)"}; expected one of: ${expected}`;
  },
});
const matching = z.array(matchingItem).min(1, "must list at least one matching item");

const tag = z.strictObject({ tag: nonEmpty });
const customField = z.strictObject({ field: nonEmpty, value: z.union([z.string(), z.number(), z.boolean()]) });
const contactKeys = ["phoneNumber", "email", "waPhone", "tgId", "tgUsername", "vkId"] as const;

// Fields that CreateOrder and UpdateOrder share, with the same shape in both.
const common = {
  orderNumber: nonEmpty,
  status: text,
  statusDate: date,
  funnel: text,
  currency: text,
  revenue: money,
  margin: money,
  manager: text,
  orderLink: text,
  orderName: text,
  addTagsToLead: z.strictObject({ overwrite: z.boolean().optional(), tags: z.array(tag) }),
  customFields: z.array(customField),
  addCustomFieldsToLead: z.strictObject({ overwrite: z.boolean().optional(), customFields: z.array(customField) }),
  products: z.array(
    z.strictObject({
      name: nonEmpty,
      price: money,
      brand: text.optional(),
      category: text.optional(),
      variant: text.optional(),
      quantity: z.number().min(0).optional(),
    }),
  ),
  orderContacts: z.strictObject({
    mainContacts: z.strictObject({ fio: text.optional(), ...optionalEach(contactKeys, text) }).optional(),
    otherContacts: z.strictObject(optionalEach(contactKeys, strings)).optional(),
  }),
};

function optionalEach<K extends string, S extends z.ZodType>(keys: readonly K[], schema: S) {
  return Object.fromEntries(keys.map((key) => [key, schema.optional()])) as Record<K, z.ZodOptional<S>>;
}

const createOrder = z
  .strictObject({
    ...common,
    matching,
    orderDate: date,
    comment: z.strictObject({ text: z.string() }),
    addTags: z.array(tag, {
      error: "on create addTags is an array [{tag}]; the object {overwrite, tags} is update's shape",
    }),
  })
  .partial()
  .required({ orderNumber: true });

const updateOrder = z
  .strictObject({
    ...common,
    reMatching: matching,
    updateDate: date,
    leadManager: z.strictObject({ manager: z.string(), overwrite: z.boolean().optional() }),
    addNewComment: z.strictObject({ text: z.string() }),
    addTags: z.strictObject(
      { overwrite: z.boolean().optional(), tags: z.array(tag) },
      { error: "on update addTags is an object {overwrite, tags: [{tag}]}; the plain array is create's shape" },
    ),
  })
  .partial()
  .required({ orderNumber: true });

/** The keys a CreateOrder may carry. */
export const CREATE_ORDER_KEYS = createOrder.keyof().options;
const UPDATE_ORDER_KEYS = updateOrder.keyof().options;

/** A create order as validated (Calltouch's own field names). */
export type CreateOrder = z.infer<typeof createOrder>;
/** An update order as validated. */
export type UpdateOrder = z.infer<typeof updateOrder>;
/** The three Calltouch deal methods the simulator plays. */
export type Method = "create" | "update" | "delete";

/** A request body that passed validation, tagged with its method. */
export type ValidBody =
  | { method: "create"; crm: string; orders: CreateOrder[] }
  | { method: "update"; crm?: string | undefined; orders: UpdateOrder[] }
  | { method: "delete"; orderNumbers: string[] };

/** The limits and variants validation depends on. */
export interface ValidationSettings {
  maxOrdersPerRequest: number;
  requiredOnCreate: readonly CreateOrderKey[];
}
type CreateOrderKey = (typeof CREATE_ORDER_KEYS)[number];

// What the other method calls the same thing: the advice attached to an unknown key.
const ELSEWHERE: Record<"create" | "update", Record<string, string>> = {
  create: {
    reMatching: 'use "matching" on create; "reMatching" is update\'s',
    addNewComment: 'use "comment" on create; "addNewComment" is update\'s',
    updateDate: "updateDate is update's; create has orderDate and statusDate",
    leadManager: "leadManager is update's only",
  },
  update: {
    matching: 'use "reMatching" on update; "matching" is create\'s',
    comment: 'use "addNewComment" on update; "comment" is create\'s',
    orderDate: "orderDate is create's; update has updateDate and statusDate",
  },
};

function unknownKeyAdvice(method: Method, rootKeys: readonly string[]): UnknownKeyAdvice {
  return (objectPath, key) => {
    if (objectPath.length === 0) return `unknown key; allowed: ${rootKeys.join(", ")}`;
    const isOrder = objectPath.length === 2 && objectPath[0] === "orders";
    if (!isOrder || method === "delete") return undefined;
    const allowed = method === "create" ? CREATE_ORDER_KEYS : UPDATE_ORDER_KEYS;
    return ELSEWHERE[method][key] ?? `unknown key; allowed on ${method}: ${allowed.join(", ")}`;
  };
}

function orderList<T extends z.ZodType>(order: T, max: number) {
  return z
    .array(order, { error: "expected an array of orders" })
    .min(1, "must hold at least one order")
    .max(max, {
      error: (issue) => {
        const got = Array.isArray(issue.input) ? issue.input.length : "more";
        return `at most ${max} orders per request, got ${got}`;
      },
    });
}

function bodySchema(method: Method, settings: ValidationSettings) {
  const max = settings.maxOrdersPerRequest;
  switch (method) {
    case "create": {
      const required: Partial<Record<CreateOrderKey, true>> = Object.fromEntries(settings.requiredOnCreate.map((key) => [key, true]));
      return z.strictObject({ crm: nonEmpty, orders: orderList(createOrder.required(required), max) });
    }
    case "update":
      return z.strictObject({ crm: z.string().optional(), orders: orderList(updateOrder, max) });
    case "delete":
      return z.strictObject({
        orderNumbers: z
          .array(nonEmpty, { error: "expected an array of orderNumber strings" })
          .min(1, "must hold at least one orderNumber")
          .max(max, `at most ${max} orderNumbers per request`),
      });
  }
}

/**
 * Checks a parsed JSON body against Calltouch's shape for `method`. Refuses the whole request on any issue,
 * as Calltouch does, and lists every issue found (not just the first).
 */
export function validateBody(
  method: Method,
  body: unknown,
  settings: ValidationSettings,
): { ok: true; body: ValidBody } | { ok: false; issues: FieldIssue[] } {
  const schema = bodySchema(method, settings);
  const parsed = schema.safeParse(body, {
    error: (issue) => (issue.code === "invalid_type" && issue.input === undefined ? "required" : undefined),
  });
  if (!parsed.success) {
    return { ok: false, issues: issuesOf(parsed.error, unknownKeyAdvice(method, schema.keyof().options)) };
  }
  // The schema for `method` yields exactly that method's body.
  return { ok: true, body: { method, ...parsed.data } as ValidBody };
}

/**
 * The issues of the envelope: a Content-Type that does not announce JSON, a body that is not JSON.
 * `json` is the body as {@link parseJson} read it.
 */
export function envelopeIssues(contentType: string | undefined, json: unknown): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!/^application\/json\s*(;|$)/i.test(contentType ?? "")) {
    const message = `expected application/json, got ${JSON.stringify(contentType ?? null)}`;
    issues.push({ field: "headers.Content-Type", message });
  }
  if (json === NOT_JSON) issues.push({ field: "", message: "body is not valid JSON" });
  return issues;
}

/** Marks text that did not parse as JSON. */
export const NOT_JSON: unique symbol = Symbol("not JSON");

/** `JSON.parse` that answers {@link NOT_JSON} instead of throwing. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}
