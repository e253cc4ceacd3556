// The Cap'n Proto text that scripts/selfhost writes, read back by the pinned workerd itself.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { capnpConfig, embed } from "../../../scripts/selfhost/capnp-text.mjs";
import { freePort, stopGroup, waitFor } from "../dev-servers";

const workerd = (createRequire(import.meta.url)("workerd") as { default: string }).default;
const dir = mkdtempSync(join(tmpdir(), "calltouch-gateway-capnp-"));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("capnpConfig", () => {
  it("writes texts that workerd reads back exactly: quotes, backslashes, control characters, Cyrillic", async () => {
    const texts = {
      QUOTED: 'say "hi" \\ back\\slash',
      LINES: "one\ntwo\tthree\r\u0001\u007f",
      CYRILLIC: "Новая «сделка» №1 ✓",
      C1: "\u0085 next line",
      JSON: '{"keys":[{"id":"dev-admin"}]}',
    };
    writeFileSync(join(dir, "echo.js"), "export default { fetch: (request, env) => Response.json(env) };");
    const port = await freePort();
    writeFileSync(
      join(dir, "config.capnp"),
      capnpConfig({
        services: [
          {
            name: "echo",
            worker: {
              modules: [{ name: "echo.js", esModule: embed("echo.js") }],
              compatibilityDate: "2026-10-15",
              bindings: Object.entries(texts).map(([name, text]) => ({ name, text })),
            },
          },
        ],
        sockets: [{ name: "http", address: `127.0.0.1:${port}`, http: {}, service: "echo" }],
      }),
    );
    const child = spawn(workerd, ["serve", join(dir, "config.capnp"), "config"], { cwd: dir, detached: true, stdio: "inherit" });
    try {
      await waitFor(`http://127.0.0.1:${port}/`, child, Date.now() + 30_000);
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).json()).toEqual(texts);
    } finally {
      await stopGroup(child);
    }
  });
});
