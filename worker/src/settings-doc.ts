/**
 * What each setting of `settings.ts` means, in the order the README's configuration table lists them.
 * `pnpm run docs:settings` writes that table from these lines and the schema's own names and defaults;
 * `test/tooling/settings-doc.test.ts` fails when a setting has no line here or the README is stale. Only
 * the generator imports this file, so none of it ships in the Worker.
 *
 * `secret` settings are uploaded as secrets (`scripts/run deploy`, `wrangler secret put`); `var` ones have
 * a default and are set, when at all, in `wrangler.toml`'s `[env.<name>.vars]` or `.dev.vars`.
 */
export const SETTING_DOCS: Record<string, { kind: "var" | "secret"; meaning: string }> = {
  CALLTOUCH_SITE_ID: { kind: "secret", meaning: "your Calltouch site id, sent as `SiteId` (not secret, but uploaded with the token)" },
  CALLTOUCH_TOKEN: { kind: "secret", meaning: "Calltouch API token, sent as `Access-Token` and nowhere else" },
  API_KEYS: { kind: "secret", meaning: "the keys, as `scripts/run keys` writes them (see Keys and scopes)" },
  "CALLTOUCH_TOKEN_<site>": { kind: "secret", meaning: "the token of another Calltouch site" },
  TURNSTILE_SECRET_KEY: { kind: "secret", meaning: "needed when a public key requires Turnstile (the default)" },
  CONSOLE_SESSION_KEY: {
    kind: "secret",
    meaning: "signs the console's session cookies (32+ characters); without it `/console` is off and says so (see Console)",
  },
  CONSOLE_SESSION_MINUTES: { kind: "var", meaning: "how long a console sign-in lasts" },
  ALERT_WEBHOOK_URL: {
    kind: "secret",
    meaning:
      "where alerts go (a pause, a new reason of dead letters, an old queue): a URL that takes JSON, or a Telegram bot's `sendMessage` URL",
  },
  ALERT_QUEUE_AGE_MS: { kind: "var", meaning: "alert when the oldest queued change has waited longer than this (an hour)" },
  ALERT_INTERVAL_MINUTES: { kind: "var", meaning: "at most one alert of each kind (of each reason) per site in this many minutes" },
  MAX_ORDERS_PER_CALL: { kind: "var", meaning: "most orders one call may carry (413 beyond)" },
  CALLTOUCH_BASE_URL: { kind: "var", meaning: "where Calltouch lives (the simulator locally)" },
  CALLTOUCH_CRM: { kind: "var", meaning: "the `crm` label of create requests" },
  CALLTOUCH_TIME_ZONE: { kind: "var", meaning: "the zone Calltouch reads dates in" },
  CALLTOUCH_DEFAULT_STATUS: { kind: "var", meaning: "the status of a created deal whose caller gave none" },
  CALLTOUCH_BATCH_SIZE: { kind: "var", meaning: "orders per upstream request (1–100)" },
  CALLTOUCH_RPS: { kind: "var", meaning: "upstream requests per second, all sites together" },
  CALLTOUCH_TIMEOUT_MS: { kind: "var", meaning: "how long one upstream request may take" },
  BATCH_LINGER_MS: {
    kind: "var",
    meaning: "how long a batch that is not full waits for another change to join it (longer between groups of calls that fill it)",
  },
  BATCH_LINGER_MAX_MS: { kind: "var", meaning: "the longest a batch waits to fill, from its first change" },
  CALLTOUCH_RATE_MARGIN_MS: { kind: "var", meaning: "added to Calltouch's one-second window (each request counts from its answer)" },
  RETRY_BASE_MS: { kind: "var", meaning: "first retry delay; doubles each attempt" },
  RETRY_MAX_MS: { kind: "var", meaning: "longest delay between attempts" },
  RETRY_ATTEMPTS: { kind: "var", meaning: "failed attempts after which a change is dead (about a day of retries)" },
  WAIT_MAX_MS: { kind: "var", meaning: "the longest `wait` a call may ask for (400 beyond), at most 120000" },
  DROP_IN_WAIT_MS: { kind: "var", meaning: "how long the Calltouch drop-in holds its answer for Calltouch's ids" },
  PAUSE_PROBE_MS: { kind: "var", meaning: "how often a paused site tries Calltouch again by itself" },
  RETENTION_DAYS: { kind: "var", meaning: "how long delivered changes and idempotency keys are kept" },
  DEAD_RETENTION_DAYS: { kind: "var", meaning: "how long dead changes are kept for operators to replay" },
  LEDGER_RETENTION_DAYS: { kind: "var", meaning: "how long the ledger remembers a deal after the last fact learned of it" },
  MAX_BODY_BYTES: { kind: "var", meaning: "largest request body read" },
  LEAD_MAX_BODY_BYTES: { kind: "var", meaning: "largest body of a lead (`/forms/{key}`, `leads.submit`) read" },
  OUTBOX_LOCATION_HINT: {
    kind: "var",
    meaning: "where each site's outbox and the shared egress budget are created (a Durable Object location hint): near Calltouch",
  },
  TURNSTILE_VERIFY_URL: { kind: "var", meaning: "Turnstile's server-side check (the simulator's in tests)" },
};
