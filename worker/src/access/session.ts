/**
 * The console's sessions: an admin key, checked once at sign-in, is exchanged for a cookie that names the
 * key's id and an expiry, signed with HMAC-SHA-256 (`CONSOLE_SESSION_KEY`), so that the gateway keeps no
 * session state and the key itself never sits in a browser. Each session has its own CSRF token, derived
 * from the session's nonce with the same key: a page of another site can neither read nor forge it.
 */

import type { KeyEntry } from "../key-file";
import type { Result } from "../result";
import { allows } from "./principal";

/** An operator's session, as its cookie says once the signature and expiry are checked. */
export interface Session {
  /** The admin key's id (`API_KEYS`): a session ends when the key is revoked or loses `admin`. */
  keyId: string;
  /** When it ends (epoch ms). */
  expiresAt: number;
  /** The token every state-changing request of the session must carry. */
  csrf: string;
}

/** Why a cookie is no session: none, forged or of an unknown key, or expired. */
export type SessionProblem = "none" | "invalid" | "expired";

interface Claims {
  k: string;
  e: number;
  n: string;
}

const encoder = new TextEncoder();
const hmacKeys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = hmacKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    hmacKeys.set(secret, key);
  }
  return key;
}

async function sign(secret: string, text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(text)));
}

const csrfOf = async (secret: string, nonce: string) =>
  (await sign(secret, `csrf\n${nonce}`)).toBase64({ alphabet: "base64url", omitPadding: true });

/**
 * A new session's cookie value for an admin key, lasting `lifetimeMs`.
 *
 * @example const { cookie, session } = await openSession(settings.console.sessionKey, principal.keyId, settings.console.sessionMs);
 */
export async function openSession(
  secret: string,
  keyId: string,
  lifetimeMs: number,
  now = Date.now(),
): Promise<{ cookie: string; session: Session }> {
  const claims: Claims = {
    k: keyId,
    e: now + lifetimeMs,
    n: crypto.getRandomValues(new Uint8Array(16)).toBase64({ alphabet: "base64url", omitPadding: true }),
  };
  const payload = encoder.encode(JSON.stringify(claims)).toBase64({ alphabet: "base64url", omitPadding: true });
  const signature = (await sign(secret, payload)).toBase64({ alphabet: "base64url", omitPadding: true });
  return { cookie: `${payload}.${signature}`, session: { keyId, expiresAt: claims.e, csrf: await csrfOf(secret, claims.n) } };
}

/**
 * The session a cookie holds: its signature checked in constant time, not expired, and of a key that is
 * still an admin key of `keys`.
 *
 * @example const session = await readSession(secret, getCookie(c, SESSION_COOKIE), settings.keys);
 */
export async function readSession(
  secret: string,
  cookie: string | undefined,
  keys: readonly KeyEntry[],
  now = Date.now(),
): Promise<Result<Session, SessionProblem>> {
  if (!cookie) return { ok: false, error: "none" };
  const [payload, signature, ...rest] = cookie.split(".");
  if (!payload || !signature || rest.length > 0) return { ok: false, error: "invalid" };
  let claims: Claims;
  try {
    const presented = Uint8Array.fromBase64(signature, { alphabet: "base64url" });
    const expected = await sign(secret, payload);
    if (presented.length !== expected.length || !crypto.subtle.timingSafeEqual(presented, expected)) return { ok: false, error: "invalid" };
    claims = JSON.parse(new TextDecoder().decode(Uint8Array.fromBase64(payload, { alphabet: "base64url" }))) as Claims;
  } catch {
    return { ok: false, error: "invalid" };
  }
  if (typeof claims.e !== "number" || typeof claims.k !== "string" || typeof claims.n !== "string") return { ok: false, error: "invalid" };
  if (claims.e <= now) return { ok: false, error: "expired" };
  const entry = keys.find((key) => key.id === claims.k);
  if (entry?.type !== "secret" || !allows(entry, "admin")) return { ok: false, error: "invalid" };
  return { ok: true, value: { keyId: claims.k, expiresAt: claims.e, csrf: await csrfOf(secret, claims.n) } };
}

/**
 * Whether a state-changing request carries its session's CSRF token (compared in constant time).
 *
 * @example if (!csrfMatches(session, form.csrf)) return forbidden();
 */
export function csrfMatches(session: Session, presented: unknown): boolean {
  if (typeof presented !== "string") return false;
  const a = encoder.encode(presented);
  const b = encoder.encode(session.csrf);
  return a.length === b.length && crypto.subtle.timingSafeEqual(a, b);
}
