// Group commit: calls that reach the outbox together share one transaction, yet each keeps its own
// receipts, its own idempotency answer and its own 409, exactly as if each had committed alone.

import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { orderCreateInput } from "@calltouch-gateway/contract";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SIMULATOR_SITE_ID } from "../../test/constants";
import { simulator } from "../../test/simulator";
import { CommitGroup } from "./commit-group";
import type { EnqueueRequest, Outbox } from "./outbox";
import type { OutboxStore } from "./store";

let objects = 0;
/** An outbox of its own for each test, so that no test sees another's changes or keys. */
const freshOutbox = () => env.OUTBOX.get(env.OUTBOX.idFromName(`${SIMULATOR_SITE_ID}-group-${++objects}`)) as DurableObjectStub<Outbox>;

beforeEach(() => simulator.reset());
// What a test queued is delivered before the next begins, so that no delivery outlives its test.
afterEach(async () => {
  const outbox = env.OUTBOX.get(env.OUTBOX.idFromName(`${SIMULATOR_SITE_ID}-group-${objects}`)) as DurableObjectStub<Outbox>;
  await expect
    .poll(
      async () => {
        const stats = await outbox.stats();
        return stats.queued + stats.inFlight;
      },
      { timeout: 10_000 },
    )
    .toBe(0);
});

const call = (orderNumbers: string[], more: Partial<EnqueueRequest> = {}): EnqueueRequest => ({
  site: SIMULATOR_SITE_ID,
  kind: "create",
  origin: "deal",
  orders: orderNumbers.map((orderNumber) => orderCreateInput.parse({ orderNumber, phones: ["+79157771122"] })),
  requestId: `r-${orderNumbers.join("-")}`,
  caller: "test-admin",
  ...more,
});

interface AcceptedLine {
  message: string;
  group: number;
  calls: { requestId: string; caller: string; kind: string; origin: string; changes: number; stored: number }[];
}

/** The outbox's "accepted" log lines: one per commit, naming each call it made durable. */
function acceptedLines(logged: { mock: { calls: unknown[][] } }): AcceptedLine[] {
  return logged.mock.calls.map(([line]) => JSON.parse(line as string) as AcceptedLine).filter((line) => line.message === "accepted");
}

/** The groups the outbox's "accepted" log lines report, per request id. */
function groupsLogged(logged: { mock: { calls: unknown[][] } }): Record<string, number> {
  return Object.fromEntries(acceptedLines(logged).flatMap((line) => line.calls.map((call) => [call.requestId, line.group])));
}

describe("CommitGroup", () => {
  it("runs work handed over in one turn in one group, in order, each seeing the writes before it", async () => {
    await runInDurableObject(freshOutbox(), async (_instance, state) => {
      state.storage.sql.exec("CREATE TABLE scratch (n INTEGER)");
      const group = new CommitGroup(state.storage);
      const count = () => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM scratch").one().n;
      const add = (n: number) => () => {
        state.storage.sql.exec("INSERT INTO scratch (n) VALUES (?)", n);
        return [n, count()];
      };

      const now = Promise.resolve();
      const later = new Promise<void>((resolve) => setTimeout(resolve, 20));
      // The first call's input resolves last: the calls still run in the order they came.
      const answers = await Promise.all([group.run(later, add(1)), group.run(now, add(2)), group.run(now, add(3))]);

      expect(answers).toEqual([
        { value: [1, 1], group: 3 },
        { value: [2, 2], group: 3 },
        { value: [3, 3], group: 3 },
      ]);
      // A later piece of work opens a group of its own.
      expect(await group.run(now, add(4))).toEqual({ value: [4, 4], group: 1 });
    });
  });

  it("rolls back only the writes of work that throws, and only its caller hears of it or of its failed input", async () => {
    await runInDurableObject(freshOutbox(), async (_instance, state) => {
      const { sql } = state.storage;
      sql.exec("CREATE TABLE scratch (n INTEGER)");
      const group = new CommitGroup(state.storage);

      const ready = Promise.resolve();
      const outcomes = await Promise.allSettled([
        group.run(ready, () => sql.exec("INSERT INTO scratch (n) VALUES (1)").rowsWritten),
        group.run(ready, () => {
          sql.exec("INSERT INTO scratch (n) VALUES (2)");
          throw new Error("this call's own failure");
        }),
        group.run(Promise.reject(new Error("its input failed")), () => sql.exec("INSERT INTO scratch (n) VALUES (4)").rowsWritten),
        group.run(ready, () => sql.exec("INSERT INTO scratch (n) VALUES (3)").rowsWritten),
      ]);

      expect(outcomes).toEqual([
        { status: "fulfilled", value: { value: 1, group: 4 } },
        { status: "rejected", reason: new Error("this call's own failure") },
        { status: "rejected", reason: new Error("its input failed") },
        { status: "fulfilled", value: { value: 1, group: 4 } },
      ]);
      expect(sql.exec<{ n: number }>("SELECT n FROM scratch ORDER BY n").toArray()).toEqual([{ n: 1 }, { n: 3 }]);
    });
  });
});

