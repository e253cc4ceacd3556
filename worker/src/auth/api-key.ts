/** Who made a request, as far as its API key tells. */
export interface Principal {
  /** A short, non-secret label for logs: the first 8 hex digits of the key's SHA-256. */
  keyId: string;
}

const bearer = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * Finds the principal behind an `Authorization: Bearer <key>` header, or `null` when the header is
 * missing or the key is not one of `keyHashes`. Keys are never stored: only their SHA-256 digests,
 * compared in constant time against every known digest so that timing tells nothing about which matched.
 *
 * @example
 * const principal = await authenticate(request.headers.get("authorization"), settings.apiKeyHashes);
 * if (!principal) return new Response("Unauthorized", { status: 401 });
 */
export async function authenticate(
  authorization: string | null | undefined,
  keyHashes: readonly Uint8Array[],
): Promise<Principal | null> {
  const key = authorization?.match(bearer)?.[1];
  if (!key) return null;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key)));
  let matched = false;
  for (const known of keyHashes) {
    // `|=` rather than an early return: every digest is compared whatever the outcome.
    matched = crypto.subtle.timingSafeEqual(digest, known) || matched;
  }
  return matched ? { keyId: digest.toHex().slice(0, 8) } : null;
}
