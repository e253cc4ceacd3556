/**
 * The schema of the gateway's keys (`API_KEYS`): what each may do, stored by SHA-256 only. The settings
 * read it, so it lives beside them, below every layer; `access/keys.ts` finds a presented key among them.
 */
import { LIMITS, orderCreateInput, RESERVED_FORM_FIELDS, toFieldErrors } from "@calltouch-gateway/contract";
import * as z from "zod/mini";

/**
 * What a secret key may do. `admin` may do everything; `orders:write` creates and updates deals;
 * `orders:read` reads their status and the site's delivery records.
 */
export const SCOPES = ["orders:write", "orders:read", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

const sha256 = z.pipe(
  z.string().check(z.regex(/^[0-9a-f]{64}$/, "must be the key's SHA-256 as 64 lower-case hex digits")),
  z.transform((hex: string) => Uint8Array.fromHex(hex)),
);
const siteId = z.string().check(z.regex(/^\d+$/, "must be a Calltouch site id (digits)"));
const origin = z.url().check(z.refine((url) => new URL(url).origin === url, "must be an origin: scheme, host and port only"));

/**
 * The deal fields a public key's defaults may set: the deal's own (status, funnel, dates, money, tags,
 * custom fields, source, …), never its number, its contacts or how it is matched, which are the lead's.
 */
export const DEFAULT_FIELDS = Object.keys(orderCreateInput.shape).filter(
  (field) =>
    ![
      "orderNumber",
      "idempotencyKey",
      "phones",
      "emails",
      "sessionId",
      "callId",
      "requestId",
      "matching",
      "orderContacts",
      "comment",
    ].includes(field),
);

const common = {
  /** A stable, non-secret name for logs and for revoking. */
  id: z.string().check(z.regex(/^[\w.-]{1,64}$/, "must be 1 to 64 letters, digits, '.', '_' or '-'")),
  sha256,
  site: siteId,
  name: z.optional(z.string().check(z.maxLength(200))),
  createdAt: z.optional(z.string()),
};

const secretKey = z.strictObject({
  ...common,
  type: z.literal("secret"),
  scopes: z.array(z.enum(SCOPES)).check(z.minLength(1, "give the key at least one scope")),
});

const publicKey = z.strictObject({
  ...common,
  type: z.literal("public"),
  /** Pages that may send leads with the key. */
  origins: z.array(origin).check(z.minLength(1, "list the website origins allowed to use this key")),
  /**
   * The deal fields every lead of the key gets (status, funnel, tags, source, …): a lead itself sets only
   * contacts, a comment, the session, UTM tags and {@link customFields}. Checked as an order's fields are.
   */
  defaults: z._default(z.record(z.string(), z.unknown()), {}).check(
    z.superRefine((defaults, ctx) => {
      const foreign = Object.keys(defaults).filter((field) => !DEFAULT_FIELDS.includes(field));
      for (const field of foreign) {
        ctx.addIssue({
          code: "custom",
          path: [field],
          message: "not a default: a lead sets its own contacts, comment and session, and the gateway numbers it",
        });
      }
      if (foreign.length > 0) return;
      const order = orderCreateInput.safeParse({ ...defaults, orderNumber: "defaults" });
      for (const error of order.success ? [] : toFieldErrors(order.error))
        ctx.addIssue({ code: "custom", path: error.path, message: error.message });
    }),
  ),
  /** Names of the custom fields a lead of this key may set (`customFields` of leads.submit, a form's field of that name). */
  customFields: z._default(
    z
      .array(
        z.string().check(
          z.trim(),
          z.minLength(1),
          z.maxLength(LIMITS.text),
          z.refine((name) => !RESERVED_FORM_FIELDS.has(name), "is a field of every lead; choose another name"),
        ),
      )
      .check(z.maxLength(LIMITS.leadCustomFields)),
    [],
  ),
  /**
   * Fields a form could not set, from before leads were an allow-list. Still read, so that a key file
   * written then keeps working; everything outside the allow-list is refused anyway.
   */
  forbid: z.optional(z.array(z.string())),
  /** Where a plain HTML form lands after a successful submission; a small page of the gateway's otherwise. */
  thankYouUrl: z.optional(z.url()),
  /** Whether each lead must carry a Cloudflare Turnstile token that verifies: on unless the key opts out. */
  turnstile: z._default(z.boolean(), true),
});

/** The `API_KEYS` setting: every key the gateway accepts, by its SHA-256 only. */
export const keyFile = z.strictObject({ keys: z.array(z.discriminatedUnion("type", [secretKey, publicKey])) }).check(
  z.superRefine(({ keys }, ctx) => {
    const ids = new Set<string>();
    keys.forEach((key, index) => {
      if (ids.has(key.id)) ctx.addIssue({ code: "custom", path: ["keys", index, "id"], message: `id "${key.id}" is used twice` });
      ids.add(key.id);
    });
  }),
);

export type KeyEntry = z.output<typeof keyFile>["keys"][number];
export type PublicKey = Extract<KeyEntry, { type: "public" }>;
