import type { Settings } from "../settings";

/**
 * The outbox of the Calltouch site the settings name: one Durable Object per site id, so that each
 * site's changes are ordered, batched and rate limited together wherever the calls arrive.
 *
 * @example const receipts = await outboxOf(env, settings).enqueue(request);
 */
export function outboxOf(env: Env, settings: Settings) {
  return env.OUTBOX.get(env.OUTBOX.idFromName(settings.calltouch.siteId));
}
