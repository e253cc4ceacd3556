/**
 * The OpenAPI 3.1 document of the REST API (`/v1`), generated from the contract's zod schemas: the same
 * schemas validate the requests, so the document cannot promise a field the gateway refuses. It imports
 * no Worker APIs, so Node tests can read it too.
 */
import {
  dryRunInput,
  dryRunResult,
  MAX_ORDERS_PER_CALL,
  MAX_WAIT_MS,
  memoExampleOrder,
  orderCreateInput,
  orderStatus,
  ordersCreateInput,
  ordersUpdateInput,
  orderUpdateInput,
  receipt,
  receipts,
} from "@calltouch-gateway/contract";
import * as z from "zod";

const fieldError = z.object({
  path: z.array(z.union([z.string(), z.int()])).describe("Keys and list positions from the root of the input"),
  field: z.string().describe('The path as JavaScript writes it: "[3].phones[0]"'),
  message: z.string(),
});
const error = z.object({
  error: z.object({
    message: z.string(),
    requestId: z.string().optional().describe("Quote it when reporting a problem; also in the X-Request-Id header"),
    fieldErrors: z.array(fieldError).optional().describe("Present on a 400 for invalid input: one entry per offending field"),
  }),
});

const components = z.registry<{ id: string }>();
components.add(orderCreateInput, { id: "OrderCreate" });
components.add(orderUpdateInput, { id: "OrderUpdate" });
components.add(ordersCreateInput, { id: "OrdersCreate" });
components.add(ordersUpdateInput, { id: "OrdersUpdate" });
components.add(dryRunInput, { id: "DryRun" });
components.add(receipt, { id: "Receipt" });
components.add(receipts, { id: "Receipts" });
components.add(orderStatus, { id: "OrderStatus" });
components.add(dryRunResult, { id: "DryRunResult" });
components.add(fieldError, { id: "FieldError" });
components.add(error, { id: "Error" });

type JsonSchema = Record<string, unknown>;

function generatedSchemas(): Record<string, JsonSchema> {
  // Input, not output: callers write the input (`revenue: 1000`, `phones: ["8 915 …"]`), the gateway normalizes it.
  const { schemas } = z.toJSONSchema(components, {
    io: "input",
    target: "draft-2020-12",
    uri: (id) => `#/components/schemas/${id}`,
  });
  // Each component would repeat the dialect, which the document's jsonSchemaDialect says once, and carry
  // its reference as `$id`, which 2020-12 forbids to have a fragment; the components' keys name them.
  return Object.fromEntries(Object.entries(schemas).map(([id, { $schema: _dialect, $id: _id, ...schema }]) => [id, schema as JsonSchema]));
}

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (schema: JsonSchema, example?: unknown) => ({
  "application/json": { schema, ...(example === undefined ? {} : { example }) },
});
const problem = (description: string) => ({ description, content: json(ref("Error")) });

/** The answers every authenticated operation may give besides its success. */
const refusals = {
  "400": problem("Invalid input: `error.fieldErrors` names each offending field; nothing was stored"),
  "401": problem("No valid API key: send `Authorization: Bearer <key>`"),
  "403": problem("The key lacks the operation's scope"),
  "413": problem(`The body is larger than MAX_BODY_BYTES, or has more than MAX_ORDERS_PER_CALL orders`),
  "429": {
    ...problem("Too many requests for this key; retry after `Retry-After` seconds"),
    headers: { "Retry-After": { schema: { type: "integer" }, description: "Seconds to wait" } },
  },
  "500": problem("An internal failure; quote `error.requestId`"),
};

const exampleReceipts = { receipts: [{ orderNumber: memoExampleOrder.orderNumber, changeId: 1, state: "queued", attempts: 0 }] };
const exampleUpdate = { status: "Оплачено", revenue: "1500.00", comment: "Оплата по счёту 17" };

/**
 * Builds the document. Exported for tests; the Worker serves {@link openApiDocument}, built once.
 *
 * @example buildOpenApiDocument().paths["/v1/orders"].post.requestBody.content["application/json"].example // memoExampleOrder
 */
