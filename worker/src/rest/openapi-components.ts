/**
 * The OpenAPI document's component schemas, converted from the contract's zod schemas to JSON Schema.
 * Only the build runs this (scripts/openapi-schemas.mjs writes worker/public/openapi-schemas.json, a
 * static asset the Worker reads): zod's JSON Schema converter and the schemas it yields are bytes the
 * Worker would carry for one document that never changes while it runs. test/tooling/openapi-schemas.test.ts fails when the JSON is not what this yields.
 */
import {
  changePage,
  deadReasons,
  deliveriesReplayInput,
  dryRunInput,
  dryRunResult,
  orderCreateInput,
  orderStatus,
  ordersCreateInput,
  ordersUpdateInput,
  orderUpdateInput,
  receipt,
  receipts,
  replayed,
  resumed,
  siteOverview,
} from "@calltouch-gateway/contract";
import * as z from "zod";

const fieldError = z.object({
  path: z.array(z.union([z.string(), z.int().min(0)])).describe("Keys and list positions from the root of the input"),
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

/** A JSON Schema, as the document holds it. */
export type JsonSchema = Record<string, unknown>;

/**
 * Each component's JSON Schema, by its name in the document (`#/components/schemas/<name>`), with the
 * contract's widest bounds: the Worker narrows them to the deployment's limits.
 *
 * @example componentSchemas().OrderCreate.properties.orderNumber // { anyOf: [{ type: "string", … }, …] }
 */
export function componentSchemas(): Record<string, JsonSchema> {
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
  components.add(siteOverview, { id: "SiteOverview" });
  components.add(changePage, { id: "ChangePage" });
  components.add(deadReasons, { id: "DeadReasons" });
  components.add(deliveriesReplayInput, { id: "DeliveriesReplay" });
  components.add(replayed, { id: "Replayed" });
  components.add(resumed, { id: "Resumed" });
  components.add(fieldError, { id: "FieldError" });
  components.add(error, { id: "Error" });
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
