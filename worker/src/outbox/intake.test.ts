// Carriages: calls of one site that meet in an isolate ride to its outbox in one RPC, yet each keeps its
// own answer, in order; a lone call leaves at once; a call that waits, or a big one, goes alone.

import { env } from "cloudflare:workers";
import { orderCreateInput } from "@calltouch-gateway/contract";
import { describe, expect, it, vi } from "vitest";
import { SIMULATOR_SITE_ID } from "../../test/constants";
import { enqueue } from "./intake";
import type { CarriedAnswer, EnqueueAnswer, EnqueueRequest } from "./outbox";

/** An outbox namespace that records each RPC and answers it when the test says. */
function fakeOutboxes() {
  const sent: { site: string; requests: EnqueueRequest[]; answer: (answers: CarriedAnswer[] | Error) => void }[] = [];
  const alone: EnqueueRequest[] = [];
  const namespace = {
    idFromName: (site: string) => site,
    get: (site: string) => ({
      enqueueAll: (requests: EnqueueRequest[]) =>
        new Promise<CarriedAnswer[]>((resolve, reject) => {
          sent.push({ site, requests, answer: (answers) => (answers instanceof Error ? reject(answers) : resolve(answers)) });
        }),
      enqueue: async (request: EnqueueRequest): Promise<EnqueueAnswer> => {
        alone.push(request);
        return { ok: true, value: [] };
      },
    }),
  };
  // The namespace object keys the isolate's lanes, so each test's fake has lanes of its own.
  return { env: { ...env, OUTBOX: namespace } as unknown as Env, sent, alone };
}

const call = (name: string, orders = 1, more: Partial<EnqueueRequest> = {}): EnqueueRequest => ({
  site: SIMULATOR_SITE_ID,
  kind: "create",
  origin: "deal",
  orders: Array.from({ length: orders }, (_, index) => orderCreateInput.parse({ orderNumber: `${name}-${index}` })),
  requestId: `r-${name}`,
  caller: "test-admin",
  ...more,
});

const queued = (request: EnqueueRequest, from: number): { answer: EnqueueAnswer } => ({
  answer: {
    ok: true,
    value: request.orders.map((order, index) => ({ orderNumber: order.orderNumber, changeId: from + index, state: "queued", attempts: 0 })),
  },
});

