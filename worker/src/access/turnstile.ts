/** Why Cloudflare refused a Turnstile token, in words a visitor can act on. */
const REASONS: Record<string, string> = {
  "timeout-or-duplicate": "the anti-bot check expired or was already used: please try again",
  "invalid-input-response": "the anti-bot check failed: please try again",
  "missing-input-response": "the anti-bot check is missing: please wait for it to finish",
};

export type TurnstileResult = { ok: true } | { ok: false; reason: string };

/**
 * Verifies a Turnstile token server-side (Cloudflare's `siteverify`). Tokens are single-use: a replayed
 * one is refused by Cloudflare as `timeout-or-duplicate`.
 *
 * @example
 * const result = await verifyTurnstile(fields["cf-turnstile-response"], ip, settings.turnstile);
 * if (!result.ok) return refuse(result.reason);
 */
export async function verifyTurnstile(
  token: string | undefined,
  remoteIp: string | undefined,
  options: { secretKey: string | undefined; verifyUrl: string },
): Promise<TurnstileResult> {
  if (!token) return { ok: false, reason: REASONS["missing-input-response"]! };
  const body = new FormData();
  body.set("secret", options.secretKey ?? "");
  body.set("response", token);
  if (remoteIp) body.set("remoteip", remoteIp);
  let outcome: { success?: boolean; "error-codes"?: string[] };
  try {
    const response = await fetch(options.verifyUrl, { method: "POST", body, signal: AbortSignal.timeout(5000) });
    outcome = await response.json();
  } catch {
    return { ok: false, reason: "the anti-bot check could not be verified: please try again" };
  }
  if (outcome.success === true) return { ok: true };
  const code = outcome["error-codes"]?.find((name) => name in REASONS);
  return { ok: false, reason: REASONS[code ?? "invalid-input-response"]! };
}
