import { DEFAULT_STATUS, DEFAULT_TIME_ZONE, isValidTimeZone, MAX_ORDERS_PER_CALL, MAX_WAIT_MS } from "@calltouch-gateway/contract";
import * as z from "zod/mini";
import type { CalltouchClientOptions } from "./calltouch/client";
import { type KeyEntry, keyFile } from "./key-file";
import { memo } from "./memo";

/** When failed upstream requests are tried again, and how often. */
export interface RetrySchedule {
  /** The delay before the first retry; each further one doubles it. */
  baseMs: number;
  /** The longest delay between two attempts. */
  maxMs: number;
  /**
   * Failed attempts (no answer, a 5xx, an answer the gateway cannot read) after which a change is dead.
   * Throttling, a refusal of the credentials and time spent paused do not count.
   */
  maxAttempts: number;
}

/**
 * Every limit and address the gateway uses, read once per environment from Worker vars and secrets.
 * Each has a default except the Calltouch site, its token and the API keys, which must be set.
 */
export interface Settings {
  /** What every site shares; {@link siteSettings} adds a site's id and token. */
  calltouch: {
    baseUrl: string;
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
    /** How long the Calltouch drop-in holds its answer for Calltouch's ids. */
    dropInWaitMs: number;
    /** How often a paused site tries Calltouch again on its own (a changed token resumes it at once). */
    pauseProbeMs: number;
    /** How long delivered changes and idempotency keys are kept. */
    retentionMs: number;
    /** How long dead changes are kept for operators to replay; then they are erased. */
    deadRetentionMs: number;
    /** How long the ledger remembers a deal after it last learned a fact of it. */
    ledgerRetentionMs: number;
    /** How long a batch that is not full waits for another change to join it. */
    lingerMs: number;
    /** The longest a batch waits to fill, from its first change. */
    lingerMaxMs: number;
    /**
     * Added to Calltouch's one-second rate window. Each request counts from its answer, and Calltouch received
     * it before answering, so none is needed to stay within the limit; it is for a Calltouch that counts more strictly.
     */
    rateMarginMs: number;
  };
  /** Calltouch tokens by site id: `CALLTOUCH_SITE_ID` with `CALLTOUCH_TOKEN`, and each `CALLTOUCH_TOKEN_<site id>`. */
  sites: ReadonlyMap<string, string>;
  /** Every key the gateway accepts (`API_KEYS`). */
  keys: readonly KeyEntry[];
  /** Cloudflare Turnstile, for public keys that require it. */
  turnstile: { secretKey: string | undefined; verifyUrl: string };
  /** Largest request body the gateway reads, in bytes. */
  maxBodyBytes: number;
  /** Largest body of a lead (`/forms/{key}`, `leads.submit`), in bytes: a visitor's form is small. */
  leadMaxBodyBytes: number;
  /** Most orders one call may carry. */
  maxOrdersPerCall: number;
  /** Where a site's outbox (a Durable Object) is created: near Calltouch, whose every request it waits for. */
  outboxLocation: DurableObjectLocationHint;
  /** Alerts to the operators' webhook (`outbox/alerts.ts`). */
  alerts: { webhookUrl: string | undefined; queueAgeMs: number; intervalMs: number };
  /** The operators' console: the key its session cookies are signed with (the console is off without it), and how long a session lasts. */
  console: { sessionKey: string | undefined; sessionMs: number };
}

/** One site's Calltouch client settings. */
export type SiteSettings = CalltouchClientOptions & Settings["calltouch"];

const integer = (name: string, fallback: number, min: number, max: number) =>
  z._default(
    z.coerce
      .number({ error: `${name} must be a whole number` })
      .check(
        z.int(`${name} must be a whole number`),
        z.minimum(min, `${name} must be at least ${min}`),
        z.maximum(max, `${name} must be at most ${max}`),
      ),
    fallback,
  );

const required = (name: string, hint: string) =>
  z.string({ error: `${name} is not set (${hint})` }).check(z.trim(), z.minLength(1, `${name} is not set (${hint})`));

