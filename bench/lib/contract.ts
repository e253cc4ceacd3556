// The contract's code for benchmarks that run it in Node: its TypeScript sources import without file
// extensions, which Node cannot load, so it is bundled once with esbuild (as wrangler bundles it).
//
// zod compiles object schemas to JavaScript with `new Function` where it may; Workers forbid that, so
// the gateway runs zod's interpreted path. The bundle turns the compilation off to measure that path.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

type Contract = typeof import("../../contract/src/index.ts");
const defaultContract = fileURLToPath(new URL("../../contract/src/", import.meta.url));

/**
 * Bundles `contract/src/index.ts` (with zod and libphonenumber-js) into a temporary ES module, with zod
 * set up as in Workers, and imports it. `contractDir` names another checkout's `contract/src/` (with its
 * `node_modules`) to measure a before against an after.
 *
 * @example const { ordersCreateInput, compileCreate } = await loadContract();
 */
export async function loadContract(contractDir = defaultContract): Promise<Contract> {
  const dir = mkdtempSync(join(tmpdir(), "calltouch-gateway-bench-"));
  const outfile = join(dir, "contract.mjs");
  await build({
    // The setting goes in a module imported first: a statement beside `export *` would run after the
    // contract's modules, whose schemas decide at construction whether to compile.
    stdin: { contents: 'import "bench:jitless"; export * from "./index.ts";', resolveDir: contractDir, loader: "ts" },
    plugins: [
      {
        name: "jitless",
        setup(builder) {
          builder.onResolve({ filter: /^bench:jitless$/ }, () => ({ path: "jitless", namespace: "bench" }));
          builder.onLoad({ filter: /.*/, namespace: "bench" }, () => ({
            contents: 'import { config } from "zod"; config({ jitless: true });',
            resolveDir: contractDir,
            loader: "js",
          }));
        },
      },
    ],
    outfile,
    bundle: true,
    format: "esm",
    platform: "neutral",
    logLevel: "warning",
  });
  try {
    return (await import(pathToFileURL(outfile).href)) as Contract;
  } finally {
    // Imported modules stay loaded: the file is not needed any more.
    rmSync(dir, { recursive: true, force: true });
  }
}
