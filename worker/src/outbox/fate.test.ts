import { describe, expect, it } from "vitest";
import type { Verdict } from "../calltouch/classify";
import { type Failure, fateOfFailure, fateOfResult, MAX_FLIPS, type SentChange } from "./fate";

const NOW = 1_000_000;
const deal = (fields: Partial<SentChange> = {}): SentChange => ({
  id: 7,
  orderNumber: "42",
  kind: "create",
  origin: "deal",
  retries: 0,
  flips: 0,
  hypothesis: null,
  ledger: null,
  ...fields,
});
const refused = (error: string) => ({ orderNumber: "42", ok: false as const, error });
const failure = (verdict: Partial<Verdict> & Pick<Verdict, "kind">, fields: Partial<Failure> = {}): Failure => ({
  verdict: { row: "server_error", applied: "no", message: "Calltouch failed (HTTP 500)", ...verdict },
  size: 10,
  retryAt: NOW + 4000,
  counts: true,
  maxAttempts: 5,
  ...fields,
});

describe("fateOfResult", () => {
  it("delivers and teaches the ledger; a delivered delete makes it forget", () => {
    expect(fateOfResult(deal(), "create", { orderNumber: "42", ok: true, calltouchOrderId: 9 }, NOW)).toEqual({
      to: "delivered",
      calltouchOrderId: 9,
      ledger: "learn",
    });
    expect(fateOfResult(deal({ kind: "delete" }), "delete", { orderNumber: "42", ok: true }, NOW)).toMatchObject({ ledger: "forget" });
  });

  it("kills a create refused for its content at once, with Calltouch's text", () => {
    expect(fateOfResult(deal(), "create", refused("Некорректный статус"), NOW)).toEqual({ to: "dead", reason: "Некорректный статус" });
  });

  it("tests words of an existing deal with an update, and sends the create again when the update is refused", () => {
    const hypothesis = fateOfResult(deal(), "create", refused("duplicate custom field name"), NOW);
    expect(hypothesis).toMatchObject({ to: "queued", at: NOW, hypothesis: "exists", flips: 0, retries: 0 });

    const refuted = fateOfResult(deal({ hypothesis: "exists" }), "update", refused('Order with orderNumber "42" not found'), NOW);
    expect(refuted).toMatchObject({ to: "queued", at: NOW, hypothesis: null, flips: 1 });
  });

  it("bounds the alternation: after MAX_FLIPS refuted tests the change is dead with a reason that says so", () => {
    const exhausted = fateOfResult(deal({ flips: MAX_FLIPS }), "create", refused("already exists"), NOW);
    const exhaustedTest = fateOfResult(deal({ flips: MAX_FLIPS, hypothesis: "exists" }), "update", refused("not found"), NOW);

    for (const fate of [exhausted, exhaustedTest]) {
      expect(fate).toMatchObject({ to: "dead", reason: expect.stringContaining(`in turn ${MAX_FLIPS + 1} times`) });
    }
  });

  it("resolves a create in doubt that the update finds not applied by sending the create again, however often (attempts bound it)", () => {
    expect(fateOfResult(deal({ hypothesis: "applied", flips: MAX_FLIPS }), "update", refused("not found"), NOW)).toMatchObject({
      to: "queued",
      hypothesis: null,
      flips: MAX_FLIPS,
      retries: 0,
    });
  });

  it("revises a belief of the ledger kept from before facts were, but never a fact", () => {
    const belief = fateOfResult(deal({ ledger: { learnedFrom: null } }), "update", refused("not found"), NOW);
    const fact = fateOfResult(deal({ ledger: { learnedFrom: 3 } }), "update", refused("not found"), NOW);

    expect(belief).toMatchObject({ to: "queued", forgetBelief: true, hypothesis: null, flips: 1 });
    expect(fact).toMatchObject({ to: "dead", reason: expect.stringContaining("deliveries.forget") });
  });

  it("never tests a lead with an update: words of an existing deal kill it with the reason", () => {
    const fate = fateOfResult(deal({ origin: "lead" }), "create", refused("already exists"), NOW);

    expect(fate).toMatchObject({ to: "dead", reason: expect.stringContaining("a lead is only ever sent as a create") });
  });

  it("kills a delete in doubt that Calltouch refuses, and makes what the ledger knows of its deal a belief", () => {
    expect(fateOfResult(deal({ kind: "delete", hypothesis: "applied" }), "delete", refused("not found"), NOW)).toEqual({
      to: "dead",
      reason: "not found (an earlier attempt of this delete got no answer and may have deleted the deal already)",
      doubtLedger: true,
    });
  });

  it("kills a refused update or delete at once", () => {
    expect(fateOfResult(deal({ kind: "update" }), "update", refused("not found"), NOW)).toEqual({ to: "dead", reason: "not found" });
    expect(fateOfResult(deal({ kind: "delete" }), "delete", refused("not found"), NOW)).toEqual({ to: "dead", reason: "not found" });
  });
});

describe("fateOfFailure", () => {
  it("waits on a slow-down or a credentials refusal without counting an attempt", () => {
    for (const kind of ["slow_down", "credentials"] as const) {
      expect(fateOfFailure(deal({ retries: 2 }), "create", failure({ kind }), NOW)).toMatchObject({ to: "queued", at: NOW, retries: 2 });
    }
  });

  it("splits a refused request in halves, and kills a change refused alone", () => {
    expect(fateOfFailure(deal(), "create", failure({ kind: "refused" }, { size: 9 }), NOW)).toMatchObject({
      to: "queued",
      cap: 5,
      retries: 0,
    });
    expect(fateOfFailure(deal(), "create", failure({ kind: "refused", message: "bad" }, { size: 1 }), NOW)).toEqual({
      to: "dead",
      reason: "bad",
    });
  });

  it("retries an unknown outcome at the batch's time, counting an attempt, and gives up after maxAttempts", () => {
    expect(fateOfFailure(deal({ retries: 3 }), "update", failure({ kind: "unknown_outcome" }), NOW)).toMatchObject({
      to: "queued",
      at: NOW + 4000,
      retries: 4,
    });
    expect(fateOfFailure(deal({ retries: 4 }), "update", failure({ kind: "surprise" }), NOW)).toMatchObject({
      to: "dead",
      reason: expect.stringMatching(/^gave up after 5 failed attempts/),
    });
  });

  it("counts no attempt while the site is paused: a pause never kills", () => {
    expect(fateOfFailure(deal({ retries: 4 }), "update", failure({ kind: "unknown_outcome" }, { counts: false }), NOW)).toMatchObject({
      to: "queued",
      retries: 4,
    });
  });

  it("puts a deal's create that may have been applied in doubt, so that it goes next as an update; never a lead's", () => {
    const maybe = failure({ kind: "unknown_outcome", applied: "maybe" });

    expect(fateOfFailure(deal(), "create", maybe, NOW)).toMatchObject({ hypothesis: "applied" });
    expect(fateOfFailure(deal({ origin: "lead" }), "create", maybe, NOW)).toMatchObject({ hypothesis: null });
    expect(fateOfFailure(deal(), "create", failure({ kind: "unknown_outcome", applied: "no" }), NOW)).toMatchObject({ hypothesis: null });
    expect(fateOfFailure(deal({ kind: "delete" }), "delete", maybe, NOW)).toMatchObject({ hypothesis: "applied" });
  });
});