export function buildOpenApiDocument() {
  const schemas = generatedSchemas();
  const { required, ...update } = schemas.OrderUpdate as JsonSchema & { required?: string[] };
  // The path names the deal; a body may repeat its orderNumber, so here it is optional.
  schemas.OrderChange = {
    ...update,
    ...(required ? { required: required.filter((key) => key !== "orderNumber") } : {}),
    description: "One update of the deal the path names: at least one field besides orderNumber",
  };
  const orderNumberParam = {
    name: "orderNumber",
    in: "path",
    required: true,
    description: "The CRM's deal id",
    schema: { type: "string", minLength: 1, maxLength: 255 },
    example: memoExampleOrder.orderNumber,
  };
  const waitParam = (what: string) => ({
    name: "wait",
    in: "query",
    required: false,
    description: `Hold the answer up to this many milliseconds until the ${what} is delivered or dead`,
    schema: { type: "integer", minimum: 0, maximum: MAX_WAIT_MS },
  });
  const idempotencyKeyParam = {
    name: "Idempotency-Key",
    in: "header",
    required: false,
    description:
      "A retried call with the same key answers the first call's receipts without storing anything twice; the same key with another body is a 409. Per API key.",
    schema: { type: "string", minLength: 1, maxLength: 255 },
  };
  return {
    openapi: "3.1.1",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "calltouch-gateway REST API",
      version: "1",
      description:
        "Deals from a CRM to Calltouch, through a durable outbox: a 2xx means the changes are stored, and each is then delivered exactly once or parked as dead with its reason. The same operations as the tRPC procedures `orders.create`, `orders.update`, `orders.delete`, `orders.validate` and `orders.status`, with the same validation, keys, scopes, limits and receipts.",
    },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }],
    tags: [{ name: "orders", description: "Create deals, update them, follow their delivery" }],
    paths: {
      "/v1/orders": {
        post: {
          operationId: "createOrders",
          tags: ["orders"],
          summary: "Create deals (orders.create)",
          description: `One order, a list of up to ${MAX_ORDERS_PER_CALL}, or \`{ orders, wait }\` to hold the answer up to \`wait\` ms (at most ${MAX_WAIT_MS}) until delivery. Needs the orders:write scope.`,
          parameters: [idempotencyKeyParam],
          requestBody: { required: true, content: json(ref("OrdersCreate"), memoExampleOrder) },
          responses: {
            "201": { description: "Stored: a receipt per order, in input order", content: json(ref("Receipts"), exampleReceipts) },
            ...refusals,
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
          requestBody: { required: true, content: json(ref("DryRun"), { create: memoExampleOrder }) },
          responses: { "200": { description: "What each order would be sent as", content: json(ref("DryRunResult")) }, ...refusals },
        },
      },
      "/v1/orders/{orderNumber}": {
        patch: {
          operationId: "updateOrder",
          tags: ["orders"],
          summary: "Update a deal (orders.update)",
          description: "Only the fields given change. A body naming another orderNumber is a 400. Needs the orders:write scope.",
          parameters: [orderNumberParam, idempotencyKeyParam, waitParam("change")],
          requestBody: { required: true, content: json(ref("OrderChange"), exampleUpdate) },
          responses: {
            "200": { description: "Stored: the change's receipt", content: json(ref("Receipts")) },
            ...refusals,
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
            "200": { description: "The deal's status", content: json(ref("OrderStatus")) },
            "404": problem("The gateway never accepted a change of this deal"),
            ...refusals,
          },
        },
        delete: {
          operationId: "deleteOrder",
          tags: ["orders"],
          summary: "Delete a deal in Calltouch (orders.delete)",
          description:
            "Queued in order with the deal's other changes; once delivered, the gateway forgets the deal, so that a later create creates it again. Needs the orders:write scope.",
          parameters: [orderNumberParam, idempotencyKeyParam, waitParam("delete")],
          responses: {
            "200": { description: "Stored: the delete's receipt", content: json(ref("Receipts")) },
            ...refusals,
            "409": problem("The Idempotency-Key was used with another body"),
          },
        },
      },
    },
    components: {
      schemas,
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "A secret API key of API_KEYS (`pnpm run keys` makes one)" },
      },
    },
  };
}

/**
 * The document `GET /openapi.json` serves, built once at module load: the schemas do not change while
 * the Worker runs, and converting them on every request would spend CPU for nothing.
 *
 * @example app.get("/openapi.json", (c) => c.json(openApiDocument));
 */
export const openApiDocument = buildOpenApiDocument();