const siteTokenVar = /^CALLTOUCH_TOKEN_(\d+)$/;

/** Cloudflare's location hints for Durable Objects (developers.cloudflare.com/durable-objects/reference/data-location/). */
const LOCATION_HINTS = ["wnam", "enam", "sam", "weur", "eeur", "apac", "oc", "afr", "me"] as const satisfies DurableObjectLocationHint[];

/**
 * Every setting the gateway reads, with its default: the one place defaults live. `wrangler.toml` sets none
 * of them, and the README's configuration table is written from here (`pnpm run docs:settings`, with the
 * meanings of `settings-doc.ts`).
 */
export const settingsSchema = z.object({
  CALLTOUCH_BASE_URL: z._default(z.url({ error: "CALLTOUCH_BASE_URL must be an absolute URL" }), "https://api.calltouch.ru"),
  CALLTOUCH_SITE_ID: required("CALLTOUCH_SITE_ID", "your Calltouch site id: `scripts/run deploy` uploads it"),
  CALLTOUCH_TOKEN: required("CALLTOUCH_TOKEN", "`scripts/run deploy` uploads it, or `wrangler secret put CALLTOUCH_TOKEN`"),
  CALLTOUCH_CRM: z._default(z.string().check(z.trim(), z.minLength(1)), "calltouch-gateway"),
  CALLTOUCH_TIME_ZONE: z
    ._default(z.string(), DEFAULT_TIME_ZONE)
    .check(z.refine(isValidTimeZone, `CALLTOUCH_TIME_ZONE must be an IANA time zone such as ${DEFAULT_TIME_ZONE}`)),
  CALLTOUCH_DEFAULT_STATUS: z._default(z.string().check(z.trim(), z.minLength(1)), DEFAULT_STATUS),
  CALLTOUCH_BATCH_SIZE: integer("CALLTOUCH_BATCH_SIZE", 100, 1, 100),
  CALLTOUCH_RPS: integer("CALLTOUCH_RPS", 5, 1, 100),
  CALLTOUCH_TIMEOUT_MS: integer("CALLTOUCH_TIMEOUT_MS", 10_000, 100, 120_000),
  RETRY_BASE_MS: integer("RETRY_BASE_MS", 1000, 10, 3_600_000),
  RETRY_MAX_MS: integer("RETRY_MAX_MS", 300_000, 10, 86_400_000),
  RETRY_ATTEMPTS: integer("RETRY_ATTEMPTS", 400, 1, 100_000),
  WAIT_MAX_MS: integer("WAIT_MAX_MS", 30_000, 0, MAX_WAIT_MS),
  DROP_IN_WAIT_MS: integer("DROP_IN_WAIT_MS", 10_000, 0, MAX_WAIT_MS),
  PAUSE_PROBE_MS: integer("PAUSE_PROBE_MS", 300_000, 1000, 86_400_000),
  RETENTION_DAYS: integer("RETENTION_DAYS", 7, 1, 365),
  DEAD_RETENTION_DAYS: integer("DEAD_RETENTION_DAYS", 30, 1, 3650),
  LEDGER_RETENTION_DAYS: integer("LEDGER_RETENTION_DAYS", 365, 1, 3650),
  BATCH_LINGER_MS: integer("BATCH_LINGER_MS", 200, 0, 10_000),
  BATCH_LINGER_MAX_MS: integer("BATCH_LINGER_MAX_MS", 5000, 0, 60_000),
  CALLTOUCH_RATE_MARGIN_MS: integer("CALLTOUCH_RATE_MARGIN_MS", 0, 0, 1000),
  MAX_ORDERS_PER_CALL: integer("MAX_ORDERS_PER_CALL", MAX_ORDERS_PER_CALL, 1, MAX_ORDERS_PER_CALL),
  TURNSTILE_SECRET_KEY: z.optional(z.string().check(z.trim(), z.minLength(1))),
  TURNSTILE_VERIFY_URL: z._default(
    z.url({ error: "TURNSTILE_VERIFY_URL must be an absolute URL" }),
    "https://challenges.cloudflare.com/turnstile/v0/siteverify",
  ),
  MAX_BODY_BYTES: integer("MAX_BODY_BYTES", 2 * 1024 * 1024, 1024, 100 * 1024 * 1024),
  LEAD_MAX_BODY_BYTES: integer("LEAD_MAX_BODY_BYTES", 32 * 1024, 1024, 1024 * 1024),
  OUTBOX_LOCATION_HINT: z._default(
    z.enum(LOCATION_HINTS, { error: `OUTBOX_LOCATION_HINT must be one of ${LOCATION_HINTS.join(", ")}` }),
    "eeur",
  ),
  ALERT_WEBHOOK_URL: z.optional(z.url({ error: "ALERT_WEBHOOK_URL must be an absolute URL" })),
  ALERT_QUEUE_AGE_MS: integer("ALERT_QUEUE_AGE_MS", 3_600_000, 1000, 604_800_000),
  ALERT_INTERVAL_MINUTES: integer("ALERT_INTERVAL_MINUTES", 30, 1, 1440),
  CONSOLE_SESSION_KEY: z.optional(
    z.string().check(z.trim(), z.minLength(32, "CONSOLE_SESSION_KEY must be at least 32 characters (`openssl rand -base64 32`)")),
  ),
  CONSOLE_SESSION_MINUTES: integer("CONSOLE_SESSION_MINUTES", 30, 1, 720),
  API_KEYS: z.pipe(
    z.pipe(
      required("API_KEYS", "the JSON of `scripts/run keys`: `scripts/run deploy --keys` uploads api-keys.json"),
      z.transform((text: string, ctx) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          // zod/mini hands a transform the parse payload itself, without classic's `addIssue`.
          ctx.issues.push({ code: "custom", message: "API_KEYS is not valid JSON", input: text });
          return z.NEVER;
        }
      }),
    ),
    keyFile,
  ),
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
  return memo(cache, env, () => parse(env));
}

