// Starts the gateway and the Calltouch simulator side by side and keeps them running.
// Ports: GATEWAY_PORT (default 8787) and SIMULATOR_PORT (default 8788).
import { copyFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import concurrently from "concurrently";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const gatewayPort = process.env.GATEWAY_PORT ?? "8787";
const simulatorPort = process.env.SIMULATOR_PORT ?? "8788";

// The committed example holds the local settings (simulator URL, its token, the dev-key's hash);
// a developer's own .dev.vars always wins.
const devVars = join(root, ".dev.vars");
if (!existsSync(devVars)) {
  copyFileSync(join(root, ".dev.vars.example"), devVars);
  console.log("[dev] created .dev.vars from .dev.vars.example");
}

// No telemetry prompt or upload from a development loop.
process.env.WRANGLER_SEND_METRICS ??= "false";

const wrangler = "wrangler dev --log-level warn --show-interactive-dev-session=false";
const { result } = concurrently(
  [
    {
      name: "simulator",
      command: `${wrangler} --config simulator/wrangler.toml --port ${simulatorPort} --inspector-port 0`,
      cwd: root,
    },
    {
      name: "gateway",
      command: `${wrangler} --port ${gatewayPort} --inspector-port 0 --var CALLTOUCH_BASE_URL:http://localhost:${simulatorPort}`,
      cwd: root,
    },
  ],
  { killOthersOn: ["failure", "success"], prefixColors: ["magenta", "cyan"] },
);

console.log(`[dev] gateway   http://localhost:${gatewayPort}  (API key: dev-key)`);
console.log(`[dev] simulator http://localhost:${simulatorPort}/__simulator/requests`);

result.then(
  () => process.exit(0),
  () => process.exit(1),
);
