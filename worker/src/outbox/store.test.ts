// Accepting a call's changes in few statements: every change stored exactly as given, in order, with its
// phones indexed, however the rows are split into statements; and receipts read back in the order asked.

import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SIMULATOR_SITE_ID } from "../../test/constants";
import type { Fate } from "./fate";
import type { Outbox } from "./outbox";
import { OutboxRecords } from "./records";
import { INSERT_CHUNK_CHARS, type NewChange, OutboxStore } from "./store";

let objects = 0;
/** An outbox of its own for each test; nothing here sets its alarm, so nothing is sent. */
const freshOutbox = () => env.OUTBOX.get(env.OUTBOX.idFromName(`${SIMULATOR_SITE_ID}-store-${++objects}`)) as DurableObjectStub<Outbox>;

/** A change whose input holds what JSON escapes: quotes, backslashes, control characters, Cyrillic, an emoji. */
const change = (orderNumber: string, phone: string, comment = ""): NewChange => ({
  orderNumber,
  kind: "create",
  origin: "deal",
  input: JSON.stringify({ orderNumber, phones: [phone], comment: `${comment}"кавычки" \\ \n\t\u0001 😀` }),
});

const stored = (sql: SqlStorage) =>
  sql
    .exec<{ id: number; order_number: string; kind: string; origin: string; input: string; request_id: string; state: string }>(
      "SELECT id, order_number, kind, origin, input, request_id, state FROM changes ORDER BY id",
    )
    .toArray();

describe("OutboxStore.insert", () => {
  it("stores many changes in their order, each input exactly as given, with its phones indexed", async () => {
    await runInDurableObject(freshOutbox(), (_instance, state) => {
      const store = new OutboxStore(state.storage.sql);
      const first = store.insert([change("single", "79150000000")], "r-1", 1000);
      const changes = Array.from({ length: 300 }, (_, index) => change(`Сделка "${index}"`, `7915${String(index).padStart(7, "0")}`));
      const ids = store.insert(changes, "r-2", 2000);

      expect(ids).toHaveLength(300);
      expect(ids[0]).toBe(first[0]! + 1);
      expect(ids.every((id, index) => index === 0 || id === ids[index - 1]! + 1)).toBe(true);
      const rows = stored(state.storage.sql).slice(1);
      expect(rows.map((row) => row.id)).toEqual(ids);
      expect(rows.map((row) => row.order_number)).toEqual(changes.map((c) => c.orderNumber));
      expect(rows.map((row) => row.input)).toEqual(changes.map((c) => c.input));
      expect(
        rows.every((row) => row.kind === "create" && row.origin === "deal" && row.request_id === "r-2" && row.state === "queued"),
      ).toBe(true);
      const phones = state.storage.sql
        .exec<{ change_id: number; phone: string }>(
          "SELECT change_id, phone FROM change_phones WHERE change_id >= ? ORDER BY change_id",
          ids[0]!,
        )
        .toArray();
      expect(phones).toEqual(ids.map((id, index) => ({ change_id: id, phone: `7915${String(index).padStart(7, "0")}` })));
    });
  });

  it("splits inputs longer together than a statement may carry into several statements, in order", async () => {
    await runInDurableObject(freshOutbox(), (_instance, state) => {
      const store = new OutboxStore(state.storage.sql);
      // Three pairs of changes, each pair within a chunk, a third input would overflow it; and one input alone longer than a chunk.
      const long = "ж".repeat(INSERT_CHUNK_CHARS / 2 - 200);
      const changes = [
        ...Array.from({ length: 6 }, (_, index) => change(`long-${index}`, `7916000000${index}`, long)),
        change("longest", "79170000000", "ё".repeat(INSERT_CHUNK_CHARS + 10)),
        change("after", "79180000000"),
      ];
      const ids = store.insert(changes, "r-long", 3000);

      expect(ids).toHaveLength(changes.length);
      const rows = stored(state.storage.sql);
      expect(rows.map((row) => row.id)).toEqual(ids);
      expect(rows.map((row) => row.input)).toEqual(changes.map((c) => c.input));
    });
  });

  it("stores none of a call's changes when one of them cannot be stored", async () => {
    await runInDurableObject(freshOutbox(), (_instance, state) => {
      const store = new OutboxStore(state.storage.sql);
      const bad = { ...change("bad", "79190000000"), kind: "merge" } as unknown as NewChange;
      expect(() =>
        state.storage.transactionSync(() => store.insert([change("ok-1", "79190000001"), change("ok-2", "79190000002"), bad], "r", 1)),
      ).toThrow();
      expect(stored(state.storage.sql)).toEqual([]);
      expect(state.storage.sql.exec("SELECT * FROM change_phones").toArray()).toEqual([]);
    });
  });
});

