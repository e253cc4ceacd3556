import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServers, startDevServers } from "./dev-servers";

const root = fileURLToPath(new URL("../..", import.meta.url));
const folder = mkdtempSync(join(tmpdir(), "calltouch-gateway-keys-"));
const file = join(folder, "api-keys.json");

/** Runs `scripts/run keys …` (the script behind it); answers its stdout, where only a new key goes. */
function keys(...args: string[]): string {
  return execFileSync(process.execPath, ["scripts/keys.mjs", ...args, "--file", file], { cwd: root, encoding: "utf8" }).trim();
}

let servers: DevServers;
let writer: string;
let reader: string;
let shop: string;

beforeAll(async () => {
  writer = keys("create", "--id", "crm", "--site", "12345", "--scopes", "orders:write", "--name", "amoCRM");
  reader = keys("create", "--id", "dashboard", "--site", "12345", "--scopes", "orders:read");
  // Without Turnstile: the development settings have no Turnstile secret to check tokens with.
  shop = keys(
    "create-public",
    "--id",
    "shop",
    "--site",
    "12345",
    "--origin",
    "http://localhost:8080",
    "--custom-fields",
    "Город",
    "--no-turnstile",
  );
  // The development settings, with the keys the command wrote in place of the example's.
  const example = readFileSync(join(root, ".dev.vars.example"), "utf8").replace(/^API_KEYS=.*$/m, "");
  const vars = join(folder, "dev.vars");
  writeFileSync(vars, `${example}\nAPI_KEYS=${JSON.stringify(JSON.parse(readFileSync(file, "utf8")))}\n`);
  servers = await startDevServers({ vars });
});

afterAll(async () => {
  await servers?.stop();
  rmSync(folder, { recursive: true, force: true });
});

const call = (path: string, key: string, body?: unknown) =>
  fetch(`${servers.gatewayUrl}/trpc/${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

describe("scripts/run keys", () => {
  it("creates keys that the gateway accepts with exactly their scopes, and stores only their SHA-256", async () => {
    expect(writer).toMatch(/^sk_[\w-]{32}$/);
    expect(readFileSync(file, "utf8")).not.toContain(writer);

    expect((await call("orders.create", writer, { orderNumber: "cli-1" })).status).toBe(200);
    expect((await call("orders.create", reader, { orderNumber: "cli-2" })).status).toBe(403);
    expect((await call("deliveries.stats", reader)).status).toBe(200);
    expect((await call("deliveries.stats", writer)).status).toBe(403);
  });

  it("creates public keys that require Turnstile unless told --no-turnstile, and that only add leads from their origin", async () => {
    const other = join(folder, "other.json");
    execFileSync(
      process.execPath,
      ["scripts/keys.mjs", "create-public", "--id", "f", "--site", "1", "--origin", "https://a.example", "--file", other],
      {
        cwd: root,
        stdio: "pipe",
      },
    );
    expect(JSON.parse(readFileSync(other, "utf8")).keys[0]).toMatchObject({ type: "public", turnstile: true, customFields: [] });
    expect(JSON.parse(readFileSync(file, "utf8")).keys[2]).toMatchObject({ id: "shop", turnstile: false, customFields: ["Город"] });

    expect(shop).toMatch(/^pk_[\w-]{32}$/);
    const lead = (origin: string) =>
      fetch(`${servers.gatewayUrl}/forms/${shop}`, {
        method: "POST",
        headers: { origin, accept: "application/json" },
        body: new URLSearchParams({ phone: "89157771122", Город: "Москва" }),
      });
    expect((await lead("http://localhost:8080")).status).toBe(200);
    expect((await lead("https://evil.example")).status).toBe(403);
    expect((await call("orders.create", shop, { orderNumber: "cli-3" })).status).toBe(403);
  });

  it("lists and revokes keys by id", () => {
    expect(keys("list")).toMatch(/crm[\s\S]*dashboard[\s\S]*shop/);
    keys("revoke", "crm");
    const left = JSON.parse(readFileSync(file, "utf8")) as { keys: { id: string }[] };
    expect(left.keys.map((key) => key.id)).toEqual(["dashboard", "shop"]);
  });

  it("refuses an unknown scope, and a second key with the same id, changing nothing", () => {
    const before = readFileSync(file, "utf8");
    const scope = spawnSync(
      process.execPath,
      ["scripts/keys.mjs", "create", "--id", "x", "--site", "1", "--scopes", "everything", "--file", file],
      { cwd: root, encoding: "utf8" },
    );
    expect(scope.status).toBe(2);
    expect(scope.stderr).toContain("unknown scope everything");
    const twice = spawnSync(
      process.execPath,
      ["scripts/keys.mjs", "create", "--id", "dashboard", "--site", "1", "--scopes", "admin", "--file", file],
      { cwd: root, encoding: "utf8" },
    );
    expect(twice.status).toBe(2);
    expect(readFileSync(file, "utf8")).toBe(before);
  });
});
