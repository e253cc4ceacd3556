import { DEFAULT_STATUS, isValidTimeZone } from "@calltouch-gateway/contract";
import { z } from "zod";

/**
 * Every limit and address the gateway uses, read once per environment from Worker vars and secrets.
 * Each has a default except the three that identify a Calltouch account, which must be set.
 */
export interface Settings {
  calltouch: {
    baseUrl: string;
    siteId: string;
    token: string;
    crm: string;
    timeZone: string;
    /** The status of a created deal whose caller gave none. */
    defaultStatus: string;
    /** Orders per upstream request (Calltouch accepts at most 100). */
    batchSize: number;
    /** Upstream requests per second (Calltouch allows 5 per source IP). */
    requestsPerSecond: number;
    timeoutMs: number;
  };
  /** SHA-256 digests of the API keys callers may present. */
  apiKeyHashes: Uint8Array[];
  /** Largest request body the gateway reads, in bytes. */
  maxBodyBytes: number;
}

const integer = (name: string, fallback: number, min: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be a whole number` })
    .int(`${name} must be a whole number`)
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}`)
    .default(fallback);

const required = (name: string, hint: string) =>
  z.string({ error: `${name} is not set (${hint})` }).trim().min(1, `${name} is not set (${hint})`);

const hexDigest = /^[0-9a-f]{64}$/;

const envSchema = z.object({
  CALLTOUCH_BASE_URL: z.url({ error: "CALLTOUCH_BASE_URL must be an absolute URL" }).default("https://api.calltouch.ru"),
  CALLTOUCH_SITE_ID: required("CALLTOUCH_SITE_ID", "your Calltouch site id, in wrangler.toml [vars]"),
  CALLTOUCH_TOKEN: required("CALLTOUCH_TOKEN", "run `wrangler secret put CALLTOUCH_TOKEN`"),
  CALLTOUCH_CRM: z.string().trim().min(1).default("calltouch-gateway"),
  CALLTOUCH_TIME_ZONE: z
    .string()
    .default("Europe/Moscow")
    .refine(isValidTimeZone, "CALLTOUCH_TIME_ZONE must be an IANA time zone such as Europe/Moscow"),
  CALLTOUCH_DEFAULT_STATUS: z.string().trim().min(1).default(DEFAULT_STATUS),
  CALLTOUCH_BATCH_SIZE: integer("CALLTOUCH_BATCH_SIZE", 100, 1, 100),
  CALLTOUCH_RPS: integer("CALLTOUCH_RPS", 5, 1, 100),
  CALLTOUCH_TIMEOUT_MS: integer("CALLTOUCH_TIMEOUT_MS", 10_000, 100, 120_000),
  MAX_BODY_BYTES: integer("MAX_BODY_BYTES", 2 * 1024 * 1024, 1024, 100 * 1024 * 1024),
  API_KEY_HASHES: required("API_KEY_HASHES", "comma-separated SHA-256 hex digests of the accepted API keys")
    .transform((value) => value.split(",").map((digest) => digest.trim().toLowerCase()).filter(Boolean))
    .refine((digests) => digests.every((digest) => hexDigest.test(digest)), {
      error: "API_KEY_HASHES must hold 64-character hex SHA-256 digests separated by commas",
    }),
});

export type SettingsResult = { ok: true; settings: Settings } | { ok: false; problems: string[] };

const cache = new WeakMap<object, SettingsResult>();

/**
 * Reads the settings from the Worker's environment, once per environment object.
 * Problems name the setting and what is wrong, never its value: they are shown by `/health`.
 *
 * @example
 * const result = readSettings(env);
 * if (!result.ok) console.error(result.problems);
 */
export function readSettings(env: object): SettingsResult {
  let result = cache.get(env);
  if (!result) {
    result = parse(env);
    cache.set(env, result);
  }
  return result;
}

function parse(env: object): SettingsResult {
  // Wrangler passes an empty string for a var declared without a value; treat it as unset.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((issue) => issue.message) };
  }
  const vars = parsed.data;
  return {
    ok: true,
    settings: {
      calltouch: {
        baseUrl: vars.CALLTOUCH_BASE_URL.replace(/\/+$/, ""),
        siteId: vars.CALLTOUCH_SITE_ID,
        token: vars.CALLTOUCH_TOKEN,
        crm: vars.CALLTOUCH_CRM,
        timeZone: vars.CALLTOUCH_TIME_ZONE,
        defaultStatus: vars.CALLTOUCH_DEFAULT_STATUS,
        batchSize: vars.CALLTOUCH_BATCH_SIZE,
        requestsPerSecond: vars.CALLTOUCH_RPS,
        timeoutMs: vars.CALLTOUCH_TIMEOUT_MS,
      },
      apiKeyHashes: vars.API_KEY_HASHES.map((digest) => Uint8Array.fromHex(digest)),
      maxBodyBytes: vars.MAX_BODY_BYTES,
    },
  };
}
