/**
 * The one way in: every door (tRPC, REST, the Calltouch drop-in, website forms, `leads.submit`) asks a
 * gate whether a request may pass, in the same steps: key → principal (secret or public) → what the door
 * needs of it → its site → its rate limit. A door only says a refusal in its own protocol's shape.
 */
import { type FieldError, type Language, type RefusalParams, type RefusalReason, refusalMessage } from "@calltouch-gateway/contract";
import type { KeyEntry, Scope } from "../key-file";
import type { Result } from "../result";
import { findKey } from "./keys";
import { allows, type Principal, type PublicPrincipal, type SecretPrincipal } from "./principal";
import { visitorOf } from "./visitor";

/** What a door needs of its caller: a secret key with a scope, or a public key that submits a lead. */
export type Need = Scope | "lead";

/** What a door knows of a request before it reads the body. */
export interface Knock {
  /** The key as presented (`Authorization: Bearer`, `Access-Token`, a form's path). */
  key: string | undefined;
  /** The `Origin` header: present on every request a browser page makes, and on nothing a server sends unless it says so. */
  origin: string | undefined;
  /** The visitor's address (`CF-Connecting-IP`), for per-visitor limits. */
  ip: string | undefined;
  /** The language the caller asked for; public keys are always answered in Russian. */
  language: Language;
  /** The Calltouch site the caller named (the drop-in's `SiteId`), if it named one. */
  site?: string | undefined;
}

/**
 * Why a request may not pass, ready to answer: its status, the words (in the caller's language) and,
 * for a limit, how long to wait. `field` names the input a refusal is about (Turnstile's token);
 * `fieldErrors` name each place of a body that cannot be read as meant (`./body/`).
 */
export interface Refusal {
  status: 400 | 401 | 403 | 413 | 415 | 429;
  reason: RefusalReason;
  message: string;
  retryAfter?: number;
  field?: string;
  fieldErrors?: FieldError[];
}

/** Seconds a caller over a limit is told to wait: the limiters count per minute (`[[ratelimits]]`, period 60). */
const RETRY_AFTER_SECONDS = 60;

/**
 * A refusal of `reason`, worded in `language`.
 *
 * @example refusal(403, "foreign_origin", "ru")
 */
export function refusal(status: Refusal["status"], reason: RefusalReason, language: Language, params: RefusalParams = {}): Refusal {
  return { status, reason, message: refusalMessage(reason, language, params) };
}

/** The principal a gate lets through: a secret one for a scope, a public one for a lead. */
type PrincipalFor<N extends Need> = N extends "lead" ? PublicPrincipal : SecretPrincipal;

/**
 * The gate of a door that needs `need`; made once, when the door is built, and asked per request.
 *
 * @example
 * const admitWriter = gate("orders:write");
 * const admitted = await admitWriter(knock, env, settings.keys);
 * if (!admitted.ok) return c.json({ error: { message: admitted.error.message } }, admitted.error.status);
 */
export function gate<N extends Need>(
  need: N,
): (knock: Knock, env: Env, keys: readonly KeyEntry[]) => Promise<Result<PrincipalFor<N>, Refusal>> {
  return async (knock, env, keys) => {
    const entry = knock.key ? await findKey(knock.key, keys) : undefined;
    // Visitors read Russian; a server reads what it asked for.
    const language = entry?.type === "public" ? "ru" : knock.language;
    const refuse = (status: Refusal["status"], reason: RefusalReason, params?: RefusalParams) =>
      ({ ok: false, error: refusal(status, reason, language, params) }) as const;

    if (!entry) return refuse(401, need === "lead" ? "unknown_form_key" : "unauthorized");
    if (entry.type === "secret") {
      // A page is no place for a secret key, whatever the door: whoever loaded the page can copy it.
      if (knock.origin !== undefined) return refuse(403, "secret_key_in_browser");
      if (need === "lead") return refuse(403, "public_key_required");
      if (!allows(entry, need)) return refuse(403, "lacks_scope", { scope: need });
    } else {
      if (need !== "lead") return refuse(403, "leads_only");
      // Only a browser's promise, but the promise the CORS grant is made on: a page of another site gets nothing.
      if (knock.origin === undefined || !entry.origins.includes(knock.origin)) return refuse(403, "foreign_origin");
    }
    if (knock.site !== undefined && knock.site !== entry.site) return refuse(403, "wrong_site", { site: entry.site, asked: knock.site });

    const { success } =
      entry.type === "secret"
        ? await env.KEY_RATE_LIMITER.limit({ key: entry.id })
        : await env.FORM_RATE_LIMITER.limit({ key: `${entry.id}:${visitorOf(knock.ip)}` });
    if (!success) {
      const limited = refuse(429, entry.type === "secret" ? "rate_limited" : "visitor_rate_limited", { seconds: RETRY_AFTER_SECONDS });
      return { ok: false, error: { ...limited.error, retryAfter: RETRY_AFTER_SECONDS } };
    }

    const principal: Principal =
      entry.type === "secret"
        ? { type: "secret", keyId: entry.id, scopes: entry.scopes, site: entry.site }
        : { type: "public", keyId: entry.id, site: entry.site, key: entry };
    return { ok: true, value: principal as PrincipalFor<N> };
  };
}
