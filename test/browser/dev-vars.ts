import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** The development public key of `.dev.vars.example`, which the browser tests' pages use. */
export const PUBLIC_KEY = "pk_dev_website_form";

/**
 * A copy of the committed `.dev.vars.example` in a folder of its own, with the development public key
 * allowed on `origins` (and `fields` set on it): the test's own pages, on free ports. Everything else is
 * the example's, as `scripts/run dev` starts with it. Answers the file and its folder (to remove).
 *
 * @example const { path, folder } = varsWithPublicKey([`http://localhost:${port}`]);
 */
export function varsWithPublicKey(origins: string[], fields: Record<string, unknown> = {}): { path: string; folder: string } {
  const example = readFileSync(join(root, ".dev.vars.example"), "utf8");
  const line = example.split("\n").find((text) => text.startsWith("API_KEYS="));
  if (!line) throw new Error(".dev.vars.example has no API_KEYS line");
  const file = JSON.parse(line.slice("API_KEYS=".length)) as { keys: Record<string, unknown>[] };
  const sha256 = createHash("sha256").update(PUBLIC_KEY).digest("hex");
  const key = file.keys.find((entry) => entry.type === "public" && entry.sha256 === sha256);
  if (!key) throw new Error(`.dev.vars.example has no public key entry for ${PUBLIC_KEY}`);
  Object.assign(key, { origins, ...fields });
  const folder = mkdtempSync(join(tmpdir(), "calltouch-gateway-browser-"));
  const path = join(folder, ".dev.vars");
  writeFileSync(path, example.replace(line, `API_KEYS=${JSON.stringify(file)}`));
  return { path, folder };
}
