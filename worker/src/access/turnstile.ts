/**
 * Cloudflare Turnstile, checked server-side (`siteverify`) for the public keys that require it (every new
 * one, unless it opted out): a script must solve a challenge per lead, on one of the key's own sites.
 */
import type { RefusalReason } from "@calltouch-gateway/contract";
import type { PublicKey } from "../key-file";
import type { Result } from "../result";
import type { Settings } from "../settings";
import { type Refusal, refusal } from "./gate";

/** What of Cloudflare's answer the gateway reads. */
interface SiteverifyAnswer {
  success?: unknown;
  "error-codes"?: unknown;
  /** The hostname of the page the challenge was solved on. */
  hostname?: unknown;
}

/** The lead field a Turnstile refusal is about. */
const TURNSTILE_FIELD = "turnstileToken";

/**
 * Whether a lead of `key` may pass Turnstile: yes for a key that opted out; otherwise only with a token
 * that Cloudflare verifies now (tokens are single-use: a replay is `timeout-or-duplicate`) and that was
 * solved on the host of one of the key's origins, so that a token farmed on another site is worth nothing.
 *
 * @example
 * const human = await verifyHuman(principal.key, lead.turnstileToken, ip, settings.turnstile);
 * if (!human.ok) return refuse(human.error);
 */
export async function verifyHuman(
  key: PublicKey,
  token: string | undefined,
  remoteIp: string | undefined,
  turnstile: Settings["turnstile"],
): Promise<Result<void, Refusal>> {
  if (!key.turnstile) return { ok: true, value: undefined };
  const refuse = (reason: RefusalReason) => ({ ok: false, error: { ...refusal(403, reason, "ru"), field: TURNSTILE_FIELD } }) as const;
  if (!token) return refuse("turnstile_missing");
  const body = new FormData();
  body.set("secret", turnstile.secretKey ?? "");
  body.set("response", token);
  if (remoteIp) body.set("remoteip", remoteIp);
  let answer: SiteverifyAnswer;
  try {
    const response = await fetch(turnstile.verifyUrl, { method: "POST", body, signal: AbortSignal.timeout(5000) });
    answer = await response.json();
  } catch {
    return refuse("turnstile_unverified");
  }
  if (answer.success !== true) {
    const codes = Array.isArray(answer["error-codes"]) ? answer["error-codes"] : [];
    return refuse(codes.includes("timeout-or-duplicate") ? "turnstile_expired" : "turnstile_failed");
  }
  const hosts = key.origins.map((origin) => new URL(origin).hostname);
  return typeof answer.hostname === "string" && hosts.includes(answer.hostname)
    ? { ok: true, value: undefined }
    : refuse("turnstile_foreign_host");
}
