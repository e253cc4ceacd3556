import { findKey, type KeyEntry, type Scope, type SecretKey } from "./keys";

/** Who made a request, as its secret API key tells. */
export interface Principal {
  /** The key's id from `API_KEYS`: non-secret, for logs and idempotency scopes. */
  keyId: string;
  scopes: readonly Scope[];
  /** The Calltouch site whose outbox the key's deals go to. */
  site: string;
}

const bearer = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * The principal behind an `Authorization: Bearer <key>` header, or `null` when the header is missing or
 * names no secret key (a public key is for website forms only).
 *
 * @example
 * const principal = await authenticate(request.headers.get("authorization"), settings.keys);
 * if (!principal) return new Response("Unauthorized", { status: 401 });
 */
export function authenticate(authorization: string | null | undefined, keys: readonly KeyEntry[]): Promise<Principal | null> {
  return principalOfKey(authorization?.match(bearer)?.[1], keys);
}

/**
 * The principal of a secret key given as it is (the Calltouch drop-in takes it in `Access-Token`), or
 * `null` when it is missing or names no secret key.
 *
 * @example const principal = await principalOfKey(c.req.header("access-token"), settings.keys);
 */
export async function principalOfKey(key: string | undefined, keys: readonly KeyEntry[]): Promise<Principal | null> {
  const entry = key ? await findKey(key, keys) : undefined;
  return entry?.type === "secret" ? principalOf(entry) : null;
}

function principalOf(entry: SecretKey): Principal {
  return { keyId: entry.id, scopes: entry.scopes, site: entry.site };
}

/**
 * Whether a principal may act with `scope`; `admin` may do everything.
 *
 * @example allows(principal, "orders:read")
 */
export function allows(principal: Principal, scope: Scope): boolean {
  return principal.scopes.includes("admin") || principal.scopes.includes(scope);
}

/**
 * What a caller whose key lacks `scope` is told, by tRPC and REST alike.
 *
 * @example lacksScopeMessage("orders:write") // "This API key lacks the orders:write scope"
 */
export function lacksScopeMessage(scope: Scope): string {
  return `This API key lacks the ${scope} scope`;
}

/**
 * What a caller without a valid secret key is told, by tRPC and REST alike.
 *
 * @example if (!principal) return c.json({ error: { message: UNAUTHORIZED_MESSAGE } }, 401);
 */
export const UNAUTHORIZED_MESSAGE = "A valid API key is required: send `Authorization: Bearer <key>`";
