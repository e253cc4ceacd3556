import { DEFAULT_STATUS, isValidTimeZone, MAX_WAIT_MS } from "@calltouch-gateway/contract";
import type { RetrySchedule } from "./outbox/retry";
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
  /** How the outbox retries, waits and keeps its records. */
  delivery: {
    retry: RetrySchedule;
    /** The longest a call's `wait` may hold its answer. */
    maxWaitMs: number;
    /** How often a paused site tries Calltouch again on its own (a changed token resumes it at once). */
    pauseProbeMs: number;
    /** How long delivered changes and idempotency keys are kept. */
    retentionMs: number;
    /** How long a batch that is not full waits for more changes while calls keep arriving. */
    lingerMs: number;
    /** Added to Calltouch's one-second rate window: Calltouch counts arrivals, which trail our sends. */
    rateMarginMs: number;
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
  RETRY_BASE_MS: integer("RETRY_BASE_MS", 1000, 10, 3_600_000),
  RETRY_MAX_MS: integer("RETRY_MAX_MS", 300_000, 10, 86_400_000),
  RETRY_GIVE_UP_MS: integer("RETRY_GIVE_UP_MS", 86_400_000, 1000, 30 * 86_400_000),
  WAIT_MAX_MS: integer("WAIT_MAX_MS", 30_000, 0, MAX_WAIT_MS),
  PAUSE_PROBE_MS: integer("PAUSE_PROBE_MS", 300_000, 1000, 86_400_000),
  RETENTION_DAYS: integer("RETENTION_DAYS", 7, 1, 365),
  BATCH_LINGER_MS: integer("BATCH_LINGER_MS", 200, 0, 10_000),
  CALLTOUCH_RATE_MARGIN_MS: integer("CALLTOUCH_RATE_MARGIN_MS", 50, 0, 1000),
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
      delivery: {
        retry: { baseMs: vars.RETRY_BASE_MS, maxMs: vars.RETRY_MAX_MS, giveUpMs: vars.RETRY_GIVE_UP_MS },
        maxWaitMs: vars.WAIT_MAX_MS,
        pauseProbeMs: vars.PAUSE_PROBE_MS,
        retentionMs: vars.RETENTION_DAYS * 86_400_000,
        lingerMs: vars.BATCH_LINGER_MS,
        rateMarginMs: vars.CALLTOUCH_RATE_MARGIN_MS,
      },
      apiKeyHashes: vars.API_KEY_HASHES.map((digest) => Uint8Array.fromHex(digest)),
      maxBodyBytes: vars.MAX_BODY_BYTES,
    },
  };
}
