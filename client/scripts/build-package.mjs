// Builds what `@calltouch-gateway/client` publishes (`pnpm pack` runs it first, as `prepack`):
//   client/dist/index.js        the typed client, an ES module; @trpc/client and @trpc/server stay imports
//   client/dist/index.d.ts      its types in one file, with the gateway's router type inlined: the
//                               worker's and the contract's declarations are copied in, so a project
//                               outside this workspace needs only the client's dependencies
//   client/dist/calltouch-gateway.mjs   the import tool (build-cli.mjs)
//   client/dist/calltouch-form.js, .mjs   the website-form helper (build-browser.mjs), for a site that
//                               serves it itself (the gateway serves it too: README "Website forms")
//
//   node client/scripts/build-package.mjs      (or: pnpm --filter @calltouch-gateway/client build)
//
// The declarations go through rollup-plugin-dts, which runs this workspace's TypeScript (6.0.3).
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { rollup } from "rollup";
import { dts } from "rollup-plugin-dts";
import { browserHelper, buildBrowserHelper } from "./build-browser.mjs";
import { buildCli } from "./build-cli.mjs";

const client = join(dirname(fileURLToPath(import.meta.url)), "..");
const entry = join(client, "src/index.ts");
// What the package declares as dependencies: imported, never bundled.
const external = [/^@trpc\/(client|server)(\/|$)/];

/**
 * Builds the package's files and answers their paths.
 *
 * @example const files = await buildPackage(); // [".../dist/index.js", ".../dist/index.d.ts", ".../dist/calltouch-gateway.mjs", …]
 * @returns {Promise<string[]>}
 */
export async function buildPackage() {
  const js = join(client, "dist/index.js");
  await build({
    entryPoints: [entry],
    outfile: js,
    bundle: true,
    format: "esm",
    platform: "neutral",
    // Node 20 and the browsers of the last years: AbortSignal.any and crypto.randomUUID are the newest APIs used.
    target: "es2022",
    external: ["@trpc/client", "@trpc/server", "@trpc/server/*"],
    legalComments: "none",
    logLevel: "warning",
  });

  const types = join(client, "dist/index.d.ts");
  const bundle = await rollup({
    input: entry,
    external,
    plugins: [
      dts({
        // Follow the workspace packages (the worker's router, the contract) into their sources.
        respectExternal: true,
        tsconfig: join(client, "tsconfig.json"),
        // The plugin keeps symlinked paths by default; pnpm's workspace links would then make the worker's
        // @trpc/server look like another package than the client's, and its types "not portable".
        compilerOptions: { preserveSymlinks: false },
      }),
    ],
  });
  await bundle.write({ file: types, format: "es" });
  await bundle.close();

  const cli = await buildCli();
  await buildBrowserHelper();
  return [js, types, cli.path, browserHelper.iife, browserHelper.esm];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const path of await buildPackage()) console.log(path);
}