function parse(env: object): SettingsResult {
  // Wrangler passes an empty string for a var declared without a value; treat it as unset.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = settingsSchema.safeParse(present);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map(describe) };
  }
  const vars = parsed.data;
  const sites = new Map([[vars.CALLTOUCH_SITE_ID, vars.CALLTOUCH_TOKEN]]);
  for (const [name, value] of Object.entries(present)) {
    const site = name.match(siteTokenVar)?.[1];
    if (site && typeof value === "string") sites.set(site, value);
  }
  const problems = vars.API_KEYS.keys
    .filter((key) => !sites.has(key.site))
    .map((key) => `API_KEYS: key "${key.id}" sends to site ${key.site}, which has no token (set CALLTOUCH_TOKEN_${key.site})`);
  if (vars.API_KEYS.keys.some((key) => key.type === "public" && key.turnstile) && !vars.TURNSTILE_SECRET_KEY) {
    problems.push("TURNSTILE_SECRET_KEY is not set, and a public key requires Turnstile");
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    settings: {
      calltouch: {
        baseUrl: vars.CALLTOUCH_BASE_URL.replace(/\/+$/, ""),
        crm: vars.CALLTOUCH_CRM,
        timeZone: vars.CALLTOUCH_TIME_ZONE,
        defaultStatus: vars.CALLTOUCH_DEFAULT_STATUS,
        batchSize: vars.CALLTOUCH_BATCH_SIZE,
        requestsPerSecond: vars.CALLTOUCH_RPS,
        timeoutMs: vars.CALLTOUCH_TIMEOUT_MS,
      },
      delivery: {
        retry: { baseMs: vars.RETRY_BASE_MS, maxMs: vars.RETRY_MAX_MS, maxAttempts: vars.RETRY_ATTEMPTS },
        maxWaitMs: vars.WAIT_MAX_MS,
        dropInWaitMs: vars.DROP_IN_WAIT_MS,
        pauseProbeMs: vars.PAUSE_PROBE_MS,
        retentionMs: vars.RETENTION_DAYS * 86_400_000,
        deadRetentionMs: vars.DEAD_RETENTION_DAYS * 86_400_000,
        ledgerRetentionMs: vars.LEDGER_RETENTION_DAYS * 86_400_000,
        lingerMs: vars.BATCH_LINGER_MS,
        lingerMaxMs: vars.BATCH_LINGER_MAX_MS,
        rateMarginMs: vars.CALLTOUCH_RATE_MARGIN_MS,
      },
      sites,
      keys: vars.API_KEYS.keys,
      turnstile: { secretKey: vars.TURNSTILE_SECRET_KEY, verifyUrl: vars.TURNSTILE_VERIFY_URL },
      maxBodyBytes: vars.MAX_BODY_BYTES,
      leadMaxBodyBytes: vars.LEAD_MAX_BODY_BYTES,
      maxOrdersPerCall: vars.MAX_ORDERS_PER_CALL,
      outboxLocation: vars.OUTBOX_LOCATION_HINT,
      alerts: {
        webhookUrl: vars.ALERT_WEBHOOK_URL,
        queueAgeMs: vars.ALERT_QUEUE_AGE_MS,
        intervalMs: vars.ALERT_INTERVAL_MINUTES * 60_000,
      },
      console: { sessionKey: vars.CONSOLE_SESSION_KEY, sessionMs: vars.CONSOLE_SESSION_MINUTES * 60_000 },
    },
  };
}

