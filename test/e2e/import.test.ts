// The import tool end to end: a 10,000-row CSV with 25 bad rows, through the dev servers of
// `scripts/run dev` into the simulator. The bad rows are reported by line before anything is sent; with
// --skip-invalid the rest is sent, the run is killed after its first accepted call, and a second run
// resumes: every valid row reaches Calltouch exactly once.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli, cli } from "../../client/scripts/build-cli.mjs";
import { type DevServers, startDevServers } from "./dev-servers";

const ROWS = 10_000;
/** Every 400th row is bad, in one of several ways the schema refuses. */
const BAD_EVERY = 400;
const BATCH = 500;
const ADMIN_KEY = "dev-key";
/** A key of its own, as an integration would have: `orders:write` only. */
const IMPORT_KEY = "import-test-key";

let servers: DevServers;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "calltouch-gateway-import-"));
  await buildCli();
  servers = await startDevServers({ keys: [{ id: "import-test", key: IMPORT_KEY, scopes: ["orders:write"] }] });
});

afterAll(async () => {
  await servers?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The bad value of bad row `n` (0-based among the bad ones), and the field the tool must name. */
const BAD = [
  { column: "Телефон", value: "12345", field: "phones[0]" },
  { column: "Сумма", value: "10.555", field: "revenue" },
  { column: "Дата", value: "вчера", field: "orderDate" },
  { column: "Сумма", value: "-5", field: "revenue" },
  { column: "Email", value: "not-an-email", field: "emails[0]" },
] as const;

/** Writes the CSV (a CRM's export: Russian headers, a column to ignore) and answers the bad lines. */
function writeDeals(path: string): { badLines: Map<number, string>; orderNumbers: string[] } {
  const lines = ["ID сделки,Дата,Статус,Сумма,Телефон,Email,Заметки"];
  const badLines = new Map<number, string>();
  const orderNumbers: string[] = [];
  for (let index = 0; index < ROWS; index++) {
    const row: Record<string, string> = {
      "ID сделки": `imp-${index}`,
      Дата: "2026-11-20T12:00:00+03:00",
      Статус: "Оплачено",
      Сумма: String(1000 + (index % 97)),
      Телефон: `+7 915 ${String(1_000_000 + index).slice(1, 4)}-${String(index % 100).padStart(2, "0")}-${String((index * 7) % 100).padStart(2, "0")}`,
      Email: `client${index}@example.com`,
      Заметки: `"звонок, потом письмо"`,
    };
    const line = lines.length + 1;
    if (index % BAD_EVERY === BAD_EVERY - 1) {
      const bad = BAD[badLines.size % BAD.length]!;
      row[bad.column] = bad.value;
      badLines.set(line, bad.field);
    } else {
      orderNumbers.push(row["ID сделки"]!);
    }
    lines.push(Object.values(row).join(","));
  }
  writeFileSync(path, `${lines.join("\n")}\n`);
  return { badLines, orderNumbers };
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built tool; with `killAfter`, sends SIGKILL `killDelayMs` after stderr shows that many
 * accepted calls, as an OOM killer or a closed laptop would, with no chance to tidy up.
 */
function runCli(args: string[], killAfter?: number, killDelayMs = 0): Promise<Run> {
  const child: ChildProcess = spawn(process.execPath, [cli.out, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const run: Run = { code: null, signal: null, stdout: "", stderr: "" };
  child.stdout!.on("data", (chunk) => (run.stdout += chunk));
  child.stderr!.on("data", (chunk) => {
    run.stderr += chunk;
    if (killAfter !== undefined && (run.stderr.match(/^accepted lines/gm)?.length ?? 0) >= killAfter) {
      killAfter = undefined;
      setTimeout(() => child.kill("SIGKILL"), killDelayMs);
    }
  });
  return new Promise((resolve) =>
    child.on("close", (code, signal) => {
      run.code = code;
      run.signal = signal;
      resolve(run);
    }),
  );
}

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  const text = await response.text();
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

interface DeliveryStats {
  queued: number;
  inFlight: number;
  delivered: number;
  dead: number;
}

const stats = () =>
  json<{ result: { data: DeliveryStats } }>(`${servers.gatewayUrl}/trpc/deliveries.stats`, {
    headers: { authorization: `Bearer ${ADMIN_KEY}` },
  }).then((answer) => answer.result.data);

interface SimulatorRequest {
  path: string;
  body: { orders?: { orderNumber: string }[] };
  outcome: string;
  response: { data?: { orders?: { error?: string }[] } | null };
}

const requests = () =>
  json<{ requests: SimulatorRequest[] }>(`${servers.simulatorUrl}/__simulator/requests`).then((answer) => answer.requests);

describe("calltouch-gateway import through the dev servers", () => {
  it("reports the 25 bad rows by line and sends nothing, then imports the rest exactly once across a kill and a resume", async () => {
    const deals = join(dir, "deals.csv");
    const mapping = join(dir, "mapping.json");
    const receipts = join(dir, "receipts.jsonl");
    const { badLines, orderNumbers } = writeDeals(deals);
    writeFileSync(
      mapping,
      JSON.stringify({
        "ID сделки": "orderNumber",
        Дата: "orderDate",
        Статус: "status",
        Сумма: "revenue",
        Телефон: "phones",
        Email: "emails",
        Заметки: null,
      }),
    );
    expect(badLines.size).toBe(25);
    const args = ["import", deals, "--url", servers.gatewayUrl, "--key", IMPORT_KEY, "--mapping", mapping, "--batch", String(BATCH)];

    // 1. Without --skip-invalid: every bad row reported by its line, and nothing sent.
    const refused = await runCli(args);
    expect(refused.code, refused.stderr + refused.stdout).toBe(1);
    const reported = [...refused.stderr.matchAll(/^line (\d+): ([^:]+):/gm)].map(([, line, field]) => [Number(line), field]);
    expect(reported).toEqual([...badLines]);
    expect(refused.stdout).toContain(`read ${ROWS} rows (lines 2–${ROWS + 1}): 25 invalid, ${ROWS - 25} valid`);
    expect(refused.stdout).toContain("nothing sent");
    expect(await requests()).toEqual([]);
    expect(await stats()).toMatchObject({ queued: 0, inFlight: 0, delivered: 0, dead: 0 });

    // 2. With --skip-invalid, killed just after its first accepted call: a call of 500 takes about half a
    // second, so the second one is then on its way, and its answer is lost (the gateway may have stored it).
    const killed = await runCli([...args, "--skip-invalid", "--receipts", receipts], 1, 100);
    expect(killed.signal, killed.stderr + killed.stdout).toBe("SIGKILL");
    const stateFile = `${deals}.import-state.json`;
    const interrupted = JSON.parse(readFileSync(stateFile, "utf8")) as { nextLine: number; pending?: { rows: number } };
    expect(interrupted.nextLine, "the state file vouches for the first call").toBeGreaterThan(2);

    // 3. The same command again: it resumes after the calls the state file vouches for.
    const resumed = await runCli([...args, "--skip-invalid", "--receipts", receipts]);
    console.log(`import: killed run:\n${killed.stderr.replace(/^line \d+:.*\n/gm, "")}resumed run:\n${resumed.stdout}`);
    expect(resumed.code, resumed.stderr + resumed.stdout).toBe(1); // the 25 bad rows still count
    const resumedAt = Number(/resumed at line (\d+)/.exec(resumed.stdout)?.[1]);
    expect(resumedAt, resumed.stdout).toBeGreaterThan(2);
    if (interrupted.pending) {
      // The call that was out goes again, and the gateway answers what it stored by the rows' keys.
      expect(resumed.stdout).toContain(`duplicates: the ${interrupted.pending.rows} rows re-sent after the interruption`);
    }
    expect(resumed.stdout).toContain(`${ROWS - 25} of ${ROWS - 25} valid rows accepted in all`);
    expect(existsSync(stateFile), "the state file is removed once every row was accepted").toBe(false);

    // The outbox settles with every valid row delivered once, and none dead.
    const deadline = Date.now() + 60_000;
    let settled = await stats();
    while ((settled.queued > 0 || settled.inFlight > 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      settled = await stats();
    }
    expect(settled).toMatchObject({ queued: 0, inFlight: 0, delivered: ROWS - 25, dead: 0 });

    // Calltouch saw each valid order in exactly one successful create, and nothing else.
    const created = new Map<string, number>();
    for (const request of await requests()) {
      expect(request.path, "a resent create would go as an update").toMatch(/create$/);
      if (request.outcome !== "ok") continue;
      request.body.orders?.forEach((order, index) => {
        if (!request.response.data?.orders?.[index]?.error) created.set(order.orderNumber, (created.get(order.orderNumber) ?? 0) + 1);
      });
    }
    expect([...created.keys()].sort()).toEqual([...orderNumbers].sort());
    expect([...created].filter(([, count]) => count !== 1)).toEqual([]);

    // One receipt per row, in line order, the bad ones marked invalid.
    const lines = readFileSync(receipts, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { line: number; state: string; changeId?: number });
    expect(lines).toHaveLength(ROWS);
    expect(new Set(lines.map((receipt) => receipt.line)).size).toBe(ROWS);
    expect(lines.filter((receipt) => receipt.state === "invalid").map((receipt) => receipt.line)).toEqual([...badLines.keys()]);
    expect(new Set(lines.flatMap((receipt) => (receipt.changeId === undefined ? [] : [receipt.changeId]))).size).toBe(ROWS - 25);
  }, 90_000);
});
