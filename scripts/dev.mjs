// Starts the gateway and the Calltouch simulator side by side and keeps them running, and serves the
// website-form example (examples/website-form/, which loads calltouch-form.js from the gateway).
//
//   node scripts/dev.mjs [--gateway-port 8787] [--simulator-port 8788] [--examples-port 8080]
//                        [--vars .dev.vars] [--persist-to .wrangler/state] [--config wrangler.toml]
//                        [--log-level warn]
//
// with Node 22.12 or later, after `pnpm install` (`scripts/run dev` does both, and brings that Node when
// the machine's is older). Wrangler runs from node_modules on this same Node, whatever PATH holds.
//
// Each Worker keeps its local state (Durable Objects and the rest) in its own folder under --persist-to:
// .wrangler/state/gateway and .wrangler/state/simulator.
// The gateway always talks to this simulator, whatever the vars file says about CALLTOUCH_BASE_URL.
// --config names the gateway's wrangler config: a benchmark starts it with its bindings' limits raised.
// The example pages name the gateway as http://localhost:8787; with another --gateway-port they are
// served with that port instead, so that the form posts to this gateway.
// --log-level is wrangler's: at `log` the Workers' console.log lines show too (a benchmark reads the gateway's).
import { copyFileSync, existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { dirname, extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import concurrently from "concurrently";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values: options } = parseArgs({
  options: {
    "gateway-port": { type: "string", default: "8787" },
    "simulator-port": { type: "string", default: "8788" },
    "examples-port": { type: "string", default: "8080" },
    vars: { type: "string", default: ".dev.vars" },
    "persist-to": { type: "string", default: ".wrangler/state" },
    config: { type: "string", default: "wrangler.toml" },
    "log-level": { type: "string", default: "warn" },
  },
});

// The committed example holds the local settings (simulator URL, its token, the dev-key's hash);
// a developer's own .dev.vars always wins.
const vars = resolve(root, options.vars);
if (!existsSync(vars) && options.vars === ".dev.vars") {
  copyFileSync(join(root, ".dev.vars.example"), vars);
  console.log("[dev] created .dev.vars from .dev.vars.example");
}

// No telemetry prompt or upload from a development loop, and no update check at each start (the version
// is pinned): the tests start these servers, and no test may reach the network.
process.env.WRANGLER_SEND_METRICS ??= "false";
process.env.WRANGLER_HIDE_BANNER ??= "true";
// The Request.cf placeholder is enough locally; fetching the real one needs a network we may not have.
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";

// The example first: a taken port stops us before two wrangler processes start.
await serveExamples(Number(options["examples-port"]), Number(options["gateway-port"]));

// The workspace's own wrangler on the Node running this script: `wrangler` alone would need node_modules/.bin
// on PATH (pnpm's scripts add it, a plain `node scripts/dev.mjs` does not) and a Node new enough there.
const wranglerBin = join(root, "node_modules/wrangler/bin/wrangler.js");
if (!existsSync(wranglerBin)) {
  console.error("[dev] wrangler is not installed: run `pnpm install` (or `scripts/run dev`, which does)");
  process.exit(1);
}
const wrangler = `${JSON.stringify(process.execPath)} ${JSON.stringify(wranglerBin)} dev --log-level ${options["log-level"]} --show-interactive-dev-session=false --inspector-port 0`;
// A state folder per Worker: two workerd processes opening the same folder's SQLite files (the local
// cache's, R2's, D1's, …) at once now and then fail to start with SQLITE_BUSY.
const persistTo = (/** @type {string} */ worker) => `--persist-to ${JSON.stringify(join(resolve(root, options["persist-to"]), worker))}`;
const simulatorUrl = `http://localhost:${options["simulator-port"]}`;
const { result } = concurrently(
  [
    {
      name: "simulator",
      command: `${wrangler} ${persistTo("simulator")} --config simulator/wrangler.toml --port ${options["simulator-port"]}`,
      cwd: root,
    },
    {
      name: "gateway",
      command: `${wrangler} ${persistTo("gateway")} --config ${JSON.stringify(resolve(root, options.config))} --port ${options["gateway-port"]} --env-file ${JSON.stringify(vars)} --var CALLTOUCH_BASE_URL:${simulatorUrl}`,
      cwd: root,
    },
  ],
  { killOthersOn: ["failure", "success"], prefixColors: ["magenta", "cyan"] },
);

result.then(
  () => process.exit(0),
  () => process.exit(1),
);

const gatewayUrl = `http://localhost:${options["gateway-port"]}`;
console.log(`[dev] examples  http://localhost:${options["examples-port"]}/  (website form, public key pk_dev_website_form)`);
await announceWhenUp([
  { name: "simulator", url: `${simulatorUrl}/__simulator/stats`, line: `[dev] simulator ${simulatorUrl}/__simulator/requests` },
  { name: "gateway", url: `${gatewayUrl}/health`, line: `[dev] gateway   ${gatewayUrl}  (API key: dev-key)` },
]);

/**
 * Says which Workers are still starting every 5 s (a first start bundles both and may take a minute on a
 * busy machine), and each one's address once it answers: any HTTP answer, since a misconfigured gateway
 * answers its /health with 503 and the reason.
 *
 * @param {{ name: string; url: string; line: string }[]} servers
 */
async function announceWhenUp(servers) {
  const started = Date.now();
  let said = started;
  const waiting = new Set(servers);
  while (waiting.size > 0) {
    for (const server of [...waiting]) {
      const answered = await fetch(server.url, { signal: AbortSignal.timeout(2000) }).then(
        () => true,
        () => false,
      );
      if (!answered) continue;
      waiting.delete(server);
      console.log(`${server.line}  (up in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
    if (waiting.size > 0 && Date.now() - said >= 5000) {
      said = Date.now();
      const names = [...waiting].map((server) => server.name).join(" and ");
      console.log(`[dev] starting ${names}: ${Math.round((said - started) / 1000)} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  console.log("[dev] ready");
}

/**
 * Serves examples/website-form/ on `port` of the loopback addresses (IPv4, and IPv6 where the machine has
 * it): static files only, read from disk on each request, so that an edited page shows on reload.
 *
 * @param {number} port
 * @param {number} gatewayPort
 */
async function serveExamples(port, gatewayPort) {
  const pages = join(root, "examples/website-form");
  /** @type {Record<string, string>} */
  const types = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
  };
  const handler = async (
    /** @type {import("node:http").IncomingMessage} */ request,
    /** @type {import("node:http").ServerResponse} */ response,
  ) => {
    const send = (/** @type {number} */ status, /** @type {string | Buffer} */ body, type = "text/plain; charset=utf-8") => {
      response.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" });
      response.end(request.method === "HEAD" ? undefined : body);
    };
    if (request.method !== "GET" && request.method !== "HEAD") return send(405, "only GET and HEAD\n");
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname);
    } catch {
      return send(400, "bad path\n");
    }
    if (pathname.endsWith("/")) pathname += "index.html";
    const file = normalize(join(pages, pathname));
    if (!file.startsWith(pages + sep)) return send(404, "not found\n");
    let body;
    try {
      body = await readFile(file);
    } catch {
      return send(404, "not found\n");
    }
    const type = types[extname(file)] ?? "application/octet-stream";
    if (extname(file) === ".html" && gatewayPort !== 8787) {
      body = body.toString("utf8").replaceAll("http://localhost:8787", `http://localhost:${gatewayPort}`);
    }
    send(200, body, type);
  };
  const listen = (/** @type {string} */ host) =>
    new Promise((resolve, reject) => {
      const server = createServer((request, response) => void handler(request, response));
      server.once("error", reject);
      server.listen(port, host, () => resolve(server));
    });
  try {
    await listen("127.0.0.1");
  } catch (error) {
    console.error(`[dev] cannot serve the examples on port ${port}: ${/** @type {Error} */ (error).message}; pass --examples-port`);
    process.exit(1);
  }
  // Browsers may try ::1 first for "localhost"; a machine without IPv6 just does not get this one.
  await listen("::1").catch(() => {});
}
