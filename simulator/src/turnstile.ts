/** Cloudflare's `siteverify` answer. */
export interface SiteverifyAnswer {
  success: boolean;
  "error-codes": string[];
}

/**
 * Plays Cloudflare Turnstile's server-side check for the gateway's form tests: a token that starts with
 * `pass` verifies once (a replay is `timeout-or-duplicate`, as Cloudflare answers); any other token is
 * `invalid-input-response`; a request without a secret is `missing-input-secret`.
 *
 * @example siteverify("secret", "pass-1", false) // { success: true, "error-codes": [] }
 */
export function siteverify(secret: string, token: string, used: boolean): SiteverifyAnswer {
  if (!secret) return { success: false, "error-codes": ["missing-input-secret"] };
  if (!token) return { success: false, "error-codes": ["missing-input-response"] };
  if (!token.startsWith("pass")) return { success: false, "error-codes": ["invalid-input-response"] };
  if (used) return { success: false, "error-codes": ["timeout-or-duplicate"] };
  return { success: true, "error-codes": [] };
}
