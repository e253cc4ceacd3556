import { orderCreateInput } from "@calltouch-gateway/contract";
import * as z from "zod";

/**
 * What a secret key may do. `admin` may do everything; `orders:write` creates and updates deals;
 * `orders:read` reads their status and the site's delivery records.
 */
export const SCOPES = ["orders:write", "orders:read", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

const sha256 = z
  .string()
  .regex(/^[0-9a-f]{64}$/, "must be the key's SHA-256 as 64 lower-case hex digits")
  .transform((hex) => Uint8Array.fromHex(hex));
const siteId = z.string().regex(/^\d+$/, "must be a Calltouch site id (digits)");
const origin = z.url().refine((url) => new URL(url).origin === url, "must be an origin: scheme, host and port only");
const ORDER_FIELDS = Object.keys(orderCreateInput.shape);

const common = {
  /** A stable, non-secret name for logs and for revoking. */
  id: z.string().regex(/^[\w.-]{1,64}$/, "must be 1 to 64 letters, digits, '.', '_' or '-'"),
  sha256,
  site: siteId,
  name: z.string().max(200).optional(),
  createdAt: z.string().optional(),
};

const secretKey = z.strictObject({
  ...common,
  type: z.literal("secret"),
  scopes: z.array(z.enum(SCOPES)).min(1, "give the key at least one scope"),
});

const publicKey = z.strictObject({
  ...common,
  type: z.literal("public"),
  /** Pages whose forms may use the key. */
  origins: z.array(origin).min(1, "list the website origins allowed to use this key"),
  /** Order fields every deal of the key gets unless the form sets them (status, funnel, tags, source, …). */
  defaults: z.record(z.enum(ORDER_FIELDS), z.unknown()).default({}),
  /** Order fields a form of this key may not set. */
  forbid: z.array(z.enum(ORDER_FIELDS)).default([]),
  /** Where a plain HTML form lands after a successful submission; a small page of the gateway's otherwise. */
  thankYouUrl: z.url().optional(),
  /** Whether each submission must carry a Cloudflare Turnstile token that verifies. */
  turnstile: z.boolean().default(false),
});

/** The `API_KEYS` setting: every key the gateway accepts, by its SHA-256 only. */
export const keyFile = z
  .strictObject({ keys: z.array(z.discriminatedUnion("type", [secretKey, publicKey])) })
  .superRefine(({ keys }, ctx) => {
    const ids = new Set<string>();
    keys.forEach((key, index) => {
      if (ids.has(key.id)) ctx.addIssue({ code: "custom", path: ["keys", index, "id"], message: `id "${key.id}" is used twice` });
      ids.add(key.id);
    });
  });

export type KeyEntry = z.output<typeof keyFile>["keys"][number];
export type SecretKey = Extract<KeyEntry, { type: "secret" }>;
export type PublicKey = Extract<KeyEntry, { type: "public" }>;

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