/** An issue of a setting, named by its path; messages never quote the value. */
function describe(issue: z.core.$ZodIssue): string {
  const [name, ...rest] = issue.path;
  return name === "API_KEYS" && rest.length > 0 ? `API_KEYS ${rest.join(".")}: ${issue.message}` : issue.message;
}

const keysCache = new WeakMap<object, readonly KeyEntry[] | null>();

/**
 * The keys of `API_KEYS` alone, or `null` when they do not parse: so that an admin key can still be
 * recognized (to show `/health`'s details) while some other setting is wrong. When the settings are
 * right, their keys: parsing `API_KEYS` twice was part of every cold start's first request.
 *
 * @example const keys = readKeys(env); if (keys) entry = await findKey(key, keys);
 */
export function readKeys(env: object): readonly KeyEntry[] | null {
  return memo(keysCache, env, () => {
    const settings = readSettings(env);
    if (settings.ok) return settings.settings.keys;
    const parsed = settingsSchema.shape.API_KEYS.safeParse((env as { API_KEYS?: unknown }).API_KEYS);
    return parsed.success ? parsed.data.keys : null;
  });
}

const sitesCache = new WeakMap<Settings, Map<string, SiteSettings>>();

/**
 * The Calltouch client settings of one site, made once per settings object (so that clients and
 * fingerprints built from them are reused).
 *
 * @example calltouchClientFor(siteSettings(settings, principal.site))
 */
export function siteSettings(settings: Settings, siteId: string): SiteSettings {
  return memo(
    memo(sitesCache, settings, () => new Map()),
    siteId,
    () => {
      const token = settings.sites.get(siteId);
      if (token === undefined) throw new Error(`no Calltouch token for site ${siteId}`);
      return { ...settings.calltouch, siteId, token };
    },
  );
}

/**
 * The limits a caller runs into as this deployment sets them, or as the schema's defaults when its
 * settings cannot be read: what the OpenAPI document states.
 *
 * @example openApiDocumentFor(callerLimits(env), components).paths["/v1/orders"] // "up to 1000" orders, "at most 30000" ms
 */
export function callerLimits(env: object): { maxOrdersPerCall: number; maxWaitMs: number; maxBodyBytes: number } {
  const read = readSettings(env);
  if (read.ok) {
    const { maxOrdersPerCall, maxBodyBytes, delivery } = read.settings;
    return { maxOrdersPerCall, maxWaitMs: delivery.maxWaitMs, maxBodyBytes };
  }
  const { shape } = settingsSchema;
  return {
    maxOrdersPerCall: shape.MAX_ORDERS_PER_CALL.parse(undefined),
    maxWaitMs: shape.WAIT_MAX_MS.parse(undefined),
    maxBodyBytes: shape.MAX_BODY_BYTES.parse(undefined),
  };
}
