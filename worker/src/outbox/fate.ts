/**
 * What becomes of each change of a request, pure: from the classifier's verdict on the answer, and from
 * facts only for the ledger. The outbox stores what this decides.
 */
import type { ChangeKind, ChangeOrigin } from "@calltouch-gateway/contract";
import { suggestsExisting, type Verdict } from "../calltouch/classify";
import type { OrderResult } from "../calltouch/results";
import type { Hypothesis } from "./compile";

/** What fate needs of a change that was sent. */
export interface SentChange {
  id: number;
  orderNumber: string;
  kind: ChangeKind;
  origin: ChangeOrigin;
  /** Failed attempts so far (unknown outcomes and surprises), toward giving up. */
  retries: number;
  /** Times a test of words (a hypothesis "exists", a belief of the ledger) was refuted. */
  flips: number;
  hypothesis: Hypothesis | null;
  /** What the ledger believed when it was sent: from which change it learned the deal (null: a belief from before facts were kept). */
  ledger: { learnedFrom: number | null } | null;
}

/** What to store of a change. `hypothesis`, `flips` and `retries` are their new values. */
export type Fate =
  | { to: "delivered"; calltouchOrderId: number | undefined; ledger: "learn" | "forget" }
  | {
      to: "dead";
      reason: string;
      /** The deal may be gone (a delete of it may have been applied): what the ledger knows of it becomes a belief. */
      doubtLedger?: true;
    }
  | {
      to: "queued";
      at: number;
      note: string;
      retries: number;
      flips: number;
      hypothesis: Hypothesis | null;
      cap?: number;
      /** The ledger's belief (not a fact) about the deal was refuted. */
      forgetBelief?: true;
    };

/**
 * How often a create may go back from an update to a create after a refused test of words (a refuted
 * "already exists", or a belief of the ledger): then it is dead. A create in doubt alternates only after
 * a failed attempt each time, so `RETRY_ATTEMPTS` bounds it.
 */
export const MAX_FLIPS = 3;

/**
 * The fate of a change that Calltouch answered on its own (`results`): delivered, or refused. A refusal
 * of a create that sounds like "it exists" is a hypothesis, tested next with an update; a refusal of that
 * update refutes it and the create goes again. A lead is never sent as an update, so it never tests one.
 *
 * @example fateOfResult(change, "create", { orderNumber: "42", ok: true, calltouchOrderId: 9 }, now) // { to: "delivered", … }
 */
export function fateOfResult(change: SentChange, sentAs: ChangeKind, result: OrderResult, now: number): Fate {
  if (result.ok) return { to: "delivered", calltouchOrderId: result.calltouchOrderId, ledger: sentAs === "delete" ? "forget" : "learn" };
  const text = result.error;
  const again = (fields: Partial<Extract<Fate, { to: "queued" }>> & { note: string }): Fate => ({
    to: "queued",
    at: now,
    retries: change.retries,
    flips: change.flips,
    hypothesis: change.hypothesis,
    ...fields,
  });
  if (sentAs === "create") {
    if (!suggestsExisting(text)) return { to: "dead", reason: text };
    if (change.origin === "lead") {
      return {
        to: "dead",
        reason: `${text} (a lead is only ever sent as a create: the gateway does not test whether Calltouch holds the deal; its own earlier create, whose answer was lost, may have made it)`,
      };
    }
    if (change.flips >= MAX_FLIPS) return { to: "dead", reason: alternated(text) };
    return again({ hypothesis: "exists", note: `Calltouch refused the create: ${text}; an update tests whether it holds the deal` });
  }
  if (sentAs === "update" && change.kind === "create") {
    const belief = change.ledger !== null && change.ledger.learnedFrom === null;
    if (change.hypothesis === null && !belief) {
      return {
        to: "dead",
        reason: `${text} (the ledger knows the deal from change ${change.ledger?.learnedFrom}; if Calltouch no longer holds it, clear the ledger's entry with deliveries.forget and replay)`,
      };
    }
    const note = `Calltouch refused the update that tested whether it holds the deal: ${text}; the create goes again`;
    // A doubt comes from a failed attempt, which counts toward giving up: that bounds its alternation.
    if (change.hypothesis === "applied") return again({ hypothesis: null, note, ...(belief ? { forgetBelief: true as const } : {}) });
    if (change.flips >= MAX_FLIPS) return { to: "dead", reason: alternated(text) };
    return again({ hypothesis: null, flips: change.flips + 1, note, ...(belief ? { forgetBelief: true as const } : {}) });
  }
  if (sentAs === "delete" && change.hypothesis === "applied") {
    return {
      to: "dead",
      reason: `${text} (an earlier attempt of this delete got no answer and may have deleted the deal already)`,
      doubtLedger: true,
    };
  }
  return { to: "dead", reason: text };
}

/** What the outbox knows of a whole request that got no result per order. */
export interface Failure {
  verdict: Verdict;
  /** How many changes the request carried. */
  size: number;
  /** When the request goes again after an unknown outcome (one delay for all, so that they stay together). */
  retryAt: number;
  /** Whether a failed attempt counts toward giving up: not while the site is paused. */
  counts: boolean;
  maxAttempts: number;
}

/**
 * The fate of a change whose request failed as a whole. A slow-down or a credentials refusal only waits
 * (neither counts toward giving up); a refused request is split in halves until the bad order goes alone
 * and dies; an unknown outcome or a surprise is retried with backoff, until `maxAttempts` failed attempts.
 * A deal's create that may have been applied is "in doubt": it goes next as an update. So is a delete: if
 * Calltouch then refuses it for the order, the deal may be gone, and the ledger no longer knows it for a fact.
 *
 * @example fateOfFailure(change, "create", { verdict, size: 100, retryAt, counts: true, maxAttempts: 400 }, now)
 */
export function fateOfFailure(change: SentChange, sentAs: ChangeKind, failure: Failure, now: number): Fate {
  const { verdict } = failure;
  // A lead's create is never tested with an update, so it is never put in doubt: it goes again as a create.
  const inDoubt = verdict.applied === "maybe" && (sentAs === "delete" || (sentAs === "create" && change.origin === "deal"));
  const hypothesis: Hypothesis | null = inDoubt ? "applied" : change.hypothesis;
  const wait = { to: "queued" as const, at: now, note: verdict.message, retries: change.retries, flips: change.flips, hypothesis };
  switch (verdict.kind) {
    case "slow_down":
    case "credentials":
      return wait;
    case "refused":
      return failure.size === 1
        ? { to: "dead", reason: verdict.message }
        : { ...wait, hypothesis: change.hypothesis, cap: Math.ceil(failure.size / 2) };
    default: {
      const retries = change.retries + (failure.counts ? 1 : 0);
      if (retries >= failure.maxAttempts) return { to: "dead", reason: `gave up after ${retries} failed attempts: ${verdict.message}` };
      return { ...wait, at: failure.retryAt, retries };
    }
  }
}

function alternated(text: string): string {
  return `${text} (sent as a create and as an update in turn ${MAX_FLIPS + 1} times, each refused: check the deal in Calltouch, then replay)`;
}
