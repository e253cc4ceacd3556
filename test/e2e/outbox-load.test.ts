// The outbox under load, through the development servers of `scripts/run dev`: 2,000 single-order creates
// from 50 concurrent callers, then an update of each, while Calltouch (the simulator) fails 20 % of the
// requests with a 500. Every change must arrive, in order per order, in few batched requests within the
// rate limit. Plain HTTP and JSON, as any caller would do it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServers, startDevServers } from "./dev-servers";

const ORDERS = 2000;
const CALLERS = 50;
const BATCH_SIZE = 100;
const REQUESTS_PER_SECOND = 5;
const SETTLE_TIMEOUT_MS = 120_000;
/** `BATCH_LINGER_MS`, its default (worker/src/settings.ts): a batch that is not full goes once no change joined it for this long. */
const LINGER_MS = 200;
const orderNumbers = Array.from({ length: ORDERS }, (_, index) => `load-${index}`);

/** The example's admin key, for the operators' stats. */
const ADMIN_KEY = "dev-key";
/** Each caller has its own secret key, as separate integrations would; each makes 80 of the 4,000 calls. */
const callerKey = (caller: number) => `load-test-caller-${caller}`;

let servers: DevServers;

beforeAll(async () => {
  const keys = Array.from({ length: CALLERS }, (_, caller) => ({
    id: `load-caller-${caller}`,
    key: callerKey(caller),
    scopes: ["orders:write"],
  }));
  servers = await startDevServers({ keys });
});

afterAll(async () => {
  await servers?.stop();
});

// --- small typed helpers over plain fetch ---

interface Receipt {
  orderNumber: string;
  changeId: number;
  state: string;
}

interface DeliveryStats {
  queued: number;
  inFlight: number;
  delivered: number;
  dead: number;
  oldestQueuedAgeMs: number;
  paused: unknown;
}

interface SimulatorRequest {
  seq: number;
  at: number;
  path: string;
  body: { orders?: { orderNumber: string; status?: string }[] };
  status: number;
  outcome: string;
  response: { data?: { orders?: { error?: string }[] } | null };
}

async function json<T>(response: Response, what: string): Promise<T> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** A tRPC mutation: `POST /trpc/<name>` with the input as the body. */
async function mutate<T>(name: string, input: unknown, apiKey: string): Promise<T> {
  const response = await fetch(`${servers.gatewayUrl}/trpc/${name}`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: JSON.stringify(input),
  });
  return (await json<{ result: { data: T } }>(response, name)).result.data;
}

/** A tRPC query: `GET /trpc/<name>?input=<JSON>`. */
async function query<T>(name: string, input?: unknown, apiKey = ADMIN_KEY): Promise<T> {
  const search = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const response = await fetch(`${servers.gatewayUrl}/trpc/${name}${search}`, { headers: { authorization: `Bearer ${apiKey}` } });
  return (await json<{ result: { data: T } }>(response, name)).result.data;
}

/** A control endpoint of the simulator (`/__simulator/<path>`). */
async function simulator<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${servers.simulatorUrl}/__simulator/${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });
  return json<T>(response, `simulator ${method} ${path}`);
}

/**
 * Each caller once with a create the gateway must refuse (no `orderNumber`): a 400 naming the field, nothing
 * stored. It also warms each key's path (its rate-limit budget, its connection), so that the first counted
 * calls do not stall on that and close a batch early.
 */
async function refusedFromEachCaller(): Promise<void> {
  await Promise.all(
    Array.from({ length: CALLERS }, async (_, caller) => {
      const response = await fetch(`${servers.gatewayUrl}/trpc/orders.create`, {
        method: "POST",
        headers: { authorization: `Bearer ${callerKey(caller)}`, "content-type": "application/json" },
        body: JSON.stringify({ status: "created" }),
      });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain("orderNumber");
    }),
  );
}

/** When each call of a phase was answered, by order number, and all those times in order. */
interface Answers {
  at: Map<string, number>;
  times: number[];
}

