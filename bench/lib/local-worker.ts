import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, stopGroup, waitFor } from "../../test/e2e/dev-servers.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** A Worker started with `wrangler dev` by {@link startLocalWorker}. */
export interface LocalWorker {
  url: string;
  stop(): Promise<void>;
}

const wrangler = join(root, "node_modules/wrangler/bin/wrangler.js");

/**
 * A Worker of its own `config` (relative to the repository) under `wrangler dev` on a free port, started as
 * `scripts/dev.mjs` starts the gateway (same flags, local workerd, a state folder of its own), once its
 * `/health` answers. `args` are added to wrangler's, e.g. `--var NAME:value`.
 *
 * @example
 * const floor = await startLocalWorker("bench/floor/wrangler.toml");
 * try { await fetch(`${floor.url}/health`); } finally { await floor.stop(); }
 */
export async function startLocalWorker(config: string, args: readonly string[] = []): Promise<LocalWorker> {
  const port = await freePort();
  const state = mkdtempSync(join(tmpdir(), "calltouch-gateway-bench-worker-"));
  const child = spawn(
    process.execPath,
    [
      wrangler,
      ...["dev", "-c", config, "--port", String(port), "--persist-to", state],
      ...["--log-level", "warn", "--show-interactive-dev-session=false", "--inspector-port", "0"],
      ...args,
    ],
    {
      cwd: root,
      // Its own process group, so that stopping it stops workerd too.
      detached: true,
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
    },
  );
  let errors = "";
  child.stderr?.on("data", (chunk) => (errors += chunk));
  const worker: LocalWorker = {
    url: `http://localhost:${port}`,
    async stop() {
      await stopGroup(child);
      rmSync(state, { recursive: true, force: true });
    },
  };
  try {
    await waitFor(`${worker.url}/health`, child);
  } catch (error) {
    await worker.stop();
    throw new Error(`${config} did not start: ${(error as Error).message}\n${errors}`);
  }
  return worker;
}
