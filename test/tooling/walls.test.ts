import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

// The walls of .dependency-cruiser.cjs, each broken on purpose in a tree laid out like this repository's:
// `pnpm run walls` (part of the test command) must refuse it and name the rule. The repository itself is
// checked by the test command's own run of `pnpm run walls`.

const root = fileURLToPath(new URL("../..", import.meta.url));
const folders: string[] = [];

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** Writes `files` (path → source) into a new folder and runs the walls check there, as `pnpm run walls` does. */
function check(files: Record<string, string>): { status: number | null; output: string } {
  const folder = mkdtempSync(join(tmpdir(), "calltouch-gateway-walls-"));
  folders.push(folder);
  copyFileSync(join(root, "tsconfig.base.json"), join(folder, "tsconfig.base.json"));
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), source);
  }
  const tops = [...new Set(Object.keys(files).map((path) => path.split("/")[0]!))];
  const result = spawnSync(
    process.execPath,
    [join(root, "node_modules/dependency-cruiser/bin/dependency-cruiser.mjs"), "--config", join(root, ".dependency-cruiser.cjs"), ...tops],
    { cwd: folder, encoding: "utf8" },
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const exported = "export const value = 1;\nexport type Value = number;\n";

describe("pnpm run walls", () => {
  it("passes a tree whose imports go down the layers only", () => {
    const result = check({
      "worker/src/rest/route.ts": 'import { value } from "../services/orders";\nexport const route = value;\n',
      "worker/src/services/orders.ts": 'import { value } from "../outbox/site";\nexport { value };\n',
      "worker/src/outbox/site.ts": 'import { value } from "../calltouch/client";\nexport { value };\n',
      "worker/src/calltouch/client.ts": exported,
      "client/src/index.ts": 'import type { Value } from "../../worker/src/rest/route";\nexport type Router = Value;\n',
    });
    expect(result.output).toContain("no dependency violations found");
    expect(result.status).toBe(0);
  });

  it.each<{ rule: string; files: Record<string, string>; edge: string }>([
    {
      rule: "doors-reach-the-queue-through-services",
      files: {
        "worker/src/forms/route.ts": 'import { value } from "../outbox/site";\nexport { value };\n',
        "worker/src/outbox/site.ts": exported,
      },
      edge: "worker/src/forms/route.ts → worker/src/outbox/site.ts",
    },
    {
      rule: "doors-reach-the-queue-through-services",
      files: {
        "worker/src/trpc/router.ts": 'import type { Value } from "../calltouch/client";\nexport type V = Value;\n',
        "worker/src/calltouch/client.ts": exported,
      },
      edge: "worker/src/trpc/router.ts → worker/src/calltouch/client.ts",
    },
    {
      rule: "contract-imports-nothing-local",
      files: {
        "contract/src/index.ts": 'import { value } from "../../worker/src/log";\nexport { value };\n',
        "worker/src/log.ts": exported,
      },
      edge: "contract/src/index.ts → worker/src/log.ts",
    },
    {
      rule: "calltouch-client-knows-no-queue",
      files: {
        "worker/src/calltouch/client.ts": 'import { value } from "../outbox/store";\nexport { value };\n',
        "worker/src/outbox/store.ts": exported,
      },
      edge: "worker/src/calltouch/client.ts → worker/src/outbox/store.ts",
    },
    {
      rule: "outbox-knows-no-callers",
      files: {
        "worker/src/outbox/flush.ts": 'import { value } from "../services/orders";\nexport { value };\n',
        "worker/src/services/orders.ts": exported,
      },
      edge: "worker/src/outbox/flush.ts → worker/src/services/orders.ts",
    },
    {
      rule: "services-know-no-doors",
      files: {
        "worker/src/services/orders.ts": 'import type { Value } from "../rest/route";\nexport type V = Value;\n',
        "worker/src/rest/route.ts": exported,
      },
      edge: "worker/src/services/orders.ts → worker/src/rest/route.ts",
    },
    {
      rule: "access-knows-no-doors-or-queue",
      files: {
        "worker/src/access/gate.ts": 'import { value } from "../outbox/site";\nexport { value };\n',
        "worker/src/outbox/site.ts": exported,
      },
      edge: "worker/src/access/gate.ts → worker/src/outbox/site.ts",
    },
    {
      rule: "shared-files-know-no-layer",
      files: {
        "worker/src/settings.ts": 'import type { Value } from "./outbox/retry";\nexport type V = Value;\n',
        "worker/src/outbox/retry.ts": exported,
      },
      edge: "worker/src/settings.ts → worker/src/outbox/retry.ts",
    },
    {
      rule: "shared-files-know-no-layer",
      files: {
        "worker/src/key-file.ts": 'import { value } from "./access/gate";\nexport { value };\n',
        "worker/src/access/gate.ts": exported,
      },
      edge: "worker/src/key-file.ts → worker/src/access/gate.ts",
    },
    {
      rule: "simulator-stands-alone",
      files: {
        "simulator/src/app.ts": 'import { value } from "../../contract/src/index";\nexport { value };\n',
        "contract/src/index.ts": exported,
      },
      edge: "simulator/src/app.ts → contract/src/index.ts",
    },
    {
      rule: "client-takes-only-types-from-the-worker",
      files: {
        "client/src/index.ts": 'import { value } from "../../worker/src/trpc/router";\nexport { value };\n',
        "worker/src/trpc/router.ts": exported,
      },
      edge: "client/src/index.ts → worker/src/trpc/router.ts",
    },
    {
      rule: "no-cycles",
      files: {
        "contract/src/compile.ts": 'import type { B } from "./matching";\nexport type A = B | 1;\n',
        "contract/src/matching.ts": 'import type { A } from "./compile";\nexport type B = A | 2;\n',
      },
      edge: "contract/src/compile.ts → \n      contract/src/matching.ts →\n      contract/src/compile.ts",
    },
  ])("refuses $edge, naming $rule", ({ rule, files, edge }) => {
    const result = check(files);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain(`error ${rule}: ${edge}`);
  });
});
