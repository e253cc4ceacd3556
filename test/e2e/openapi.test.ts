import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "../../worker/src/rest/openapi.ts";

// The validator compiles JSON schemas into code (ajv), which workerd does not allow: it runs here, on the
// same module the Worker serves `/openapi.json` from. test/workerd/rest.test.ts sends the examples.
describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const validator = new Validator();
    const result = await validator.validate(buildOpenApiDocument());

    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("documents each REST route with an example request", () => {
    const { paths } = buildOpenApiDocument();

    expect(Object.keys(paths)).toEqual(["/v1/orders", "/v1/orders:validate", "/v1/orders/{orderNumber}"]);
    expect(paths["/v1/orders"].post.requestBody.content["application/json"].example).toMatchObject({ orderNumber: expect.any(String) });
    expect(paths["/v1/orders/{orderNumber}"].patch.requestBody.content["application/json"].example).toBeDefined();
    expect(paths["/v1/orders/{orderNumber}"].get.parameters[0]!.example).toBeDefined();
  });
});
