import { readFileSync } from "node:fs";
import { createConfig, lintFromString } from "@redocly/openapi-core";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { SCHEMAS_PATH } from "../../scripts/openapi-schemas.mjs";
import { buildOpenApiDocument } from "../../worker/src/rest/openapi.ts";

// The validators compile JSON schemas into code (ajv), which workerd does not allow: they run here, on
// the same module the Worker serves `/openapi.json` from. test/workerd/rest.test.ts sends the examples
// and checks the served bounds against the gateway's answers.
type Document = ReturnType<typeof buildOpenApiDocument>;
/** A deployment's limits as the settings' defaults have them (the served document is checked against the real ones in rest.test.ts). */
const LIMITS = { maxOrdersPerCall: 1000, maxWaitMs: 30_000, maxBodyBytes: 2 * 1024 * 1024 };
// The component schemas as the Worker reads them: the static asset scripts/openapi-schemas.mjs writes.
const components = JSON.parse(readFileSync(SCHEMAS_PATH, "utf8"));
const document = () => buildOpenApiDocument(LIMITS, components);

/** Every node of the document with its JSON pointer. */
function* nodes(value: unknown, pointer = "#"): Generator<[string, Record<string, unknown>]> {
  if (typeof value !== "object" || value === null) return;
  yield [pointer, value as Record<string, unknown>];
  for (const [key, child] of Object.entries(value)) yield* nodes(child, `${pointer}/${key}`);
}
const operations = (document: Document) =>
  Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods as Record<string, { responses: Record<string, { headers?: object }> }>).map(([method, operation]) => ({
      at: `${method.toUpperCase()} ${path}`,
      method,
      operation,
    })),
  );

describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const validator = new Validator();
    const result = await validator.validate(document());

    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("lints clean with Redocly's recommended-strict rules (licence, servers, examples against their schemas, …)", async () => {
    const config = await createConfig({ extends: ["recommended-strict"] });
    const problems = await lintFromString({ source: JSON.stringify(document()), absoluteRef: "/openapi.json", config });

    expect(problems.map(({ ruleId, message, location }) => `${ruleId} at ${location[0]?.pointer}: ${message}`)).toEqual([]);
  });

  it("documents each REST route with an example request", () => {
    const { paths } = document();

    expect(Object.keys(paths)).toEqual([
      "/v1/orders",
      "/v1/orders:validate",
      "/v1/orders/{orderNumber}",
      "/v1/deliveries/stats",
      "/v1/deliveries",
      "/v1/deliveries/dead-reasons",
      "/v1/deliveries:replay",
      "/v1/deliveries:resume",
    ]);
    expect(paths["/v1/deliveries:replay"].post.requestBody.content["application/json"].example).toEqual({ changeIds: [17, 18] });
    expect(paths["/v1/orders"].post.requestBody.content["application/json"].example).toMatchObject({ orderNumber: expect.any(String) });
    expect(paths["/v1/orders/{orderNumber}"].patch.requestBody.content["application/json"].example).toBeDefined();
    expect(paths["/v1/orders/{orderNumber}"].get.parameters[0]!.example).toBeDefined();
  });

  it("states the deployment's limits", () => {
    for (const limits of [LIMITS, { maxOrdersPerCall: 7, maxWaitMs: 1234, maxBodyBytes: 4096 }]) {
      const { maxOrdersPerCall, maxWaitMs, maxBodyBytes } = limits;
      const document = buildOpenApiDocument(limits, components);
      const orderLists = [...nodes(document)].filter(([pointer, node]) => /Orders(Create|Update)\//.test(pointer) && node.type === "array");
      expect(orderLists.map(([, node]) => node.maxItems)).toEqual([maxOrdersPerCall, maxOrdersPerCall, maxOrdersPerCall, maxOrdersPerCall]);
      const waits = [...nodes(document)].flatMap(([pointer, node]) =>
        /\/wait\/anyOf\/\d+$/.test(pointer) && node.type === "integer"
          ? [node]
          : node.name === "wait"
            ? [node.schema as { maximum: number }]
            : [],
      );
      // OrdersCreate's and OrdersUpdate's `wait`, and the `?wait=` of PATCH and DELETE.
      expect(waits.map((node) => node.maximum)).toEqual([maxWaitMs, maxWaitMs, maxWaitMs, maxWaitMs]);
      expect(document.paths["/v1/orders"].post.responses["413"].description).toContain(`${maxBodyBytes} bytes`);
      expect(document.paths["/v1/orders"].post.description).toContain(`up to ${maxOrdersPerCall}`);
    }
  });

  it("gives no integer a negative bound, and ids none below 1", () => {
    const integers = [...nodes(document())].filter(([, node]) => node.type === "integer");
    expect(integers.length).toBeGreaterThan(20);
    for (const [pointer, node] of integers) expect({ pointer, minimum: node.minimum }).toEqual({ pointer, minimum: expect.any(Number) });
    for (const [pointer, node] of integers)
      expect({ pointer, negative: (node.minimum as number) < 0 }).toEqual({ pointer, negative: false });
    const ids = integers.filter(([pointer]) =>
      /\/properties\/(orderNumber|callId|requestId|chatId|changeId|calltouchOrderId|phones|phoneNumber|waPhone|waPhones)\//.test(
        `${pointer}/`,
      ),
    );
    expect(ids.length).toBeGreaterThan(20);
    for (const [pointer, node] of ids) expect({ pointer, minimum: node.minimum }).toEqual({ pointer, minimum: 1 });
  });

  it("declares X-Request-Id on every answer, a body's refusals only where there is a body, and 409 only where keys are", () => {
    const built = document();
    for (const { at, method, operation } of operations(built)) {
      for (const [status, response] of Object.entries(operation.responses)) {
        expect({ at, status, headers: Object.keys(response.headers ?? {}) }).toEqual({
          at,
          status,
          headers: expect.arrayContaining(["X-Request-Id"]),
        });
      }
      const statuses = Object.keys(operation.responses).sort();
      if (at.includes("/v1/deliveries")) {
        // Operators' routes: no deal in the path (no 404), no idempotency key (no 409); a body's refusals with a body only.
        const bodyOnes = statuses.filter((code) => ["413", "415"].includes(code));
        expect({ at, bodyOnes, conflict: statuses.includes("409") }).toEqual({
          at,
          bodyOnes: "requestBody" in operation ? ["413", "415"] : [],
          conflict: false,
        });
      } else if (method === "get") expect({ at, statuses }).toEqual({ at, statuses: ["200", "400", "401", "403", "404", "429", "500"] });
      else if ("requestBody" in operation) {
        expect({ at, statuses }).toEqual({ at, statuses: expect.arrayContaining(["400", "413", "415"]) });
      } else expect({ at, statuses }).toEqual({ at, statuses: ["200", "400", "401", "403", "409", "429", "500"] });
    }
  });

  it("names only commands that exist", () => {
    const text = JSON.stringify(document());
    const commands = [...text.matchAll(/`((?:scripts\/run|pnpm run|npx) [^`]+)`/g)].map((match) => match[1]!);
    expect(commands).toEqual(["scripts/run keys create --id … --site … --scopes orders:write"]);
    const keys = readFileSync(new URL("../../scripts/keys.mjs", import.meta.url), "utf8");
    expect(keys).toMatch(/case "create": \{/);
    expect(keys).toMatch(/"scopes"/);
  });
});
