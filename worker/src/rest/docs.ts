import { Hono } from "hono";
import { openApiDocument } from "./openapi";

// Scalar renders the reference in the reader's browser; the Worker only serves the document. Pinned, so
// that a new release of the renderer cannot change the page unnoticed.
const RENDERER = "https://cdn.jsdelivr.net/npm/@scalar/api-reference@1.76.0";

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
<script id="api-reference" data-url="/openapi.json"></script>
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
export const docs = new Hono();

docs.get("/openapi.json", (c) => c.json(openApiDocument));
docs.get("/docs", (c) => c.html(page));