describe("Outbox.enqueue in a group", () => {
  it("answers each call its own receipts, in the order the calls came", async () => {
    const logged = vi.spyOn(console, "log").mockImplementation(() => {});
    const answers = await runInDurableObject(freshOutbox(), (outbox) =>
      Promise.all([outbox.enqueue(call(["a-1", "a-2"])), outbox.enqueue(call(["b-1"])), outbox.enqueue(call(["c-1", "c-2"]))]),
    );
    const groups = groupsLogged(logged);
    const lines = acceptedLines(logged);
    logged.mockRestore();

    expect(groups).toEqual({ "r-a-1-a-2": 3, "r-b-1": 3, "r-c-1-c-2": 3 });
    // One line for the commit, each call in it in the order the calls came.
    expect(lines).toHaveLength(1);
    expect(lines[0]!.calls).toEqual([
      { requestId: "r-a-1-a-2", caller: "test-admin", kind: "create", origin: "deal", changes: 2, stored: 2 },
      { requestId: "r-b-1", caller: "test-admin", kind: "create", origin: "deal", changes: 1, stored: 1 },
      { requestId: "r-c-1-c-2", caller: "test-admin", kind: "create", origin: "deal", changes: 2, stored: 2 },
    ]);
    expect(
      answers.map((answer) => answer.ok && answer.value.map(({ orderNumber, changeId, state }) => [orderNumber, changeId, state])),
    ).toEqual([
      [
        ["a-1", 1, "queued"],
        ["a-2", 2, "queued"],
      ],
      [["b-1", 3, "queued"]],
      [
        ["c-1", 4, "queued"],
        ["c-2", 5, "queued"],
      ],
    ]);
  });

  it("answers a repeat inside the group with the change the first call stored", async () => {
    const logged = vi.spyOn(console, "log").mockImplementation(() => {});
    const outbox = freshOutbox();
    const [first, again, byOrderKey, orderKeyAgain] = await runInDurableObject(outbox, (instance) =>
      Promise.all([
        instance.enqueue(call(["same"], { idempotencyKey: "crm-event-1" })),
        instance.enqueue(call(["same"], { idempotencyKey: "crm-event-1", requestId: "r-retry" })),
        instance.enqueue({ ...call([]), orders: [orderCreateInput.parse({ orderNumber: "keyed", idempotencyKey: "k-1" })] }),
        instance.enqueue({
          ...call([]),
          requestId: "r-keyed-retry",
          orders: [orderCreateInput.parse({ orderNumber: "keyed", idempotencyKey: "k-1" })],
        }),
      ]),
    );
    const groups = Object.values(groupsLogged(logged));
    const [line] = acceptedLines(logged);
    logged.mockRestore();

    expect(groups).toEqual([4, 4, 4, 4]);
    // The repeats are named in the commit's line, as accepted calls that stored nothing.
    expect(line!.calls.map(({ requestId, stored }) => [requestId, stored])).toEqual([
      ["r-same", 1],
      ["r-retry", 0],
      ["r-", 1],
      ["r-keyed-retry", 0],
    ]);
    expect(first).toMatchObject({ ok: true, value: [{ orderNumber: "same", changeId: 1 }] });
    expect(again).toEqual(first);
    expect(byOrderKey).toMatchObject({ ok: true, value: [{ orderNumber: "keyed", changeId: 2 }] });
    expect(orderKeyAgain).toEqual(byOrderKey);
    // The repeats stored nothing.
    const statuses = await outbox.status(["same", "keyed"]);
    expect(statuses.map((status) => status.changes.map((change) => change.changeId))).toEqual([[1], [2]]);
  });

  it("refuses a conflicting call with a 409's answer while the rest of its group is stored", async () => {
    const logged = vi.spyOn(console, "log").mockImplementation(() => {});
    const outbox = freshOutbox();
    const answers = await runInDurableObject(outbox, (instance) =>
      Promise.all([
        instance.enqueue(call(["first"], { idempotencyKey: "crm-event-2" })),
        instance.enqueue(call(["other-body"], { idempotencyKey: "crm-event-2" })),
        instance.enqueue({ ...call([]), orders: [orderCreateInput.parse({ orderNumber: "order-a", idempotencyKey: "k-2" })] }),
        instance.enqueue({
          ...call([]),
          requestId: "r-other-order",
          orders: [orderCreateInput.parse({ orderNumber: "order-b", idempotencyKey: "k-2" })],
        }),
        instance.enqueue(call(["bystander"])),
      ]),
    );
    const groups = Object.values(groupsLogged(logged));
    logged.mockRestore();

    expect(groups).toEqual([5, 5, 5]);
    expect(
      answers.map((answer) => (answer.ok ? answer.value.map(({ orderNumber, changeId }) => [orderNumber, changeId]) : answer.error)),
    ).toEqual([
      [["first", 1]],
      { kind: "conflict", message: 'Idempotency-Key "crm-event-2" was used before with a different body' },
      [["order-a", 2]],
      { kind: "conflict", message: 'orders[0].idempotencyKey "k-2" was used before with a different order' },
      [["bystander", 3]],
    ]);
    const statuses = await outbox.status(["first", "other-body", "order-a", "order-b", "bystander"]);
    expect(statuses.map((status) => [status.orderNumber, status.changes.length])).toEqual([
      ["first", 1],
      ["other-body", 0],
      ["order-a", 1],
      ["order-b", 0],
      ["bystander", 1],
    ]);
  });

  it("rolls back only the call that fails: none of its changes, phones or key use stay, and its caller may come again", async () => {
    const logged = vi.spyOn(console, "log").mockImplementation(() => {});
    const outbox = freshOutbox();
    const withPhone = (orderNumber: string, phone: string, caller: string): EnqueueRequest => ({
      ...call([]),
      requestId: `r-${orderNumber}`,
      caller,
      orders: [orderCreateInput.parse({ orderNumber, phones: [phone] })],
    });
    const outcomes = await runInDurableObject(outbox, (instance) => {
      // A failure of the call's own SQL after its rows were written (a full disk, a broken row): only it must roll back.
      const { store } = instance as unknown as { store: OutboxStore };
      const insert = store.insert.bind(store);
      vi.spyOn(store, "insert").mockImplementation((changes, requestId, now) => {
        const ids = insert(changes, requestId, now);
        if (requestId === "r-broken") throw new Error("this call's own failure");
        return ids;
      });
      return Promise.allSettled([
        instance.enqueue(withPhone("kept-1", "+79157771001", "caller-a")),
        instance.enqueue(withPhone("broken", "+79157771002", "caller-b")),
        instance.enqueue(withPhone("kept-2", "+79157771003", "caller-a")),
      ]);
    });
    const groups = Object.values(groupsLogged(logged));
    logged.mockRestore();

    expect(groups).toEqual([3, 3]);
    expect(outcomes.map((outcome) => (outcome.status === "fulfilled" ? outcome.value.ok : String(outcome.reason)))).toEqual([
      true,
      "Error: this call's own failure",
      true,
    ]);
    const statuses = await outbox.status(["kept-1", "broken", "kept-2"]);
    expect(statuses.map((status) => [status.orderNumber, status.changes.map((change) => change.changeId)])).toEqual([
      ["kept-1", [1]],
      ["broken", []],
      // The rolled-back call's id is given again: no receipt ever named it.
      ["kept-2", [2]],
    ]);
    // The phone index (a trigger of migration 3) rolled back with the call; the others' entries stay.
    const dealsOf = async (phone: string) => (await outbox.dealsWithPhone(phone, 5)).map((deal) => deal.orderNumber);
    expect([await dealsOf("79157771001"), await dealsOf("79157771002"), await dealsOf("79157771003")]).toEqual([
      ["kept-1"],
      [],
      ["kept-2"],
    ]);
    // Only a committed key use counts: the failed caller's is written by its next call, not skipped for a minute.
    expect(Object.keys(await outbox.keyUse())).toEqual(["caller-a"]);
    const again = await outbox.enqueue({ ...withPhone("broken", "+79157771002", "caller-b"), requestId: "r-again" });
    expect(again).toMatchObject({ ok: true, value: [{ orderNumber: "broken", changeId: 3 }] });
    expect(Object.keys(await outbox.keyUse()).sort()).toEqual(["caller-a", "caller-b"]);
  });
});
