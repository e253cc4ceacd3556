// Starting what the benchmarks measure: the gateway and the simulator through test/e2e/dev-servers.ts (the
// servers of `scripts/run dev`), with settings changed by vars, and the naive forwarder of bench/delivery.ts.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type DevServers, startDevServers } from "../../test/e2e/dev-servers.ts";
import { startLocalWorker } from "./local-worker.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

/**
 * The gateway and the simulator on free ports, with a state folder of their own (`stateDir`), the gateway
 * reading `.dev.vars.example` with `vars` put in place of the example's values (or added).
 *
 * @example
 * const servers = await startServers({ CALLTOUCH_RPS: "100" });
 * try { await fetch(`${servers.gatewayUrl}/health`); } finally { await servers.stop(); }
 */
export async function startServers(vars: Record<string, string> = {}): Promise<DevServers> {
  if (Object.keys(vars).length === 0) return startDevServers();
  const dir = mkdtempSync(join(tmpdir(), "calltouch-gateway-bench-vars-"));
  const file = join(dir, ".dev.vars");
  writeFileSync(file, withVars(readFileSync(join(root, ".dev.vars.example"), "utf8"), vars));
  const forget = () => rmSync(dir, { recursive: true, force: true });
  // Wrangler watches the file while the gateway runs: it goes once the servers stop.
  const servers = await startDevServers({ vars: file }).catch((error: unknown) => {
    forget();
    throw error;
  });
  return { ...servers, stop: () => servers.stop().finally(forget) };
}

/** A vars file's text with each of `vars` set: its line replaced, or added at the end. */
function withVars(text: string, vars: Record<string, string>): string {
  return Object.entries(vars).reduce((result, [name, value]) => {
    const line = new RegExp(`^${name}=.*$`, "m");
    return line.test(result) ? result.replace(line, () => `${name}=${value}`) : `${result.trimEnd()}\n${name}=${value}\n`;
  }, text);
}

/** A Worker started with `wrangler dev` (see `startLocalWorker` in local-worker.ts). */
export interface LocalWorker {
  url: string;
  stop(): Promise<void>;
}

/**
 * The naive forwarder of bench/delivery.ts (`bench/naive-forwarder`) under `wrangler dev`, sending to `calltouchUrl`.
 *
 * @example
 * const naive = await startNaiveForwarder(servers.simulatorUrl);
 * try { await fetch(naive.url, { method: "POST", body: JSON.stringify(calltouchOrder) }); } finally { await naive.stop(); }
 */
export function startNaiveForwarder(calltouchUrl: string): Promise<LocalWorker> {
  return startLocalWorker("bench/naive-forwarder/wrangler.toml", ["--var", `CALLTOUCH_BASE_URL:${calltouchUrl}`]);
}
