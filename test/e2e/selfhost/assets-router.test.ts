// The router in front of a self-hosted Worker with static assets (scripts/selfhost/assets-router.mjs), with
// a Worker and a disk that record what reaches them: which requests an asset answers and which the Worker
// does, and the headers of each answer, as Cloudflare's asset router gives them (compare the same
// requests under `wrangler dev`, test/e2e/gateway-behaviour.ts).
import { describe, expect, it } from "vitest";
import router from "../../../scripts/selfhost/assets-router.mjs";
import { parseHeadersFile } from "../../../scripts/selfhost/headers-file.mjs";

const files: Record<string, string> = {
  "/static/app.js": "console.log('app');",
  "/static/a b.txt": "spaced",
  "/.well-known/security.txt": "Contact: mailto:security@example.com",
};

function gateway(headersFile = "", workerFirst: string[] = []) {
  const toWorker: Request[] = [];
  const toDisk: Request[] = [];
  const env = {
    WORKER: {
      async fetch(request: Request) {
        toWorker.push(request);
        return new Response("from the Worker", { status: 404, headers: { "x-from": "worker" } });
      },
    },
    FILES: {
      async fetch(request: Request) {
        toDisk.push(request);
        const body = files[decodeURIComponent(new URL(request.url).pathname)];
        if (body === undefined) return new Response(null, { status: 404 });
        return new Response(request.method === "HEAD" ? null : body, { headers: { "content-length": String(body.length) } });
      },
    },
    MANIFEST: Object.fromEntries(
      Object.keys(files).map((path, index) => [
        path,
        { etag: `etag${index}`, contentType: path.endsWith(".js") ? "text/javascript; charset=utf-8" : null },
      ]),
    ),
    HEADERS: parseHeadersFile(headersFile).rules,
    WORKER_FIRST: workerFirst,
  };
  const fetch = (path: string, init?: RequestInit) => router.fetch(new Request(`https://gw.example${path}`, init), env);
  return { fetch, env, toWorker, toDisk };
}

