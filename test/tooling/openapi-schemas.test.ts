import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { openApiSchemasJson, SCHEMAS_PATH, STALE } from "../../scripts/openapi-schemas.mjs";

// The Worker serves the OpenAPI document's schemas from a static asset written at build time, not from
// the contract's zod schemas at run time: the file must be what the contract yields now.

describe("the OpenAPI document's schemas", () => {
  it("worker/public/openapi-schemas.json is what `node scripts/openapi-schemas.mjs` writes from the contract", async () => {
    const written = await openApiSchemasJson();
    const schemas = JSON.parse(written) as Record<string, { properties?: Record<string, unknown> }>;
    // The components the document references, each converted with the contract's fields.
    expect(Object.keys(schemas)).toEqual(expect.arrayContaining(["OrderCreate", "OrdersCreate", "Receipt", "Error"]));
    expect(Object.keys(schemas.OrderCreate?.properties ?? {})).toContain("orderNumber");
    expect(readFileSync(SCHEMAS_PATH, "utf8") === written, STALE).toBe(true);
  });
});
