/**
 * The OpenAPI 3.1 document of the REST API (`/v1`), made of the contract's zod schemas (converted to JSON
 * Schema at build time: openapi-components.ts) and the deployment's limits: the same schemas and settings
 * judge the requests, so the document cannot promise a field, a bound or an answer the gateway does not
 * keep. It imports no Worker APIs, so Node tests (and an independent linter there) read it too.
 */
import { CHANGE_STATES, memoExampleOrder } from "@calltouch-gateway/contract";
import { memo } from "../memo";
import type { JsonSchema } from "./openapi-components";

/** The contract's schemas as JSON Schema by component name, converted at build time (scripts/openapi-schemas.mjs). */
export type ComponentSchemas = Record<string, JsonSchema>;

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (schema: JsonSchema, example?: unknown) => ({
  "application/json": { schema, ...(example === undefined ? {} : { example }) },
});
/** Every answer carries the gateway's id of the request, also in the error body of a refusal. */
const requestIdHeader = { "X-Request-Id": { $ref: "#/components/headers/RequestId" } };
const answer = (description: string, content?: ReturnType<typeof json>, headers = {}) => ({
  description,
  headers: { ...requestIdHeader, ...headers },
  ...(content === undefined ? {} : { content }),
});
const problem = (description: string, headers = {}) => answer(description, json(ref("Error")), headers);

/** The limits a deployment sets, which the document states as they are there (the settings' names). */
export interface DocumentedLimits {
  /** `MAX_ORDERS_PER_CALL` */
  maxOrdersPerCall: number;
  /** `WAIT_MAX_MS` */
  maxWaitMs: number;
  /** `MAX_BODY_BYTES` */
  maxBodyBytes: number;
}

/** The refusals an operation may answer, each said once for every operation that can give it. */
function refusalsOf(limits: DocumentedLimits) {
  return {
    "400": problem(
      "Invalid input: `error.fieldErrors` names each offending field (a repeated JSON key, a number a float cannot hold exactly, a lone surrogate, JSON nested past 32 levels, a wrong value), or the body is not text in its charset; nothing was stored",
    ),
    "401": problem("No valid API key: send `Authorization: Bearer <key>`"),
    "403": problem("The key lacks the operation's scope, or the request came from a web page (secret keys belong on servers)"),
    "413": problem(
      `The body is larger than MAX_BODY_BYTES (${limits.maxBodyBytes} bytes here), or carries more than MAX_ORDERS_PER_CALL (${limits.maxOrdersPerCall} here) orders`,
    ),
    "415": problem(
      "The body is not `application/json`, or declares a charset the gateway does not read (it reads UTF-8, windows-1251, koi8-r, koi8-u, ibm866, iso-8859-5 and x-mac-cyrillic)",
    ),
    "429": problem("Too many requests for this key; retry after `Retry-After` seconds", {
      "Retry-After": { schema: { type: "integer", minimum: 1 }, description: "Seconds to wait" },
    }),
    "500": problem("An internal failure; quote `error.requestId`"),
  };
}

/** What a body must be, said on every operation that takes one. */
const BODY_RULES =
  "JSON in UTF-8 (`Content-Type: application/json`), or in the charset it declares (`application/json; charset=windows-1251`; also koi8-r, koi8-u, ibm866, iso-8859-5, x-mac-cyrillic). Each key once per object; numbers within ±9007199254740991 and exact as written (send longer ids and amounts as strings).";

/**
 * `OrdersCreate` / `OrdersUpdate` as the deployment takes them: at most `maxOrdersPerCall` orders, a
 * `wait` of at most `maxWaitMs`. The contract's schemas hold the widest bounds any deployment may set.
 */
function callWithin(call: JsonSchema, limits: DocumentedLimits): JsonSchema {
  const branches = (call.anyOf as JsonSchema[]).map((branch) => {
    if (branch.type === "array") return { ...branch, maxItems: limits.maxOrdersPerCall };
    if (branch.type !== "object") return branch;
    const { orders, wait } = branch.properties as { orders: JsonSchema; wait: { anyOf: JsonSchema[] } };
    const waits = wait.anyOf.map((option) => (option.type === "integer" ? { ...option, maximum: limits.maxWaitMs } : option));
    return {
      ...branch,
      properties: {
        ...(branch.properties as object),
        orders: { ...orders, maxItems: limits.maxOrdersPerCall },
        wait: { ...wait, anyOf: waits },
      },
    };
  });
  return { ...call, anyOf: branches };
}

const exampleReceipts = { receipts: [{ orderNumber: memoExampleOrder.orderNumber, changeId: 1, state: "queued", attempts: 0 }] };
const exampleUpdate = { status: "Оплачено", revenue: "1500.00", comment: "Оплата по счёту 17" };

/**
 * Builds the document for a deployment's limits from the contract's schemas (`components`: the static
 * asset `/openapi-schemas.json`). Exported for tests; the Worker serves {@link openApiDocumentFor}, built
 * once per set of limits.
 *
 * @example buildOpenApiDocument({ maxOrdersPerCall: 1000, maxWaitMs: 30_000, maxBodyBytes: 2_097_152 }, components).paths["/v1/orders"].post.requestBody.content["application/json"].example // memoExampleOrder
 */
