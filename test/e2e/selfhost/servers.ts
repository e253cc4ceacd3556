import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, stopGroup, varsWithSet } from "../dev-servers";

const root = fileURLToPath(new URL("../../..", import.meta.url));

/** One `scripts/run selfhost` process (run as `node scripts/selfhost.mjs`) and what it printed. */
export interface SelfHostProcess {
  child: ChildProcess;
  /** Everything it and its workerd printed so far. */
  output(): string;
  /** Resolves with its exit code (or the signal's name) once it exits. */
  exited: Promise<number | string>;
}

export interface SelfHostedServers {
  gatewayUrl: string;
  simulatorUrl: string;
  /** The gateway's data directory. */
  gatewayData: string;
  /** The gateway's env file: the example's settings, pointed at this simulator. */
  envFile: string;
  /** A directory for the test's own files, removed by `stop()`. */
  scratch: string;
  /** The gateway's current process. */
  gateway: SelfHostProcess;
  /** Starts the gateway again on the same port and data directory, after it stopped. */
  restartGateway(): Promise<void>;
  /** Kills the gateway's launcher and workerd at once, as a crash or `kill -9` of the unit would. */
  crashGateway(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the Calltouch simulator and the gateway, each self-hosted with `scripts/selfhost.mjs` on a
 * free port and a data directory of its own, the gateway with the committed example's settings
 * (pointed at this simulator) and `set` on top; resolves once both serve.
 *
 * @example
 * const servers = await startSelfHosted({ RETRY_BASE_MS: "500" });
 * await fetch(`${servers.gatewayUrl}/health`);
 */
export async function startSelfHosted(set: Record<string, string> = {}): Promise<SelfHostedServers> {
  const state = mkdtempSync(join(tmpdir(), "calltouch-gateway-selfhost-"));
  const [gatewayPort, simulatorPort] = [await freePort(), await freePort()];
  const simulatorUrl = `http://localhost:${simulatorPort}`;
  const envFile = join(state, "gateway.env");
  const example = readFileSync(join(root, ".dev.vars.example"), "utf8");
  writeFileSync(envFile, varsWithSet(example, { CALLTOUCH_BASE_URL: simulatorUrl, ...set }));
  const gatewayData = join(state, "gateway");
  const startGateway = () => startSelfHost(["--port", String(gatewayPort), "--data", gatewayData, "--env-file", envFile]);

  const simulator = startSelfHost([
    "--port",
    String(simulatorPort),
    "--data",
    join(state, "simulator"),
    "--config",
    "simulator/wrangler.toml",
  ]);
  const servers: SelfHostedServers = {
    gatewayUrl: `http://localhost:${gatewayPort}`,
    simulatorUrl,
    gatewayData,
    envFile,
    scratch: join(state, "scratch"),
    gateway: startGateway(),
    async restartGateway() {
      servers.gateway = startGateway();
      await serving(servers.gateway);
    },
    async crashGateway() {
      process.kill(-servers.gateway.child.pid!, "SIGKILL");
      await servers.gateway.exited;
    },
    async stop() {
      await Promise.all([stopGroup(servers.gateway.child), stopGroup(simulator.child)]);
      rmSync(state, { recursive: true, force: true });
    },
  };
  try {
    await Promise.all([serving(simulator), serving(servers.gateway)]);
  } catch (error) {
    await servers.stop();
    throw new Error(`self-hosting did not start: ${(error as Error).message}\n${simulator.output()}\n${servers.gateway.output()}`);
  }
  return servers;
}

/**
 * Runs `node scripts/selfhost.mjs <args>` in a process group of its own (so that its workerd can be
 * killed with it), collecting its output.
 *
 * @example const second = startSelfHost(["--port", "9000", "--data", dir]); expect(await second.exited).toBe(1);
 */
export function startSelfHost(args: string[]): SelfHostProcess {
  const child = spawn(process.execPath, ["scripts/selfhost.mjs", ...args], {
    cwd: root,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | string>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? "")));
  return { child, output: () => output, exited };
}

/**
 * Resolves once the launcher says workerd listens, which it learns from workerd itself: no request is
 * made, so that a test can tell what the gateway does on its own after a start (its alarms).
 */
export async function serving(launcher: SelfHostProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!/\[selfhost\] serving http/.test(launcher.output())) {
    if (launcher.child.exitCode !== null || launcher.child.signalCode !== null) throw new Error(`it exited:\n${launcher.output()}`);
    if (Date.now() > deadline) throw new Error(`it did not serve within ${timeoutMs} ms:\n${launcher.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
