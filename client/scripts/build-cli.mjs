// Builds the `calltouch-gateway` command-line tool into one file that runs on Node ≥ 20:
//   client/dist/calltouch-gateway.mjs   the contract, zod, the tRPC client, csv-parse and cli-progress
//                                       bundled in; Node's built-ins stay imports
//
//   node client/scripts/build-cli.mjs      (or: pnpm --filter @calltouch-gateway/client build:cli)
//
// The root script `import` (scripts/run import …) builds it (about 100 ms) and runs it.
import { chmodSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const client = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The tool's entry point and where its build lands. */
export const cli = {
  entry: join(client, "src/cli/bin.ts"),
  out: join(client, "dist/calltouch-gateway.mjs"),
};

/**
 * Builds the tool and answers its path and size in bytes.
 *
 * @example const { path, bytes } = await buildCli(); // client/dist/calltouch-gateway.mjs, about 600 KB
 * @returns {Promise<{ path: string; bytes: number }>}
 */
export async function buildCli() {
  const result = await build({
    entryPoints: [cli.entry],
    outfile: cli.out,
    bundle: true,
    platform: "node",
    format: "esm",
    // Node 20 is the oldest the tool promises to run on.
    target: "node20",
    // Bundled CommonJS (cli-progress) calls require() for Node's built-ins: give the ES module one.
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    legalComments: "none",
    metafile: true,
    logLevel: "warning",
  });
  chmodSync(cli.out, 0o755);
  return { path: cli.out, bytes: result.metafile.outputs[Object.keys(result.metafile.outputs)[0] ?? ""]?.bytes ?? 0 };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { path, bytes } = await buildCli();
  // stderr: `scripts/run import …` runs this before the tool, whose stdout is the summary.
  console.error(`${path}  ${(bytes / 1024).toFixed(1)} KB`);
}
