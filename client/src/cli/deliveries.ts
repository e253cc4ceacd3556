/**
 * `calltouch-gateway deliveries stats|list|replay|resume`: what the console shows and does, from a terminal,
 * through REST `/v1/deliveries`, as readable tables.
 */
import { parseArgs } from "node:util";
import type { ChangePage, DeadReasons, Replayed, Resumed, SiteOverview } from "@calltouch-gateway/contract";
import { UsageError } from "./args";

export const DELIVERIES_HELP = `Usage: calltouch-gateway deliveries <command> --url <gateway> [--key <api key>] [options]

Commands:
  stats                   the key's site: queued, in flight, delivered (today), dead, the oldest
                          queued change's age, a pause and its reason, and the dead letters by reason
  list [--state dead]     the site's changes in one state (queued, in_flight, delivered, dead),
                          oldest first; --limit <n> (default 100), --after <changeId> for the next page
  replay --id <n> …       send dead changes again: by --id (repeatable), --order <orderNumber>
         --order <n> …    (repeatable), or every dead letter of a --reason as stats shows it;
         --reason <text>  needs an admin key
  resume                  lift a pause once the credentials are fixed on Calltouch's side (admin key)

  --key defaults to $CALLTOUCH_GATEWAY_KEY (prefer the variable: a key on the command line stays in
  shell history). Exit codes: 0 done; 1 the gateway refused or could not be reached; 2 usage.
`;

type Write = (text: string) => void;

/**
 * Runs a `deliveries` command (the arguments after `deliveries`) and answers the exit code.
 *
 * @example process.exitCode = await runDeliveries(["stats", "--url", "http://localhost:8787"], { stdout, stderr, env }, fetch)
 */
export async function runDeliveries(
  argv: readonly string[],
  io: { stdout: { write: Write }; stderr: { write: Write }; env: Readonly<Record<string, string | undefined>> },
  fetchImpl: typeof fetch = fetch,
): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, ...extra] = positionals;
  if (values.help || command === undefined) {
    io.stdout.write(DELIVERIES_HELP);
    return 0;
  }
  if (extra.length > 0) throw new UsageError(`unexpected: ${extra.join(" ")}`);
  if (!values.url || !URL.canParse(values.url)) throw new UsageError("--url is required: the gateway's base URL");
  const key = values.key ?? io.env.CALLTOUCH_GATEWAY_KEY;
  if (!key) throw new UsageError("give an API key: --key <key> or the CALLTOUCH_GATEWAY_KEY variable");

  const call = async <T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T | undefined> => {
    let response: Response;
    try {
      response = await fetchImpl(new URL(path, values.url), {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      io.stderr.write(`calltouch-gateway: the gateway could not be reached: ${(error as Error).message}\n`);
      return undefined;
    }
    const answer = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
    if (!response.ok) {
      io.stderr.write(`calltouch-gateway: HTTP ${response.status}: ${answer.error?.message ?? "no message"}\n`);
      return undefined;
    }
    return answer as T;
  };
  const out = (text: string) => io.stdout.write(`${text}\n`);

  switch (command) {
    case "stats": {
      const [stats, dead] = await Promise.all([
        call<SiteOverview>("GET", "/v1/deliveries/stats"),
        call<DeadReasons>("GET", "/v1/deliveries/dead-reasons"),
      ]);
      if (!stats || !dead) return 1;
      out(
        table(
          ["site", "queued", "in flight", "delivered today", "delivered", "dead", "oldest queued"],
          [[stats.site, stats.queued, stats.inFlight, stats.deliveredToday, stats.delivered, stats.dead, age(stats.oldestQueuedAgeMs)]],
        ),
      );
      out(stats.paused ? `\nPAUSED since ${stats.paused.since}: ${stats.paused.reason}` : "\ndelivering (not paused)");
      if (dead.reasons.length > 0)
        out(
          `\n${table(
            ["dead", "latest", "reason"],
            dead.reasons.map((group) => [group.count, group.latestAt, group.reason]),
          )}`,
        );
      return 0;
    }
    case "list": {
      const query = new URLSearchParams({
        state: values.state ?? "dead",
        ...(values.limit ? { limit: values.limit } : {}),
        ...(values.after ? { after: values.after } : {}),
      });
      const page = await call<ChangePage>("GET", `/v1/deliveries?${query}`);
      if (!page) return 1;
      out(
        table(
          ["change", "deal", "kind", "state", "attempts", "calltouch id", "accepted", "error"],
          page.changes.map((change) => [
            change.changeId,
            change.orderNumber,
            change.sentAs && change.sentAs !== change.kind ? `${change.kind}→${change.sentAs}` : change.kind,
            change.state,
            change.attempts,
            change.calltouchOrderId ?? "",
            change.acceptedAt,
            change.error ?? "",
          ]),
        ),
      );
      if (page.next !== undefined) out(`\nmore: --after ${page.next}`);
      return 0;
    }
    case "replay": {
      const ids = values.id.map((id) => {
        if (!/^\d+$/.test(id)) throw new UsageError(`--id is a change id (a whole number), not "${id}"`);
        return Number(id);
      });
      const chosen = (ids.length > 0 || values.order.length > 0 ? 1 : 0) + (values.reason ? 1 : 0);
      if (chosen !== 1) throw new UsageError("name what to replay: --id and/or --order, or --reason");
      const body = values.reason
        ? { reason: values.reason }
        : { ...(ids.length > 0 ? { changeIds: ids } : {}), ...(values.order.length > 0 ? { orderNumbers: values.order } : {}) };
      const result = await call<Replayed>("POST", "/v1/deliveries:replay", body);
      if (!result) return 1;
      out(`queued again: ${result.replayed.length}${result.replayed.length > 0 ? ` (changes ${result.replayed.join(", ")})` : ""}`);
      if (result.refused.length > 0)
        out(
          `\n${table(
            ["refused", "why"],
            result.refused.map((refused) => [refused.changeId, refused.reason]),
          )}`,
        );
      return 0;
    }
    case "resume": {
      const result = await call<Resumed>("POST", "/v1/deliveries:resume");
      if (!result) return 1;
      out(result.resumed ? "delivery resumed" : "delivery was not paused");
      return 0;
    }
    default:
      throw new UsageError(`unknown deliveries command "${command}": stats, list, replay or resume`);
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      url: { type: "string" },
      key: { type: "string" },
      state: { type: "string" },
      limit: { type: "string" },
      after: { type: "string" },
      id: { type: "string", multiple: true, default: [] },
      order: { type: "string", multiple: true, default: [] },
      reason: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
}

/** A plain-text table: columns as wide as their widest cell, cells cut at 80 characters. */
export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [header, ...rows].map((row) => row.map((cell) => String(cell).replace(/\s+/g, " ").slice(0, 80)));
  const widths = header.map((_, column) => Math.max(...cells.map((row) => row[column]!.length)));
  const line = (row: string[]) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join("  ")
      .trimEnd();
  return [line(cells[0]!), line(widths.map((width) => "-".repeat(width))), ...cells.slice(1).map(line)].join("\n");
}

function age(ms: number): string {
  if (ms === 0) return "-";
  const minutes = Math.floor(ms / 60_000);
  return minutes < 1
    ? `${Math.floor(ms / 1000)} s`
    : minutes < 120
      ? `${minutes} min`
      : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
