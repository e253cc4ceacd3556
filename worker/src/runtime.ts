import { log } from "./log";
import { memo } from "./memo";
import { readSettings } from "./settings";

/**
 * What the gateway runs without when it is self-hosted on workerd (`scripts/run selfhost`), where the
 * launcher binds `SELF_HOSTED` (scripts/selfhost/workerd-config.mjs): the runtime, and the settings of
 * wrangler.toml that only Cloudflare honours. On Cloudflare there is no such binding.
 */
export interface SelfHosting {
  /** e.g. `workerd 1.20261102.1` */
  runtime: string;
  /** Each feature the configuration asks for that cannot work here, and why. */
  unavailable: string[];
}

/** The launcher's binding, as scripts/selfhost/workerd-config.mjs writes it. */
interface SelfHostedBinding {
  runtime: string;
  unavailable: string[];
}

const TURNSTILE =
  "Turnstile: a public key requires it, and each check calls Cloudflare's siteverify (TURNSTILE_VERIFY_URL), which Russian networks may throttle";

const cache = new WeakMap<object, SelfHosting | null>();

/**
 * How the gateway is self-hosted, or `undefined` on Cloudflare. Read once per environment.
 *
 * @example
 * const hosting = selfHosting(env);
 * if (hosting) console.log(hosting.unavailable);
 */
export function selfHosting(env: object): SelfHosting | undefined {
  return memo(cache, env, () => read(env)) ?? undefined;
}

function read(env: object): SelfHosting | null {
  const binding = (env as { SELF_HOSTED?: SelfHostedBinding }).SELF_HOSTED;
  if (!binding) return null;
  const unavailable = [...binding.unavailable];
  const settings = readSettings(env);
  if (settings.ok && settings.settings.keys.some((key) => key.type === "public" && key.turnstile)) unavailable.push(TURNSTILE);
  return { runtime: binding.runtime, unavailable };
}

/**
 * What `/health` adds about the runtime: nothing on Cloudflare; self-hosted, what the gateway runs
 * without (the runtime's version stays in the logs).
 *
 * @example c.json({ status: "ok", ...runtimeHealth(c.env) })
 */
export function runtimeHealth(env: object): { selfHosted?: { unavailable: string[] } } {
  const hosting = selfHosting(env);
  return hosting ? { selfHosted: { unavailable: hosting.unavailable } } : {};
}

/**
 * Logs once, when the Worker starts self-hosted, which runtime runs it and what it runs without.
 *
 * @example announceRuntime(env); // at the top of the Worker's entry module
 */
export function announceRuntime(env: object): void {
  const hosting = selfHosting(env);
  if (!hosting) return;
  // The Worker's clock stands at 0 while its modules load, so a time would read 1970: the journal has one.
  const fields = { time: undefined, runtime: hosting.runtime };
  if (hosting.unavailable.length === 0) log("info", "self-hosted", fields);
  else log("warn", "self-hosted, without some features of Cloudflare", { ...fields, unavailable: hosting.unavailable });
}
