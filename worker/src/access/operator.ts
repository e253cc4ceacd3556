/**
 * Who may sign in to the console: an admin key, typed into the gateway's own sign-in page. Sign-ins are
 * limited per visitor, as a form's leads are, so that a script cannot try keys from one address at the
 * rate a CRM may call; then the key goes through the same gate as every door's.
 */

import type { KeyEntry } from "../key-file";
import type { Result } from "../result";
import { gate, type Knock, type Refusal, refusal } from "./gate";
import type { SecretPrincipal } from "./principal";
import { visitorOf } from "./visitor";

const admitAdmin = gate("admin");

/**
 * The admin principal of a console sign-in, or why not.
 *
 * @example const admitted = await admitOperator(knockOf(c, form.key), c.env, settings.keys);
 */
export async function admitOperator(knock: Knock, env: Env, keys: readonly KeyEntry[]): Promise<Result<SecretPrincipal, Refusal>> {
  const { success } = await env.FORM_RATE_LIMITER.limit({ key: `console-sign-in:${visitorOf(knock.ip)}` });
  if (!success) return { ok: false, error: { ...refusal(429, "visitor_rate_limited", knock.language, { seconds: 60 }), retryAfter: 60 } };
  // The one page where a browser may hold a secret key: the gateway's own, same-origin (checked by the door),
  // and only to exchange it for a session. Elsewhere a key seen with an Origin is refused as leaked.
  return admitAdmin({ ...knock, origin: undefined }, env, keys);
}
