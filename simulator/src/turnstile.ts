/** Cloudflare's `siteverify` answer, as far as the gateway reads it. */
export interface SiteverifyAnswer {
  success: boolean;
  "error-codes": string[];
  /** The hostname of the page the challenge was solved on (only when it verifies). */
  hostname?: string;
}

/**
 * Plays Cloudflare Turnstile's server-side check for the gateway's form tests: a token that starts with
 * `pass` verifies once (a replay is `timeout-or-duplicate`, as Cloudflare answers), as solved on the host
 * the token names after `@` (`pass@shop.example/1`), or on `localhost`; any other token is
 * `invalid-input-response`; a request without a secret is `missing-input-secret`.
 *
 * @example siteverify("secret", "pass@shop.example/1", false) // { success: true, "error-codes": [], hostname: "shop.example" }
 */
export function siteverify(secret: string, token: string, used: boolean): SiteverifyAnswer {
  if (!secret) return { success: false, "error-codes": ["missing-input-secret"] };
  if (!token) return { success: false, "error-codes": ["missing-input-response"] };
  if (!token.startsWith("pass")) return { success: false, "error-codes": ["invalid-input-response"] };
  if (used) return { success: false, "error-codes": ["timeout-or-duplicate"] };
  const hostname = /^pass@([^/]+)/.exec(token)?.[1] ?? "localhost";
  return { success: true, "error-codes": [], hostname };
}
