import { Hono } from "../hono";
import { type StaticAssets, staticJson } from "../static-json";
import { type ComponentSchemas, type DocumentedLimits, openApiDocumentFor } from "./openapi";

// Scalar renders the reference in the reader's browser from a static asset of this Worker (written by
// scripts/build-assets.mjs from the pinned @scalar/api-reference): no CDN, so the page renders where
// CDNs are slow or blocked, and offline. test/tooling/assets.test.ts keeps this path true.
export const RENDERER = "/static/scalar-api-reference-1.76.0.js";

// Nothing on the page may reach elsewhere: no web fonts, no telemetry, and none of Scalar's hosted services
// (its AI agent, MCP, the developer tools that share or deploy the document, the "open in client" button).
const configuration = JSON.stringify({
  withDefaultFonts: false,
  telemetry: false,
  hideClientButton: true,
  showDeveloperTools: "never",
  agent: { disabled: true },
  mcp: { disabled: true },
});

// The page says what it is and links the document before the script runs, so a reader whose browser
// cannot load the renderer (offline, a strict proxy) still knows where the API is described.
const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>calltouch-gateway REST API reference</title>
</head>
<body>
<noscript>
<h1>calltouch-gateway REST API reference</h1>
<p>This page renders the OpenAPI 3.1 document of the gateway with JavaScript. Read the document itself: <a href="/openapi.json">/openapi.json</a>.</p>
</noscript>
<div id="fallback">
<h1>calltouch-gateway REST API reference</h1>
<p>Loading the reference renderer… If nothing appears, the renderer could not load; the API is described by the OpenAPI 3.1 document at <a href="/openapi.json">/openapi.json</a>.</p>
</div>
<script id="api-reference" data-url="/openapi.json" data-configuration='${configuration}'></script>
<script src="${RENDERER}" onload="document.getElementById('fallback').remove()"></script>
</body>
</html>
`;

/**
 * `GET /openapi.json` (the REST API's OpenAPI 3.1 document) and `GET /docs` (a reference page rendering
 * it). Public: the document holds no secrets, and callers read it before they have a key.
 *
 * @example app.route("/", docs); // before the middleware that needs settings
 */
export const docs = new Hono<{ Bindings: { ASSETS: StaticAssets }; Variables: { limits: DocumentedLimits } }>();

/** The static asset holding the document's component schemas (scripts/openapi-schemas.mjs writes it). */
export const SCHEMAS_ASSET = "/openapi-schemas.json";

/** The document's component schemas, read from the static assets at the first request of an isolate. */
const componentSchemas = staticJson<ComponentSchemas>(SCHEMAS_ASSET);

// The document states this deployment's limits, which the Worker puts in `c.var.limits` (this module
// reads no settings: Node's tests read it too).
docs.get("/openapi.json", async (c) => c.json(openApiDocumentFor(c.var.limits, await componentSchemas(c.env.ASSETS, c.req.url))));
docs.get("/docs", (c) => c.html(page));