describe("the assets' router", () => {
  it("answers an asset before the Worker, with Cloudflare's headers", async () => {
    const { fetch, toWorker } = gateway();
    const response = await fetch("/static/app.js");

    expect(response.status).toBe(200);
    expect(await response.text()).toBe(files["/static/app.js"]);
    expect(Object.fromEntries(response.headers)).toEqual({
      etag: '"etag0"',
      "content-type": "text/javascript; charset=utf-8",
      "content-length": "19",
      "cache-control": "public, max-age=0, must-revalidate",
    });
    expect(toWorker).toEqual([]);
  });

  it("hands every request that names no asset to the Worker, unchanged", async () => {
    const { env, toWorker, toDisk } = gateway("/*\n  X-Asset: yes\n");
    const requests = [
      new Request("https://gw.example/static/missing.js"),
      new Request("https://gw.example/static/app.js/"),
      new Request("https://gw.example/_headers"),
      new Request("https://gw.example/trpc/orders.create", { method: "POST", body: "{}" }),
    ];

    for (const request of requests) {
      const response = await router.fetch(request, env);
      expect(response.headers.get("x-from")).toBe("worker");
      expect(response.headers.has("x-asset")).toBe(false);
    }
    expect(toWorker).toHaveLength(requests.length);
    for (const [index, request] of toWorker.entries()) expect(request).toBe(requests[index]);
    expect(toDisk).toEqual([]);
  });

  it("hands a request on a path of run_worker_first to the Worker without looking for an asset; `!` excludes, and wins", async () => {
    const { fetch, toWorker, toDisk } = gateway("/*\n  X-Asset: yes\n", ["/static/*", "!/static/a b.txt", "!/.well-known/*"]);

    const first = await fetch("/static/app.js");
    expect(await first.text()).toBe("from the Worker");
    expect(first.headers.has("x-asset")).toBe(false);
    expect(toWorker.map((request) => new URL(request.url).pathname)).toEqual(["/static/app.js"]);

    for (const path of ["/static/a%20b.txt", "/.well-known/security.txt"]) {
      const response = await fetch(path);
      expect(response.status).toBe(200);
      expect(response.headers.get("x-asset")).toBe("yes");
    }
    expect(toWorker).toHaveLength(1);
    expect(toDisk).toHaveLength(2);
  });

  it("answers HEAD without a body, and any other method on an asset with 405, as Cloudflare does", async () => {
    const { fetch, toWorker } = gateway();
    const head = await fetch("/static/app.js", { method: "HEAD" });
    const post = await fetch("/static/app.js", { method: "POST", body: "x" });

    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("19");
    expect(await head.text()).toBe("");
    expect([post.status, post.statusText, await post.text()]).toEqual([405, "Method Not Allowed", ""]);
    expect(toWorker).toEqual([]);
  });

  it("answers 304 to the asset's ETag, strong or weak, without reading it", async () => {
    const { fetch, toDisk } = gateway();

    for (const etag of ['"etag0"', 'W/"etag0"']) {
      const response = await fetch("/static/app.js", { headers: { "if-none-match": etag } });
      expect(response.status).toBe(304);
      expect(response.headers.get("etag")).toBe('"etag0"');
    }
    expect(toDisk).toEqual([]);
    expect((await fetch("/static/app.js", { headers: { "if-none-match": '"other"' } })).status).toBe(200);
  });

  it("gives no Cache-Control of its own to an authorized or ranged request", async () => {
    const { fetch } = gateway();

    expect((await fetch("/static/app.js", { headers: { authorization: "Bearer x" } })).headers.has("cache-control")).toBe(false);
    expect((await fetch("/static/app.js", { headers: { range: "bytes=0-1" } })).headers.has("cache-control")).toBe(false);
  });

  it("sends another spelling of an asset's path to its own, with the query, and serves encoded names and dotfiles", async () => {
    const { fetch } = gateway();

    for (const path of ["/static//app.js?v=1", "/static/app%2Ejs?v=1"]) {
      const response = await fetch(path);
      expect([response.status, response.headers.get("location")]).toEqual([307, "/static/app.js?v=1"]);
    }
    expect(await (await fetch("/static/a%20b.txt")).text()).toBe("spaced");
    expect((await fetch("/static/a b.txt")).status).toBe(200);
    const dotfile = await fetch("/.well-known/security.txt");
    expect([dotfile.status, dotfile.headers.has("content-type")]).toEqual([200, false]);
  });

  it("applies the _headers rules that match, in order: removals, then headers set once and added after", async () => {
    const { fetch } = gateway(
      [
        "/static/*",
        "  Cache-Control: public, max-age=31536000, immutable",
        "  Link: </static/:splat>; rel=canonical",
        "/static/:file",
        "  ! ETag",
        "  Link: <https://cdn.example/:file>",
        "https://:sub.example/*",
        "  X-Host: :sub",
        "/other/*",
        "  X-Other: 1",
      ].join("\n"),
    );
    const response = await fetch("/static/app.js");

    expect(Object.fromEntries(response.headers)).toMatchObject({
      "cache-control": "public, max-age=31536000, immutable",
      link: "</static/app.js>; rel=canonical, <https://cdn.example/app.js>",
      "x-host": "gw",
    });
    expect(response.headers.has("etag")).toBe(false);
    expect(response.headers.has("x-other")).toBe(false);
    expect(await response.text()).toBe(files["/static/app.js"]);
  });

  it("gives the _headers headers to every answer of an asset: 304, 307 and 405 too", async () => {
    const { fetch } = gateway("/static/*\n  Access-Control-Allow-Origin: *\n");
    const answers = [
      await fetch("/static/app.js", { headers: { "if-none-match": '"etag0"' } }),
      await fetch("/static//app.js"),
      await fetch("/static/app.js", { method: "DELETE" }),
    ];

    expect(answers.map((response) => [response.status, response.headers.get("access-control-allow-origin")])).toEqual([
      [304, "*"],
      [307, "*"],
      [405, "*"],
    ]);
  });
});
