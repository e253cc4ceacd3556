/** How a presented key is found among the gateway's keys (`API_KEYS`, schema in `key-file.ts`). */
import type { KeyEntry } from "../key-file";

/**
 * Finds the entry of a presented key. The key is hashed and compared in constant time with every
 * known digest, so that neither the key nor the timing tells which entry (if any) matched.
 *
 * @example
 * const entry = await findKey(token, settings.keys);
 * if (entry?.type !== "secret") return unauthorized();
 */
export async function findKey(key: string, keys: readonly KeyEntry[]): Promise<KeyEntry | undefined> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key)));
  let found: KeyEntry | undefined;
  for (const entry of keys) {
    if (crypto.subtle.timingSafeEqual(digest, entry.sha256)) found = entry;
  }
  return found;
}