/**
 * `CALLERS` callers at once, each sending its share of the orders (caller c takes orders c, c + 50, …),
 * one single-order call at a time; each call must be accepted with one receipt for its order.
 */
async function fromConcurrentCallers(procedure: "orders.create" | "orders.update", status: string): Promise<Answers> {
  const answers: Answers = { at: new Map(), times: [] };
  await Promise.all(
    Array.from({ length: CALLERS }, async (_, caller) => {
      for (let index = caller; index < ORDERS; index += CALLERS) {
        const orderNumber = orderNumbers[index]!;
        const { receipts } = await mutate<{ receipts: Receipt[] }>(procedure, { orderNumber, status }, callerKey(caller));
        answers.at.set(orderNumber, Date.now());
        answers.times.push(Date.now());
        expect(receipts, `${procedure} ${orderNumber}`).toEqual([expect.objectContaining({ orderNumber })]);
      }
    }),
  );
  return answers;
}

/**
 * Whether the callers paused after the last change of a batch that was not full: a batch rightly leaves so
 * when no change joined it for LINGER_MS. Read from the answers, at half the linger, because an answer comes
 * back after its change joined by a time that varies, so a gap between answers can be shorter than the gap
 * between the changes. The batch that holds a phase's last change is never excused: that one is partial only
 * because an earlier batch was.
 */
function pausedAfter(orders: readonly { orderNumber: string }[], answers: Answers): boolean {
  const last = Math.max(...orders.map((order) => answers.at.get(order.orderNumber) ?? Number.NEGATIVE_INFINITY));
  const next = answers.times.find((at) => at > last);
  return next !== undefined && next - last > LINGER_MS / 2;
}

/** The pauses between consecutive answers longer than `ms`: when the whole path stalled. */
function stalls(answeredAt: readonly number[], ms: number): number[] {
  return answeredAt.slice(1).flatMap((at, index) => (at - answeredAt[index]! > ms ? [at - answeredAt[index]!] : []));
}

