import type { PublicKey, Scope } from "../key-file";

/** A server's caller, as its secret key tells: what it may do, and which site its deals go to. */
export interface SecretPrincipal {
  type: "secret";
  /** The key's id from `API_KEYS`: non-secret, for logs and idempotency scopes. */
  keyId: string;
  scopes: readonly Scope[];
  /** The Calltouch site whose outbox the key's deals go to. */
  site: string;
}

/** A website's visitor, as the page's public key tells: it may only submit leads, on the key's terms. */
export interface PublicPrincipal {
  type: "public";
  keyId: string;
  site: string;
  /** The key's lead policy: origins, defaults, custom fields, Turnstile. */
  key: PublicKey;
}

/** Who made a request. */
export type Principal = SecretPrincipal | PublicPrincipal;

/**
 * Whether a secret key may act with `scope`; `admin` may do everything.
 *
 * @example allows(principal, "orders:read")
 */
export function allows(principal: { scopes: readonly Scope[] }, scope: Scope): boolean {
  return principal.scopes.includes("admin") || principal.scopes.includes(scope);
}
