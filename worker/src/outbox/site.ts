import { readSettings } from "../settings";

/**
 * The outbox of a Calltouch site: one Durable Object per site id, so that each site's changes are
 * ordered, batched and rate limited together wherever the calls arrive. It is created near Calltouch
 * (`OUTBOX_LOCATION_HINT`, Eastern Europe by default): every upstream request waits on that distance,
 * while a caller's request crosses it once. The hint counts only when the object is first made.
 *
 * @example const result = await outboxOf(env, principal.site).enqueue(request);
 */
export function outboxOf(env: Env, site: string) {
  const settings = readSettings(env);
  const locationHint = settings.ok ? settings.settings.outboxLocation : undefined;
  return env.OUTBOX.get(env.OUTBOX.idFromName(site), { locationHint });
}
