// `calltouch-gateway deliveries`: its command line, the REST calls it makes, and the tables it prints, with
// the gateway played by a stub of fetch (test/workerd/rest-deliveries.test.ts tests the routes themselves).
import { describe, expect, it } from "vitest";
import { UsageError } from "../../client/src/cli/args";
import { runDeliveries, table } from "../../client/src/cli/deliveries";

const URL_ = "http://gateway.test";

function run(argv: string[], answers: Record<string, { status?: number; body: unknown }>) {
  const calls: { method: string; url: string; authorization: string | null; body: unknown }[] = [];
  let stdout = "";
  let stderr = "";
  const fetchStub = (async (input: URL, init: RequestInit) => {
    const headers = new Headers(init.headers);
    calls.push({
      method: init.method ?? "GET",
      url: input.toString(),
      authorization: headers.get("authorization"),
      body: init.body ? JSON.parse(String(init.body)) : undefined,
    });
    const path = `${input.pathname}${input.search}`;
    const answer = answers[path];
    if (!answer) throw new Error(`no answer for ${path}`);
    return new Response(JSON.stringify(answer.body), { status: answer.status ?? 200 });
  }) as typeof fetch;
  const io = {
    stdout: { write: (text: string) => void (stdout += text) },
    stderr: { write: (text: string) => void (stderr += text) },
    env: { CALLTOUCH_GATEWAY_KEY: "env-key" },
  };
  return runDeliveries(argv, io, fetchStub).then((code) => ({ code, stdout, stderr, calls }));
}

describe("calltouch-gateway deliveries", () => {
  it("prints a site's numbers, its pause and its dead letters by reason", async () => {
    const { code, stdout, calls } = await run(["stats", "--url", URL_], {
      "/v1/deliveries/stats": {
        body: {
          site: "12345",
          queued: 3,
          inFlight: 0,
          delivered: 900,
          dead: 2,
          oldestQueuedAgeMs: 125_000,
          deliveredToday: 812,
          paused: { reason: "Calltouch refused the gateway's credentials", since: "2026-11-29T10:00:00.000Z" },
        },
      },
      "/v1/deliveries/dead-reasons": {
        body: { reasons: [{ reason: 'Order "…" not found', count: 2, latestAt: "2026-11-29T11:00:00.000Z" }] },
      },
    });
    expect(code).toBe(0);
    expect(calls.every((call) => call.authorization === "Bearer env-key")).toBe(true);
    expect(stdout).toBe(
      [
        "site   queued  in flight  delivered today  delivered  dead  oldest queued",
        "-----  ------  ---------  ---------------  ---------  ----  -------------",
        "12345  3       0          812              900        2     2 min",
        "",
        "PAUSED since 2026-11-29T10:00:00.000Z: Calltouch refused the gateway's credentials",
        "",
        "dead  latest                    reason",
        "----  ------------------------  -------------------",
        '2     2026-11-29T11:00:00.000Z  Order "…" not found',
        "",
      ].join("\n"),
    );
  });

  it("lists a state's changes a page at a time", async () => {
    const change = {
      changeId: 7,
      orderNumber: "42",
      kind: "create",
      sentAs: "update",
      state: "dead",
      attempts: 2,
      acceptedAt: "2026-11-29T10:00:00.000Z",
      error: "refused",
      origin: "deal",
      requestId: "r",
    };
    const { stdout, calls } = await run(["list", "--url", URL_, "--limit", "1"], {
      "/v1/deliveries?state=dead&limit=1": { body: { changes: [change], next: 7 } },
    });
    expect(calls[0]!.url).toBe(`${URL_}/v1/deliveries?state=dead&limit=1`);
    expect(stdout).toContain("7       42    create→update  dead   2");
    expect(stdout).toContain("more: --after 7");
  });

  it("replays by id, deal or reason, and says what was refused", async () => {
    const answers = {
      "/v1/deliveries:replay": { body: { replayed: [7], refused: [{ changeId: 8, reason: "a later change was delivered" }] } },
    };
    const byIds = await run(["replay", "--url", URL_, "--id", "7", "--id", "8", "--order", "42"], answers);
    expect(byIds.calls[0]).toMatchObject({ method: "POST", body: { changeIds: [7, 8], orderNumbers: ["42"] } });
    expect(byIds.stdout).toContain("queued again: 1 (changes 7)");
    expect(byIds.stdout).toContain("8        a later change was delivered");
    const byReason = await run(["replay", "--url", URL_, "--reason", 'Order "…" not found'], answers);
    expect(byReason.calls[0]!.body).toEqual({ reason: 'Order "…" not found' });
  });

  it("says the gateway's refusal and exits 1; refuses a command line that cannot run", async () => {
    const refused = await run(["resume", "--url", URL_], {
      "/v1/deliveries:resume": { status: 403, body: { error: { message: "This key lacks the admin scope" } } },
    });
    expect(refused).toMatchObject({ code: 1, stderr: "calltouch-gateway: HTTP 403: This key lacks the admin scope\n" });
    await expect(run(["replay", "--url", URL_], {})).rejects.toThrow(UsageError);
    await expect(run(["replay", "--url", URL_, "--id", "x"], {})).rejects.toThrow("--id is a change id");
    await expect(run(["explode", "--url", URL_], {})).rejects.toThrow('unknown deliveries command "explode"');
    await expect(run(["stats"], {})).rejects.toThrow("--url is required");
  });

  it("draws tables whose columns fit their widest cell", () => {
    expect(table(["a", "bb"], [["xyz", 1]])).toBe("a    bb\n---  --\nxyz  1");
  });
});