export function buildOpenApiDocument(limits: DocumentedLimits, components: ComponentSchemas) {
  const schemas = { ...components };
  schemas.OrdersCreate = callWithin(schemas.OrdersCreate!, limits);
  schemas.OrdersUpdate = callWithin(schemas.OrdersUpdate!, limits);
  const { required, ...update } = schemas.OrderUpdate as JsonSchema & { required?: string[] };
  // The path names the deal; a body may repeat its orderNumber, so here it is optional.
  schemas.OrderChange = {
    ...update,
    ...(required ? { required: required.filter((key) => key !== "orderNumber") } : {}),
    description: "One update of the deal the path names: at least one field besides orderNumber",
  };
  const withBody = refusalsOf(limits);
  // What a call without a body can be refused for: neither its body nor its media type.
  const { "400": _invalid, "413": _tooLarge, "415": _unsupported, ...anyCall } = withBody;
  const orderNumberParam = {
    name: "orderNumber",
    in: "path",
    required: true,
    description: "The CRM's deal id, percent-encoded as UTF-8",
    schema: { type: "string", minLength: 1, maxLength: 255 },
    example: memoExampleOrder.orderNumber,
  };
  const waitParam = (what: string) => ({
    name: "wait",
    in: "query",
    required: false,
    description: `Hold the answer up to this many milliseconds until the ${what} is delivered or dead`,
    schema: { type: "integer", minimum: 0, maximum: limits.maxWaitMs },
  });
  const idempotencyKeyParam = {
    name: "Idempotency-Key",
    in: "header",
    required: false,
    description:
      "A retried call with the same key answers the first call's receipts without storing anything twice; the same key with another body is a 409. Per API key.",
    schema: { type: "string", minLength: 1, maxLength: 255 },
  };
  const body = (schema: JsonSchema, example: unknown) => ({ required: true, description: BODY_RULES, content: json(schema, example) });
  return {
    openapi: "3.1.1",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "calltouch-gateway REST API",
      version: "1",
      description:
        "Deals from a CRM to Calltouch, through a durable outbox: a 2xx means the changes are stored, and each is then delivered exactly once or parked as dead with its reason. The same operations as the tRPC procedures `orders.create`, `orders.update`, `orders.delete`, `orders.validate` and `orders.status`, with the same validation, keys, scopes, limits and receipts. Bounds are this deployment's settings.",
      // The repository grants no licence yet; the document says so rather than invent one.
      license: { name: "Proprietary: no licence is granted", identifier: "LicenseRef-Proprietary" },
    },
    servers: [{ url: "/", description: "The gateway that serves this document" }],
    security: [{ bearer: [] }],
    tags: [
      { name: "orders", description: "Create deals, update them, follow their delivery" },
      { name: "deliveries", description: "For operators: what waits, what died and why, replaying it, lifting a pause" },
    ],
    paths: {
      "/v1/orders": {
        post: {
          operationId: "createOrders",
          tags: ["orders"],
          summary: "Create deals (orders.create)",
          description: `One order, a list of up to ${limits.maxOrdersPerCall}, or \`{ orders, wait }\` to hold the answer up to \`wait\` ms (at most ${limits.maxWaitMs}) until delivery. Needs the orders:write scope.`,
          parameters: [idempotencyKeyParam],
          requestBody: body(ref("OrdersCreate"), memoExampleOrder),
          responses: {
            "201": answer("Stored: a receipt per order, in input order", json(ref("Receipts"), exampleReceipts)),
            ...withBody,
            "409": problem("The Idempotency-Key was used with another body"),
          },
        },
      },
      "/v1/orders:validate": {
        post: {
          operationId: "validateOrders",
          tags: ["orders"],
          summary: "Dry run (orders.validate)",
          description:
            "`{ create: input }` or `{ update: input }`: the Calltouch JSON each order would be sent as, or the same 400 the call would get. Stores nothing. Needs the orders:write scope.",
          requestBody: body(ref("DryRun"), { create: memoExampleOrder }),
          responses: { "200": answer("What each order would be sent as", json(ref("DryRunResult"))), ...withBody },
        },
      },
      "/v1/orders/{orderNumber}": {
        patch: {
          operationId: "updateOrder",
          tags: ["orders"],
          summary: "Update a deal (orders.update)",
          description: "Only the fields given change. A body naming another orderNumber is a 400. Needs the orders:write scope.",
          parameters: [orderNumberParam, idempotencyKeyParam, waitParam("change")],
          requestBody: body(ref("OrderChange"), exampleUpdate),
          responses: {
            "200": answer("Stored: the change's receipt", json(ref("Receipts"))),
            ...withBody,
            "409": problem("The Idempotency-Key was used with another body"),
          },
        },
        get: {
          operationId: "orderStatus",
          tags: ["orders"],
          summary: "A deal's delivery status (orders.status)",
          description: "The state of the deal's latest change, Calltouch's id and its history. Needs the orders:read scope.",
          parameters: [orderNumberParam],
          responses: {
            "200": answer("The deal's status", json(ref("OrderStatus"))),
            "400": problem(
              "The path is no deal id: its percent-encoding is not UTF-8, or the id is longer than 255 characters or holds control or invisible characters",
            ),
            "404": problem("The gateway never accepted a change of this deal"),
            ...anyCall,
          },
        },
        delete: {
          operationId: "deleteOrder",
          tags: ["orders"],
          summary: "Delete a deal in Calltouch (orders.delete)",
          description:
            "Queued in order with the deal's other changes; once delivered, the gateway forgets the deal, so that a later create creates it again. Takes no body: the path names the deal. Needs the orders:write scope.",
          parameters: [orderNumberParam, idempotencyKeyParam, waitParam("delete")],
          responses: {
            "200": answer("Stored: the delete's receipt", json(ref("Receipts"))),
            "400": problem(
              `The path is no deal id (its percent-encoding is not UTF-8, or the id is longer than 255 characters or holds control or invisible characters), or \`wait\` is not a whole number of milliseconds up to ${limits.maxWaitMs}`,
            ),
            ...anyCall,
            "409": problem("The Idempotency-Key was used with another deal"),
          },
        },
      },
      "/v1/deliveries/stats": {
        get: {
          operationId: "deliveryStats",
          tags: ["deliveries"],
          summary: "The site's delivery in numbers (deliveries.stats)",
          description:
            "Counts by state, the oldest queued change's age, a pause with its reason, the changes delivered today, and per minute over the last 24 hours how many were delivered, died or went back to wait. Needs the orders:read scope.",
          responses: { "200": answer("The key's site", json(ref("SiteOverview"))), ...anyCall },
        },
      },
      "/v1/deliveries": {
        get: {
          operationId: "listDeliveries",
          tags: ["deliveries"],
          summary: "The site's changes in one state (deliveries.list)",
          description: "Oldest first; page with `after`, the `next` of the previous page. Needs the orders:read scope.",
          parameters: [
            { name: "state", in: "query", required: false, schema: { type: "string", enum: [...CHANGE_STATES], default: "dead" } },
            { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 1000, default: 100 } },
            { name: "after", in: "query", required: false, schema: { type: "integer", minimum: 0, default: 0 } },
          ],
          responses: { "200": answer("A page of changes", json(ref("ChangePage"))), ...anyCall, "400": withBody["400"] },
        },
      },
      "/v1/deliveries/dead-reasons": {
        get: {
          operationId: "deadReasons",
          tags: ["deliveries"],
          summary: "Dead letters grouped by reason",
          description:
            "Calltouch's refusals (or the last failures) with quoted values and numbers masked, so that one refusal of many deals is one group, the largest first. Needs the orders:read scope.",
          responses: { "200": answer("The groups", json(ref("DeadReasons"))), ...anyCall },
        },
      },
      "/v1/deliveries:replay": {
        post: {
          operationId: "replayDeliveries",
          tags: ["deliveries"],
          summary: "Send dead changes again (deliveries.replay)",
          description:
            "By `changeIds`, `orderNumbers`, or every dead letter of a `reason`; each with a fresh retry budget, decided again from facts. A change is refused when a later change of its deal was delivered. Needs the admin scope.",
          requestBody: { required: true, content: json(ref("DeliveriesReplay"), { changeIds: [17, 18] }) },
          responses: { "200": answer("What was queued again, and what was refused", json(ref("Replayed"))), ...withBody },
        },
      },
      "/v1/deliveries:resume": {
        post: {
          operationId: "resumeDelivery",
          tags: ["deliveries"],
          summary: "Lift a pause (deliveries.resume)",
          description: "Once the credentials are fixed on Calltouch's side. Needs the admin scope.",
          responses: { "200": answer("Whether a pause was lifted", json(ref("Resumed"))), ...anyCall },
        },
      },
    },
    components: {
      schemas,
      headers: {
        RequestId: {
          description:
            "The gateway's id of this request: quote it when reporting a problem (a caller's own X-Request-Id is logged beside it, never echoed)",
          schema: { type: "string", format: "uuid" },
        },
      },
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          description: "A secret API key of API_KEYS (`scripts/run keys create --id … --site … --scopes orders:write` makes one)",
        },
      },
    },
  };
}

const documents = new Map<string, ReturnType<typeof buildOpenApiDocument>>();

/**
 * The document `GET /openapi.json` serves for a deployment's limits, built the first time they are
 * asked for: the schemas do not change while the Worker runs, and converting them on every request
 * would spend CPU for nothing.
 *
 * `components` are the same for every call of an isolate (one static asset).
 *
 * @example app.get("/openapi.json", async (c) => c.json(openApiDocumentFor(limitsOf(settings), await componentSchemas(c.env.ASSETS, c.req.url))));
 */
export function openApiDocumentFor(limits: DocumentedLimits, components: ComponentSchemas): ReturnType<typeof buildOpenApiDocument> {
  return memo(documents, `${limits.maxOrdersPerCall}:${limits.maxWaitMs}:${limits.maxBodyBytes}`, () =>
    buildOpenApiDocument(limits, components),
  );
}
