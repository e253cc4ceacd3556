import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

export interface DevServers {
  gatewayUrl: string;
  simulatorUrl: string;
  /** The website-form example (examples/website-form/, which loads calltouch-form.js from the gateway), ending in `/`. */
  examplesUrl: string;
  /** The Workers' local state (`--persist-to`): `gateway/` and `simulator/` under it; `stop()` removes it. */
  stateDir: string;
  /** What both Workers and wrangler printed so far (the gateway's structured log lines among them). */
  logs(): string;
  stop(): Promise<void>;
}

/** A secret API key a test adds to the gateway's `API_KEYS`, on the example admin key's Calltouch site. */
export interface TestKey {
  /** The key's id, as logs show it. */
  id: string;
  /** The key itself, as callers send it. */
  key: string;
  scopes: string[];
}

export interface DevServerOptions {
  /** The vars file the gateway starts with (absolute, or relative to the repository); default `.dev.vars.example`. */
  vars?: string;
  /**
   * Secret keys to add to the vars' `API_KEYS`: each caller of a test with its own key, as separate
   * integrations would be (each with its own KEY_RATE_LIMITER budget).
   */
  keys?: TestKey[];
  /** The port of the examples' static server; default a free one. */
  examplesPort?: number;
  /** The gateway's wrangler config (absolute, or relative to the repository); default `wrangler.toml`. */
  config?: string;
  /** Vars to set in (a copy of) the vars file, replacing its line or added: `{ CALLTOUCH_RPS: "100" }`. */
  set?: Record<string, string>;
  /** Wrangler's log level; default `warn`. At `log` the Workers' console.log lines (each `flush`) show in `logs()`. */
  logLevel?: "warn" | "log";
}

/**
 * Starts `scripts/dev.mjs` (what `scripts/run dev` runs) on free ports with the committed example
 * vars (or `options.vars`, with `options.keys` added and `options.set` set) and a state folder of its own,
 * and waits until both Workers and the examples' server answer.
 */
export async function startDevServers(options: DevServerOptions = {}): Promise<DevServers> {
  const [gatewayPort, simulatorPort] = [await freePort(), await freePort()];
  const examplesPort = options.examplesPort ?? (await freePort());
  const state = mkdtempSync(join(tmpdir(), "calltouch-gateway-e2e-"));
  const source = options.vars ?? ".dev.vars.example";
  const changed = options.keys !== undefined || options.set !== undefined;
  const vars = changed ? join(state, ".dev.vars") : source;
  if (changed) {
    const text = readFileSync(resolve(root, source), "utf8");
    writeFileSync(vars, varsWithSet(options.keys ? varsWithKeys(text, options.keys) : text, options.set ?? {}));
  }
  const child = spawn(
    process.execPath,
    [
      "scripts/dev.mjs",
      ...["--gateway-port", String(gatewayPort), "--simulator-port", String(simulatorPort)],
      ...["--examples-port", String(examplesPort)],
      ...["--vars", vars, "--persist-to", state],
      ...(options.config ? ["--config", options.config] : []),
      ...(options.logLevel ? ["--log-level", options.logLevel] : []),
    ],
    {
      cwd: root,
      // Its own process group, so that stopping it stops both wrangler processes too.
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      // As its header says it runs, `node scripts/dev.mjs`: without the node_modules/.bin that pnpm puts on PATH.
      env: {
        ...process.env,
        PATH: (process.env.PATH ?? "")
          .split(":")
          .filter((dir) => !dir.endsWith("node_modules/.bin"))
          .join(":"),
      },
    },
  );
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));

  const servers: DevServers = {
    gatewayUrl: `http://localhost:${gatewayPort}`,
    simulatorUrl: `http://localhost:${simulatorPort}`,
    examplesUrl: `http://localhost:${examplesPort}/`,
    stateDir: state,
    logs: () => output,
    async stop() {
      await stopGroup(child);
      rmSync(state, { recursive: true, force: true });
    },
  };
  try {
    await waitFor(`${servers.gatewayUrl}/health`, child);
    await waitFor(`${servers.simulatorUrl}/__simulator/stats`, child);
    await waitFor(servers.examplesUrl, child);
  } catch (error) {
    await servers.stop();
    throw new Error(`the dev servers did not start: ${(error as Error).message}\n${output}`);
  }
  return servers;
}

/** A vars file's text with `keys` added to its `API_KEYS`, by their SHA-256 as `scripts/run keys` writes them. */
function varsWithKeys(example: string, keys: readonly TestKey[]): string {
  const line = /^API_KEYS=(.*)$/m.exec(example);
  if (!line) throw new Error("the vars file has no API_KEYS line to add the tests' keys to");
  const file = JSON.parse(line[1]!) as { keys: { id: string; site: string; scopes?: string[] }[] };
  const site = file.keys.find((key) => key.scopes?.includes("admin"))!.site;
  file.keys.push(
    ...keys.map(({ id, key, scopes }) => ({ id, type: "secret", sha256: createHash("sha256").update(key).digest("hex"), site, scopes })),
  );
  return example.replace(line[0], () => `API_KEYS=${JSON.stringify(file)}`);
}

/**
 * A vars file's text with each of `vars` set: its line replaced, or added at the end.
 *
 * @example writeFileSync(envFile, varsWithSet(readFileSync(".dev.vars.example", "utf8"), { CALLTOUCH_RPS: "100" }));
 */
export function varsWithSet(text: string, vars: Record<string, string>): string {
  return Object.entries(vars).reduce((result, [name, value]) => {
    const line = new RegExp(`^${name}=.*$`, "m");
    return line.test(result) ? result.replace(line, () => `${name}=${value}`) : `${result.trimEnd()}\n${name}=${value}\n`;
  }, text);
}

/**
 * Waits until `url` answers 2xx, failing early when `child` (the process that should serve it) exits.
 *
 * @example await waitFor(`${url}/health`, child);
 */
export async function waitFor(url: string, child: ChildProcess, deadline = Date.now() + 90_000): Promise<void> {
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the process that should serve ${url} exited with ${child.exitCode}`);
    const ok = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer in time`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Stops a process started with `detached: true` and every process of its group (SIGTERM, then SIGKILL after 10 s).
 *
 * @example await stopGroup(spawn("wrangler", ["dev"], { detached: true }));
 */
export async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  process.kill(-child.pid, "SIGTERM");
  const timer = setTimeout(() => child.pid && process.kill(-child.pid, "SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Creates deals through `POST /v1/orders` with a key, and fails unless the gateway stored them (201).
 *
 * @example await createOrders(servers.gatewayUrl, "dev-key", [{ orderNumber: "42" }]);
 */
export async function createOrders(gatewayUrl: string, key: string, orders: readonly object[]): Promise<void> {
  const response = await fetch(`${gatewayUrl}/v1/orders`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ orders }),
  });
  if (response.status !== 201) throw new Error(`POST /v1/orders answered ${response.status}: ${await response.text()}`);
}
