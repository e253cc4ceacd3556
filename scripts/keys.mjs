// Manages the gateway's API keys without hand-editing hashes. The keys live in a JSON file (default
// api-keys.json, git-ignored) that holds only their SHA-256; the key itself is printed once, at creation.
//
//   scripts/run keys create --id crm --site 12345 --scopes orders:write,orders:read [--name "amoCRM"]
//   scripts/run keys create-public --id shop-form --site 12345 --origin https://shop.example
//        [--origin …] [--defaults '{"status":"Заявка с сайта"}'] [--custom-fields "Город,Услуга"]
//        [--thank-you https://shop.example/thanks] [--no-turnstile]
//   scripts/run keys list
//   scripts/run keys revoke <id>
//
// Every command takes --file <path>. After a change: `scripts/run deploy --env <name> --keys`.
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";

const SCOPES = ["orders:write", "orders:read", "admin"];

/**
 * An entry of the keys file, as the gateway reads it from API_KEYS (worker/src/key-file.ts).
 * @typedef {{ id: string; type: "secret" | "public"; sha256: string; site: string; name?: string; createdAt?: string;
 *   scopes?: string[]; origins?: string[]; defaults?: object; customFields?: string[]; thankYouUrl?: string; turnstile?: boolean }} KeyEntry
 * @typedef {{ keys: KeyEntry[] }} KeyFile
 */

/** @param {string} message @returns {never} */
function fail(message) {
  console.error(`keys: ${message}`);
  process.exit(2);
}

/** @type {ReturnType<typeof readArgs>} */
let args;
try {
  args = readArgs();
} catch (error) {
  fail(/** @type {Error} */ (error).message);
}
const { positionals, values } = args;
const [command, ...rest] = positionals;

function readArgs() {
  return parseArgs({
    allowPositionals: true,
    options: {
      file: { type: "string", default: "api-keys.json" },
      id: { type: "string" },
      site: { type: "string" },
      name: { type: "string" },
      scopes: { type: "string" },
      origin: { type: "string", multiple: true },
      defaults: { type: "string" },
      "custom-fields": { type: "string" },
      "thank-you": { type: "string" },
      // Turnstile is on for every new public key; going without it is a choice a deployer makes out loud.
      "no-turnstile": { type: "boolean", default: false },
    },
  });
}

/** @returns {KeyFile} */
function load() {
  if (!existsSync(values.file)) return { keys: [] };
  const data = JSON.parse(readFileSync(values.file, "utf8"));
  if (!Array.isArray(data.keys)) fail(`${values.file} has no "keys" list`);
  return data;
}

/** @param {KeyFile} data */
function save(data) {
  writeFileSync(values.file, `${JSON.stringify(data, null, 2)}\n`);
  console.error(`\nSaved ${values.file}. Put it in place:`);
  console.error(`  deployed:   scripts/run deploy --env production --keys   (uploads ${values.file} with the code)`);
  console.error(`  locally:    API_KEYS=${JSON.stringify(data)}   (one line in .dev.vars)`);
}

/** @param {"id" | "site" | "scopes"} name */
function required(name) {
  const value = values[name];
  if (!value) fail(`--${name} is required`);
  return value;
}

/** @param {"secret" | "public"} type */
function common(type) {
  const id = required("id");
  if (!/^[\w.-]{1,64}$/.test(id)) fail("--id must be 1 to 64 letters, digits, '.', '_' or '-'");
  const site = required("site");
  if (!/^\d+$/.test(site)) fail("--site must be a Calltouch site id (digits)");
  const key = `${type === "secret" ? "sk" : "pk"}_${randomBytes(24).toString("base64url")}`;
  const entry = {
    id,
    type,
    sha256: createHash("sha256").update(key).digest("hex"),
    site,
    ...(values.name ? { name: values.name } : {}),
    createdAt: new Date().toISOString(),
  };
  return { key, entry };
}

/** @param {string} key @param {KeyEntry} entry */
function add(key, entry) {
  const data = load();
  if (data.keys.some((existing) => existing.id === entry.id)) fail(`a key with id "${entry.id}" exists; revoke it first`);
  data.keys.push(entry);
  // The key goes to stdout alone, so that it can be piped; everything else to stderr.
  console.error(`Created ${entry.type} key "${entry.id}". It is shown this once; store it now:`);
  console.log(key);
  save(data);
}

/** @param {string | undefined} text */
const list = (text) =>
  text
    ? text
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean)
    : [];

switch (command) {
  case "create": {
    const { key, entry } = common("secret");
    const scopes = list(required("scopes"));
    const unknown = scopes.filter((scope) => !SCOPES.includes(scope));
    if (unknown.length > 0) fail(`unknown scope ${unknown.join(", ")}; scopes are ${SCOPES.join(", ")}`);
    add(key, { ...entry, scopes });
    break;
  }
  case "create-public": {
    const { key, entry } = common("public");
    const origins = values.origin ?? [];
    if (origins.length === 0) fail("--origin is required (the website allowed to use the key; repeat for several)");
    for (const origin of origins) {
      if (URL.canParse(origin) === false || new URL(origin).origin !== origin)
        fail(`--origin ${origin} is not an origin like https://shop.example`);
    }
    let defaults = {};
    try {
      defaults = values.defaults ? JSON.parse(values.defaults) : {};
    } catch {
      fail('--defaults must be JSON, e.g. \'{"status":"Заявка с сайта"}\'');
    }
    const turnstile = !values["no-turnstile"];
    add(key, {
      ...entry,
      origins,
      defaults,
      customFields: list(values["custom-fields"]),
      ...(values["thank-you"] ? { thankYouUrl: values["thank-you"] } : {}),
      turnstile,
    });
    console.error(
      turnstile
        ? "Its leads need Cloudflare Turnstile: put the widget on the form and set TURNSTILE_SECRET_KEY (npx wrangler secret put TURNSTILE_SECRET_KEY)."
        : "Created WITHOUT Turnstile (--no-turnstile): scripts may submit leads with it, within the per-visitor limit.",
    );
    break;
  }
  case "list": {
    const rows = load().keys.map((key) => ({
      id: key.id,
      type: key.type,
      site: key.site,
      access: (key.type === "secret" ? key.scopes : key.origins)?.join(" ") ?? "",
      created: key.createdAt ?? "",
      name: key.name ?? "",
    }));
    if (rows.length === 0) console.error(`no keys in ${values.file}`);
    else console.table(rows);
    break;
  }
  case "revoke": {
    const [id] = rest;
    if (!id) fail("revoke takes the id of the key");
    const data = load();
    const kept = data.keys.filter((key) => key.id !== id);
    if (kept.length === data.keys.length) fail(`no key with id "${id}" in ${values.file}`);
    console.error(`Revoked "${id}". It stops working once the new API_KEYS is in place.`);
    save({ ...data, keys: kept });
    break;
  }
  default:
    console.error(
      readFileSync(new URL(import.meta.url), "utf8")
        .split("\n")
        .slice(0, 12)
        .join("\n"),
    );
    process.exit(command ? 2 : 0);
}