/** Polls the outbox's stats until nothing is queued or in flight; fails with the last stats otherwise. */
async function settle(timeoutMs: number): Promise<DeliveryStats> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stats = await query<DeliveryStats>("deliveries.stats");
    if (stats.queued === 0 && stats.inFlight === 0) return stats;
    if (Date.now() > deadline) throw new Error(`the outbox did not settle in ${timeoutMs} ms: ${JSON.stringify(stats)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const kindOf = (request: SimulatorRequest) => request.path.slice(request.path.lastIndexOf("/") + 1);

describe("the outbox under load through the dev servers", () => {
  it(
    "delivers 2,000 creates and 2,000 updates from 50 callers, in order per order, batched, within the rate limit, despite 20 % upstream failures",
    async () => {
      await simulator("PUT", "config", { failureRate: 0.2, failureStatus: 500, seed: 20_260_101 });
      await simulator("DELETE", "requests");
      await refusedFromEachCaller();
      // The site's outbox starts empty, refused calls left nothing (and it is up before the first caller comes).
      expect(await query<DeliveryStats>("deliveries.stats")).toMatchObject({ queued: 0, inFlight: 0, delivered: 0, dead: 0 });

      const started = Date.now();
      const creates = await fromConcurrentCallers("orders.create", "created");
      const updates = await fromConcurrentCallers("orders.update", "updated");
      const stats = await settle(SETTLE_TIMEOUT_MS);
      const settledAt = Date.now();

      const { requests } = await simulator<{ requests: SimulatorRequest[] }>("GET", "requests");
      const simulatorStats = await simulator<{ maxInAnySecond: { all: number; admitted: number } }>("GET", "stats");
      const failed = requests.filter((request) => request.outcome !== "ok");
      // Each failed request goes again; a failed create may have been applied (a 500 says nothing of it), so an
      // update tests its creates first: one request more for each failed create.
      const failedCreates = failed.filter((request) => kindOf(request) === "create").length;
      // seq:kind size, `!` for a failed request: e.g. 7:c100! 8:u64
      const log = requests.map((r) => `${r.seq}:${kindOf(r)[0]}${r.body.orders?.length ?? 0}${r.outcome === "ok" ? "" : "!"}`);
      const partial = requests.flatMap((request, index) => {
        const orders = request.body.orders ?? [];
        if (orders.length >= BATCH_SIZE) return [];
        // A create's change carries "created" even when it goes as an update (to test a failed create).
        const excused = pausedAfter(orders, orders[0]?.status === "created" ? creates : updates);
        return [{ entry: `${log[index]}${excused ? " (paused)" : ""}`, excused }];
      });
      // Each batch that left partial while the callers paused may cost one request more; no other may.
      const excused = partial.filter((batch) => batch.excused).length;
      const bound = Math.ceil(ORDERS / BATCH_SIZE) * 2 + failed.length + failedCreates + excused;
      const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
      const pauses = stalls([...creates.times, ...updates.times], LINGER_MS / 2);
      console.log(
        `outbox load: ${requests.length} upstream requests, ${failed.length} failed (${failedCreates} creates), bound ${bound} ` +
          `(${Math.ceil(ORDERS / BATCH_SIZE) * 2} + ${failed.length} + ${failedCreates} + ${excused}); partial batches: ${partial.map((batch) => batch.entry).join(" ") || "none"}; ` +
          `${seconds(settledAt - started)} in all: creates accepted in ${seconds(creates.times.at(-1)! - started)}, ` +
          `updates in ${seconds(updates.times.at(-1)! - creates.times.at(-1)!)}, all delivered ${seconds(settledAt - updates.times.at(-1)!)} later; ` +
          `at most ${simulatorStats.maxInAnySecond.all} requests in a second; ${pauses.length} pauses of over ${LINGER_MS / 2} ms ` +
          `between accepted calls (longest ${Math.max(0, ...pauses)} ms)\n  requests: ${log.join(" ")}`,
      );

      expect(stats).toMatchObject({ delivered: 2 * ORDERS, dead: 0, paused: null });

      // What Calltouch applied of each order: its successful creates and updates, in arrival order.
      const applied = new Map<string, string[]>();
      for (const request of requests) {
        const orders = request.body.orders ?? [];
        expect(orders.length, `request ${request.seq}`).toBeLessThanOrEqual(BATCH_SIZE);
        if (request.outcome !== "ok") continue;
        const items = request.response.data?.orders ?? [];
        expect(items, `answer of request ${request.seq}`).toHaveLength(orders.length);
        orders.forEach((order, index) => {
          if (items[index]!.error) return;
          const seen = applied.get(order.orderNumber) ?? [];
          seen.push(`${kindOf(request)} ${order.status}`);
          applied.set(order.orderNumber, seen);
        });
      }
      const wrong = orderNumbers.filter((orderNumber) => {
        const seen = applied.get(orderNumber);
        return seen?.length !== 2 || seen[0] !== "create created" || seen[1] !== "update updated";
      });
      expect(
        wrong.map((orderNumber) => `${orderNumber}: ${JSON.stringify(applied.get(orderNumber) ?? [])}`),
        "orders not applied as exactly one create, then one update",
      ).toEqual([]);

      expect(simulatorStats.maxInAnySecond.all).toBeLessThanOrEqual(REQUESTS_PER_SECOND);
      expect(failed.length, "the seeded 20 % failures must have played").toBeGreaterThan(0);
      expect(requests.length, `upstream requests; partial batches: ${partial.map((batch) => batch.entry).join(" ")}`).toBeLessThanOrEqual(
        bound,
      );
    },
    // Starting the dev servers is the hook's; accepting and delivering 4,000 changes takes about half a minute.
    SETTLE_TIMEOUT_MS + 60_000,
  );
});
