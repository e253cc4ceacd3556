import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { SourceMapConsumer } from "source-map-js";

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

/**
 * What each part of a bundle costs it gzipped: how much smaller `index.js` gzips without the part's bytes,
 * found through its source map. Raw bytes mislead about gzip: a `\u0436` escape is 6 bytes before it and far
 * less after, and a file that repeats its neighbours costs little. A part is a package (`zod`,
 * `@trpc/server`) or a folder of ours (`worker/src/outbox`), as the source map names them; the costs
 * overlap, so they do not add up to the whole. Largest first.
 *
 * @example const [[part, bytes]] = gzipCosts(bundle) // ["zod", 29184]
 */
export function gzipCosts(bundle: Bundle): [part: string, gzipBytes: number][] {
  const code = readFileSync(bundle.main, "utf8");
  const map = new SourceMapConsumer(JSON.parse(readFileSync(`${bundle.main}.map`, "utf8")));
  const lineStarts = [0];
  for (let at = code.indexOf("\n"); at >= 0; at = code.indexOf("\n", at + 1)) lineStarts.push(at + 1);
  const mappings: { at: number; part: string }[] = [];
  map.eachMapping(({ generatedLine, generatedColumn, source }) => {
    mappings.push({ at: lineStarts[generatedLine - 1]! + generatedColumn, part: source ? partOf(source) : "" });
  });
  mappings.sort((a, b) => a.at - b.at);
  // Runs of the code, each owned by one part.
  const runs: { start: number; end: number; part: string }[] = [];
  mappings.forEach(({ at, part }, index) => {
    const end = mappings[index + 1]?.at ?? code.length;
    const last = runs.at(-1);
    if (last?.part === part) last.end = end;
    else runs.push({ start: at, end, part });
  });
  const whole = gzipSync(code).length;
  const parts = [...new Set(runs.map(({ part }) => part))].filter((part) => part !== "");
  return parts
    .map((part): [string, number] => {
      const without = runs.filter((run) => run.part !== part).map(({ start, end }) => code.slice(start, end));
      return [part, whole - gzipSync(without.join("")).length];
    })
    .sort((a, b) => b[1] - a[1]);
}

/** A source of the map as {@link gzipCosts} groups it: a package by its name, our file by its folder. */
function partOf(source: string): string {
  const path = source.replaceAll("\\", "/");
  const inPackage = path.lastIndexOf("node_modules/");
  if (inPackage >= 0) {
    const [scope, name] = path.slice(inPackage + "node_modules/".length).split("/");
    return scope!.startsWith("@") ? `${scope}/${name}` : scope!;
  }
  const ours = /(?:^|\/)((?:worker|contract|client)\/src(?:\/.*)?)\/[^/]+$/.exec(path);
  return ours ? ours[1]! : path;
}
