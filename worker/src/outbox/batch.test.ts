import type { ChangeKind } from "@calltouch-gateway/contract";
import { describe, expect, it } from "vitest";
import { type Candidate, chooseBatch, lingerFor, pauseFor } from "./batch";

const LINGER = { ms: 200, maxMs: 5000 };
let nextId = 1;
const change = (sentAs: ChangeKind, fields: Partial<Candidate> = {}): Candidate => ({
  id: nextId++,
  sentAs,
  cap: null,
  acceptedAt: 0,
  dueAt: 0,
  ...fields,
});
const many = (count: number, sentAs: ChangeKind, fields: Partial<Candidate> = {}) =>
  Array.from({ length: count }, () => change(sentAs, fields));
const ids = (batch: { changes: Candidate[] } | undefined) => batch?.changes.map((candidate) => candidate.id);

describe("chooseBatch", () => {
  it("answers nothing when nothing is ready", () => {
    expect(chooseBatch([], [], 100, LINGER, 0)).toBeUndefined();
  });

  it("takes up to batchSize changes of the oldest change's kind, in id order, and sends a full batch at once", () => {
    const creates = many(150, "create");

    const batch = chooseBatch(creates, [], 100, LINGER, 0);

    expect(batch).toMatchObject({ sentAs: "create", lingerMs: 0 });
    expect(ids(batch)).toEqual(ids({ changes: creates.slice(0, 100) }));
  });

  it("lets a batch that is not full linger, and lets a fuller batch of another kind go ahead meanwhile", () => {
    const updates = many(3, "update", { acceptedAt: 1000, dueAt: 1000 });
    const creates = many(10, "create", { acceptedAt: 1100, dueAt: 1100 });

    const batch = chooseBatch([...updates, ...creates], [], 100, LINGER, 1150);

    expect(batch).toMatchObject({ sentAs: "create", lingerMs: 150 });
    expect(chooseBatch([...updates, ...creates.slice(0, 2)], [], 100, LINGER, 1150)).toMatchObject({ sentAs: "update", lingerMs: 50 });
  });

  it("sends the oldest kind once it is done lingering, however full the other kind", () => {
    const updates = many(3, "update", { acceptedAt: 1000, dueAt: 1000 });
    const creates = many(50, "create", { acceptedAt: 1100, dueAt: 1100 });

    expect(chooseBatch([...updates, ...creates], [], 100, LINGER, 1300)).toMatchObject({ sentAs: "update", lingerMs: 0 });
  });

  it("takes the origin whose turn it is first and fills the room left with the other's changes of the same kind", () => {
    const leads = many(200, "create");
    const deals = [change("create"), change("update")];

    const batch = chooseBatch(deals, leads, 100, LINGER, 10_000);

    expect(ids(batch)).toEqual([deals[0]!.id, ...leads.slice(0, 99).map((lead) => lead.id)]);
    expect(ids(chooseBatch(leads, deals, 100, LINGER, 10_000))).toEqual(ids({ changes: leads.slice(0, 100) }));
    expect(ids(chooseBatch([], deals, 100, LINGER, 10_000))).toEqual([deals[0]!.id]);
  });

  it("sends changes of a refused batch at once, in a batch of at most their cap, with only changes of the same cap", () => {
    const halves = many(60, "create", { cap: 50, acceptedAt: 5000, dueAt: 5000 });
    const others = many(30, "create");
    const alone = change("create", { cap: 1 });

    expect(chooseBatch([...halves, ...others], [], 100, LINGER, 5000)).toMatchObject({ lingerMs: 0, changes: halves.slice(0, 50) });
    expect(chooseBatch([alone, ...others], [], 100, LINGER, 5000)?.changes).toEqual([alone]);
  });
});

describe("lingerFor", () => {
  it("waits linger.ms after the last change became due, at most linger.maxMs after the first", () => {
    const first = change("create", { acceptedAt: 0, dueAt: 0 });
    const last = change("create", { acceptedAt: 4900, dueAt: 4900 });

    expect(lingerFor([first], 100, LINGER, 50)).toBe(150);
    expect(lingerFor([first, last], 100, LINGER, 4950)).toBe(50);
    expect(lingerFor([first], 100, LINGER, 300)).toBe(0);
  });

  it("counts a retried change from the end of its backoff, and never lingers a full batch", () => {
    const retried = change("create", { acceptedAt: 0, dueAt: 60_000 });

    expect(lingerFor([retried], 100, LINGER, 60_100)).toBe(100);
    expect(lingerFor(many(100, "create"), 100, LINGER, 0)).toBe(0);
  });

  it("waits out the round trip of callers answered together, while their pace fills the batch in time", () => {
    // Three groups of 50 calls, 600 ms apart: the batch holds the last 50 changes and the next group is due at 1800.
    const waves = [0, 600, 1200].flatMap((at) => Array<number>(50).fill(at));
    const batch = many(50, "create", { acceptedAt: 1200, dueAt: 1200 });

    expect(lingerFor(batch, 100, LINGER, 1250, () => waves)).toBe(1150);
    // Without what came before, the same batch goes after linger.ms, before the next group could join.
    expect(lingerFor(batch, 100, LINGER, 1250)).toBe(150);
    // Never past linger.maxMs after its first change.
    expect(lingerFor([change("create", { acceptedAt: -3000, dueAt: -3000 }), ...batch], 100, LINGER, 1250, () => waves)).toBe(750);
  });
});

describe("pauseFor", () => {
  const LINGER_MS = LINGER.ms;

  it("is twice the longest pause between recent groups when their pace fills the room before the deadline", () => {
    const groups = [...Array<number>(50).fill(0), ...Array<number>(50).fill(600)];

    expect(pauseFor(groups, 50, LINGER, 600, 5000)).toBe(1200);
    // The pace (100 in 600 ms) cannot bring 900 more in 400 ms.
    expect(pauseFor(groups, 900, LINGER, 600, 1000)).toBe(LINGER_MS);
  });

  it("is linger.ms for a trickle, a single instant, nothing at all, or arrivals older than linger.maxMs", () => {
    const trickle = [0, 1000, 2000, 3000];

    expect(pauseFor(trickle, 99, LINGER, 3000, 5000)).toBe(LINGER_MS);
    expect(pauseFor(Array<number>(80).fill(100), 20, LINGER, 150, 5000)).toBe(LINGER_MS);
    expect(pauseFor([], 100, LINGER, 0, 5000)).toBe(LINGER_MS);
    expect(pauseFor([...Array<number>(50).fill(0), ...Array<number>(50).fill(600)], 50, LINGER, 5700, 9000)).toBe(LINGER_MS);
  });

  it("never answers less than linger.ms, however close the groups", () => {
    const close = [...Array<number>(50).fill(0), ...Array<number>(50).fill(30)];

    expect(pauseFor(close, 50, LINGER, 40, 5000)).toBe(LINGER_MS);
  });
});
