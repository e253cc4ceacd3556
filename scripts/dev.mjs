// Starts the gateway and the Calltouch simulator side by side and keeps them running.
//
//   node scripts/dev.mjs [--gateway-port 8787] [--simulator-port 8788] [--vars .dev.vars] [--persist-to .wrangler/state]
//
// The gateway always talks to this simulator, whatever the vars file says about CALLTOUCH_BASE_URL.
import { copyFileSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import concurrently from "concurrently";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values: options } = parseArgs({
  options: {
    "gateway-port": { type: "string", default: "8787" },
    "simulator-port": { type: "string", default: "8788" },
    vars: { type: "string", default: ".dev.vars" },
    "persist-to": { type: "string", default: ".wrangler/state" },
  },
});

// The committed example holds the local settings (simulator URL, its token, the dev-key's hash);
// a developer's own .dev.vars always wins.
const vars = resolve(root, options.vars);
if (!existsSync(vars) && options.vars === ".dev.vars") {
  copyFileSync(join(root, ".dev.vars.example"), vars);
  console.log("[dev] created .dev.vars from .dev.vars.example");
}

// No telemetry prompt or upload from a development loop.
process.env.WRANGLER_SEND_METRICS ??= "false";
// The Request.cf placeholder is enough locally; fetching the real one needs a network we may not have.
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";

const wrangler = `wrangler dev --log-level warn --show-interactive-dev-session=false --inspector-port 0 --persist-to ${JSON.stringify(resolve(root, options["persist-to"]))}`;
const simulatorUrl = `http://localhost:${options["simulator-port"]}`;
const { result } = concurrently(
  [
    {
      name: "simulator",
      command: `${wrangler} --config simulator/wrangler.toml --port ${options["simulator-port"]}`,
      cwd: root,
    },
    {
      name: "gateway",
      command: `${wrangler} --port ${options["gateway-port"]} --env-file ${JSON.stringify(vars)} --var CALLTOUCH_BASE_URL:${simulatorUrl}`,
      cwd: root,
    },
  ],
  { killOthersOn: ["failure", "success"], prefixColors: ["magenta", "cyan"] },
);

console.log(`[dev] gateway   http://localhost:${options["gateway-port"]}  (API key: dev-key)`);
console.log(`[dev] simulator ${simulatorUrl}/__simulator/requests`);

result.then(
  () => process.exit(0),
  () => process.exit(1),
);