describe("OutboxRecords.receipts", () => {
  it("answers each id's receipt in the order asked, a repeated id each time", async () => {
    await runInDurableObject(freshOutbox(), (_instance, state) => {
      const ids = new OutboxStore(state.storage.sql).insert([change("a", "79150000001"), change("b", "79150000002")], "r", 1000);
      const receipts = new OutboxRecords(state.storage.sql).receipts([ids[1]!, ids[0]!, ids[1]!]);

      expect(receipts.map((receipt) => [receipt.changeId, receipt.orderNumber, receipt.state])).toEqual([
        [ids[1], "b", "queued"],
        [ids[0], "a", "queued"],
        [ids[1], "b", "queued"],
      ]);
    });
  });
});

describe("OutboxStore.markInFlight and settleAll", () => {
  it("stores a request's fates as one change at a time would: delivered ones together, the rest each", async () => {
    await runInDurableObject(freshOutbox(), (_instance, state) => {
      const { sql } = state.storage;
      const store = new OutboxStore(sql);
      const now = 60_000 * 1000;
      const ids = store.insert(
        ["learns", "learns-again", "deleted", "retried", "dies"].map((name, index) => change(name, `7915000000${index}`)),
        "r",
        now - 5000,
      );
      // The ledger knew two of the deals: one learns a new id, one is deleted.
      sql.exec(
        "INSERT INTO ledger (order_number, calltouch_order_id, created_at, learned_at, learned_from) VALUES ('learns-again', 7, 1, 1, 1), ('deleted', 8, 1, 1, 1)",
      );
      const sent = store.ready("deal", now, 10);
      store.markInFlight(ids, "create");
      expect(sql.exec("SELECT state, attempts, sent_as FROM changes ORDER BY id").toArray()).toEqual(
        ids.map(() => ({ state: "in_flight", attempts: 1, sent_as: "create" })),
      );

      const fates: Fate[] = [
        { to: "delivered", calltouchOrderId: 101, ledger: "learn" },
        { to: "delivered", calltouchOrderId: undefined, ledger: "learn" },
        { to: "delivered", calltouchOrderId: undefined, ledger: "forget" },
        { to: "queued", at: now + 1000, note: "no answer", retries: 1, flips: 0, hypothesis: null },
        { to: "dead", reason: "Calltouch refused it" },
      ];
      const reasons = store.settleAll(
        sent.map((change, index) => ({ change, fate: fates[index]! })),
        now,
      );

      expect(reasons).toEqual([undefined, undefined, undefined, undefined, "Calltouch refused it"]);
      expect(sql.exec("SELECT order_number, state, calltouch_order_id, settled_at FROM changes ORDER BY id").toArray()).toEqual([
        { order_number: "learns", state: "delivered", calltouch_order_id: 101, settled_at: now },
        { order_number: "learns-again", state: "delivered", calltouch_order_id: null, settled_at: now },
        { order_number: "deleted", state: "delivered", calltouch_order_id: null, settled_at: now },
        { order_number: "retried", state: "queued", calltouch_order_id: null, settled_at: null },
        { order_number: "dies", state: "dead", calltouch_order_id: null, settled_at: now },
      ]);
      // A delivered change is a fact of its own; an id Calltouch did not repeat keeps the one learned before.
      expect(sql.exec("SELECT order_number, calltouch_order_id, learned_from FROM ledger ORDER BY order_number").toArray()).toEqual([
        { order_number: "learns", calltouch_order_id: 101, learned_from: ids[0] },
        { order_number: "learns-again", calltouch_order_id: 7, learned_from: ids[1] },
      ]);
      expect(sql.exec("SELECT event, n FROM minute_counts WHERE minute = 1000 ORDER BY event").toArray()).toEqual([
        { event: "dead", n: 1 },
        { event: "delivered", n: 3 },
        { event: "retried", n: 1 },
      ]);
    });
  });
});