/** Lets the calls' continuations run (a carriage leaves a turn after its lead is chosen). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("enqueue in carriages", () => {
  it("sends a lone call at once, and the calls that came meanwhile together next, each with its own answer", async () => {
    const outboxes = fakeOutboxes();
    const first = enqueue(outboxes.env, call("a"));
    await settle();
    expect(outboxes.sent.map(({ requests }) => requests.map((request) => request.requestId))).toEqual([["r-a"]]);

    const later = [call("b"), call("c"), call("d")].map((request) => enqueue(outboxes.env, request));
    await settle();
    // Still one on its way: the later calls wait for it rather than each paying an RPC of its own.
    expect(outboxes.sent).toHaveLength(1);
    outboxes.sent[0]!.answer([queued(call("a"), 1)]);
    await expect(first).resolves.toEqual(queued(call("a"), 1).answer);
    await settle();

    expect(outboxes.sent.map(({ requests }) => requests.map((request) => request.requestId))).toEqual([["r-a"], ["r-b", "r-c", "r-d"]]);
    const conflict = {
      ok: false,
      error: { kind: "conflict", message: 'Idempotency-Key "k" was used before with a different body' },
    } as const;
    outboxes.sent[1]!.answer([queued(call("b"), 2), { answer: conflict }, { error: new Error("d's own failure") }]);
    const answers = await Promise.allSettled(later);
    expect(answers).toEqual([
      { status: "fulfilled", value: queued(call("b"), 2).answer },
      { status: "fulfilled", value: conflict },
      { status: "rejected", reason: new Error("d's own failure") },
    ]);
  });

  it("fails every call of a carriage the outbox did not answer, and the next carriage still leaves", async () => {
    const outboxes = fakeOutboxes();
    const first = enqueue(outboxes.env, call("a"));
    await settle();
    const second = enqueue(outboxes.env, call("b"));
    const third = enqueue(outboxes.env, call("c"));
    await settle();
    outboxes.sent[0]!.answer(new Error("the outbox was reset"));
    await expect(first).rejects.toThrow("the outbox was reset");
    await settle();

    expect(outboxes.sent).toHaveLength(2);
    outboxes.sent[1]!.answer(new Error("reset again"));
    await expect(second).rejects.toThrow("reset again");
    await expect(third).rejects.toThrow("reset again");
    const fourth = enqueue(outboxes.env, call("d"));
    await settle();
    expect(outboxes.sent).toHaveLength(3);
    outboxes.sent[2]!.answer([queued(call("d"), 9)]);
    await expect(fourth).resolves.toEqual(queued(call("d"), 9).answer);
  });

  it("takes a carriage not back within a minute for lost, and lets the calls after it leave", async () => {
    const outboxes = fakeOutboxes();
    const lost = enqueue(outboxes.env, call("lost"));
    await settle();
    const waiting = enqueue(outboxes.env, call("waiting"));
    await settle();
    expect(outboxes.sent).toHaveLength(1);

    // The request that sent the first carriage was cancelled: its answer never comes.
    const now = Date.now();
    const clock = vi.spyOn(Date, "now").mockReturnValue(now + 61_000);
    try {
      const later = enqueue(outboxes.env, call("later"));
      await settle();
      expect(outboxes.sent.map(({ requests }) => requests.map((request) => request.requestId))).toEqual([
        ["r-lost"],
        ["r-waiting", "r-later"],
      ]);
      outboxes.sent[1]!.answer([queued(call("waiting"), 2), queued(call("later"), 3)]);
      await expect(waiting).resolves.toEqual(queued(call("waiting"), 2).answer);
      await expect(later).resolves.toEqual(queued(call("later"), 3).answer);
    } finally {
      clock.mockRestore();
    }
    // Should the lost carriage come back after all, its calls still get their answers.
    outboxes.sent[0]!.answer([queued(call("lost"), 1)]);
    await expect(lost).resolves.toEqual(queued(call("lost"), 1).answer);
  });

  it("lets a call that waits for delivery go alone, so that it holds no other call's answer", async () => {
    const outboxes = fakeOutboxes();
    await expect(enqueue(outboxes.env, call("waits", 1, { waitMs: 5000 }))).resolves.toEqual({ ok: true, value: [] });
    expect(outboxes.alone.map((request) => request.requestId)).toEqual(["r-waits"]);
    expect(outboxes.sent).toHaveLength(0);
  });

  it("fills a carriage up to 2 MiB of orders: a call that would overflow it waits for the next", async () => {
    const outboxes = fakeOutboxes();
    // Orders as the contract passes them on, each with a long text (the outbox gets them as they are).
    const long = (name: string) => ({ ...call(name), orders: [{ ...call(name).orders[0]!, comment: "ж".repeat(1_200_000) }] });
    const answers = [enqueue(outboxes.env, call("lead"))];
    await settle();
    answers.push(...[long("big-1"), long("big-2"), call("small")].map((request) => enqueue(outboxes.env, request)));
    await settle();
    for (let answered = 0; answered < 3; answered++) {
      const carriage = outboxes.sent[answered]!;
      carriage.answer(carriage.requests.map((request) => queued(request, 1)));
      await settle();
    }

    expect(outboxes.sent.map(({ requests }) => requests.map((request) => request.requestId))).toEqual([
      ["r-lead"],
      ["r-big-1"],
      ["r-big-2", "r-small"],
    ]);
    expect((await Promise.all(answers)).every((answer) => answer.ok)).toBe(true);
  });

  it("fills a carriage up to the orders of one call, and keeps sites apart", async () => {
    const outboxes = fakeOutboxes();
    const calls = [call("lead"), call("a", 600), call("b", 400), call("c", 1), call("big", 1000), call("elsewhere", 1, { site: "70001" })];
    const answers = [enqueue(outboxes.env, calls[0]!)];
    await settle();
    answers.push(...calls.slice(1).map((request) => enqueue(outboxes.env, request)));
    await settle();
    const carriages = () => outboxes.sent.map(({ site, requests }) => `${site}: ${requests.map((request) => request.requestId).join(" ")}`);
    expect(carriages()).toEqual([`${SIMULATOR_SITE_ID}: r-lead`, "70001: r-elsewhere"]);

    // Each carriage of the site answered in turn, the next leaving once it is.
    for (let answered = 0; answered < 4; answered++) {
      const carriage = outboxes.sent.filter(({ site }) => site === SIMULATOR_SITE_ID)[answered]!;
      carriage.answer(carriage.requests.map((request) => queued(request, 1)));
      await settle();
    }
    // 600 + 400 fill one carriage; the 1-order call cannot join them, and rides alone before the 1,000 of "big".
    expect(carriages()).toEqual([
      `${SIMULATOR_SITE_ID}: r-lead`,
      "70001: r-elsewhere",
      `${SIMULATOR_SITE_ID}: r-a r-b`,
      `${SIMULATOR_SITE_ID}: r-c`,
      `${SIMULATOR_SITE_ID}: r-big`,
    ]);
    outboxes.sent[1]!.answer([queued(calls[5]!, 1)]);
    const settled = await Promise.all(answers);
    expect(settled.map((answer) => (answer.ok ? answer.value.length : 0))).toEqual([1, 600, 400, 1, 1000, 1]);
  });
});
