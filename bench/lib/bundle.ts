import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";

const root = fileURLToPath(new URL("../..", import.meta.url));
const wrangler = join(root, "node_modules/wrangler/bin/wrangler.js");

/** What `wrangler deploy --dry-run` would upload for a Worker. */
export interface Bundle {
  /** The main module, `index.js` in the output folder. */
  main: string;
  /** All emitted modules (source maps and wrangler's README left out), in bytes. */
  bytes: number;
  /** All modules gzipped together with zlib's default level (6), as wrangler's "Total Upload … gzip" line computes it. */
  gzipBytes: number;
  /** Wrangler's own "Total Upload: … / gzip: …" line. */
  wranglerReport: string;
  /** Bytes each input file occupies in the output, from esbuild's metafile, largest first. */
  inputs: { path: string; bytes: number }[];
}

/**
 * Builds the Worker of `config` (relative to the repository) as `wrangler deploy` would, without
 * uploading, into `outdir`.
 *
 * @example const { gzipBytes } = await dryRun("wrangler.toml", "/tmp/out");
 */
export async function dryRun(config: string, outdir: string): Promise<Bundle> {
  const metafile = `${outdir}.meta.json`;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [wrangler, "deploy", "--dry-run", "-c", config, "--outdir", outdir, "--metafile", metafile],
    { cwd: root, env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" }, maxBuffer: 16 * 1024 * 1024 },
  );
  const modules = readdirSync(outdir)
    .filter((name) => !name.endsWith(".map") && name !== "README.md")
    .map((name) => readFileSync(join(outdir, name)));
  const main = join(outdir, "index.js");
  const meta = JSON.parse(readFileSync(metafile, "utf8")) as {
    outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
  };
  const output = Object.entries(meta.outputs).find(([path]) => path.endsWith("index.js"))?.[1];
  return {
    main,
    bytes: modules.reduce((sum, module) => sum + module.length, 0),
    gzipBytes: gzipSync(Buffer.concat(modules)).length,
    wranglerReport: /Total Upload: .*/.exec(stdout)?.[0] ?? "(wrangler printed no Total Upload line)",
    inputs: Object.entries(output?.inputs ?? {})
      .map(([path, { bytesInOutput }]) => ({ path, bytes: bytesInOutput }))
      .sort((a, b) => b.bytes - a.bytes),
  };
}

/**
 * A metafile input as a reader knows it: a package's file without pnpm's store prefix
 * (`zod/v4/locales/he.js`), or our own file as it is (`worker/src/outbox/store.ts`).
 *
 * @example packagePath("node_modules/.pnpm/zod@4.6.7/node_modules/zod/v4/locales/he.js") // "zod/v4/locales/he.js"
 */
export function packagePath(input: string): string {
  const inPackage = input.lastIndexOf("node_modules/");
  return inPackage < 0 ? input : input.slice(inPackage + "node_modules/".length);
}
